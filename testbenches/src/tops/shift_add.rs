//! Shift-and-add: ±(code << (place + t)) terms routed to their line, the offset correction,
//! then on every line the golden round-half-up and saturation to the output word, read
//! through the read port; the count of saturated lines.

use crate::small_config;
use crate::testbench::{simulate, Outcome, Testbench, Vcd};
use panther_hdl::params::{sext, twos, RtlParams, WIDE_BITS};
use panther_hdl::rtl::shift_add::ShiftAdd;
use panther_sim::config::Variant;
use panther_sim::fixed;
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct ShiftAddCase {
    /// (line, code, slice place, input step t, MSB step: subtract)
    pub terms: Vec<(usize, u64, u32, u32, bool)>,
    pub correction: i64,
    /// Lines counted by the saturation counter.
    pub line_count: usize,
}

pub struct ShiftAddTestbench;

impl Testbench for ShiftAddTestbench {
    /// Lines (an n x n array).
    type Design = usize;
    type Case = ShiftAddCase;

    fn design() -> BoxedStrategy<usize> {
        (1usize..=8).boxed()
    }

    fn case(&n: &usize) -> BoxedStrategy<ShiftAddCase> {
        (
            proptest::collection::vec(
                (0..n, 0u64..(1 << 13), 0u32..8, 0u32..16, any::<bool>()),
                1..24,
            ),
            -(1i64 << 36)..(1i64 << 36),
            0..=n,
        )
            .prop_map(|(terms, correction, line_count)| ShiftAddCase {
                terms: terms
                    .into_iter()
                    .map(|(l, code, k, t, neg)| (l, code, 2 * k, t, neg))
                    .collect(),
                correction,
                line_count,
            })
            .boxed()
    }

    fn check(&n: &usize, c: &ShiftAddCase, vcd: Vcd) -> Outcome {
        let cfg = small_config(n, Variant::V1, 1, true);
        let p = RtlParams::from_config(&cfg, "test").map_err(|e| e.to_string())?;
        let mut b = simulate(ShiftAdd::new(&p), |s| &mut s.clock, vcd);
        b.uut.clear.next = true;
        b.cycle();
        b.uut.clear.next = false;
        let mut raw = vec![0i64; n];
        for &(line, code, place, t, negate) in &c.terms {
            b.uut.in_valid.next = true;
            b.uut.in_line.next = (line as u64).into();
            b.uut.in_code.next = code.into();
            b.uut.in_place.next = (place as u64).into();
            b.uut.step.next = (t as u64).into();
            b.uut.in_negate.next = negate;
            b.cycle();
            let term = (code as i64) << (place + t);
            raw[line] += if negate { -term } else { term };
        }
        b.uut.in_valid.next = false;
        b.uut.correct.next = true;
        b.uut.correction.next = twos(c.correction, WIDE_BITS).into();
        b.cycle();
        b.uut.correct.next = false;
        b.uut.line_count.next = (c.line_count as u64).into();
        let mut saturated = 0;
        for (j, r) in raw.iter_mut().enumerate() {
            *r -= c.correction;
            let (word, sat) = fixed::to_output_word(*r, p.out_shift, p.word_bits);
            saturated += (sat && j < c.line_count) as u64;
            b.uut.read_addr.next = (j as u64).into();
            b.settle();
            ensure_eq!(
                sext(b.uut.read_raw.val().to_u64(), WIDE_BITS),
                *r,
                "raw sum of line {j}"
            );
            ensure_eq!(
                sext(b.uut.read_word.val().to_u64(), 16),
                word,
                "output word of line {j}"
            );
        }
        ensure_eq!(b.uut.sat_count.val().to_u64(), saturated, "saturated lines");
        Ok(b.cycles)
    }
}
