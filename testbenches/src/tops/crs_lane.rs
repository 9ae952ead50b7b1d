//! One CRS lane: carry-propagating accumulation, saturation at the word range, and the
//! nominal digits plus offsets of the golden slice layout (V2's cleared accumulator: the
//! digits of 0).

use crate::small_config;
use crate::testbench::{simulate, Outcome, Testbench, Vcd};
use panther_hdl::params::{sext, RtlParams, WIDE_BITS};
use panther_hdl::rtl::crs_lane::CrsLane;
use panther_sim::config::Variant;
use panther_sim::fixed;
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct CrsLaneCase {
    pub value: i64,
    pub zero: bool,
}

pub struct CrsLaneTestbench;

impl Testbench for CrsLaneTestbench {
    /// The lane's index (its read address).
    type Design = usize;
    type Case = CrsLaneCase;

    fn design() -> BoxedStrategy<usize> {
        (0usize..8).boxed()
    }

    fn case(_: &usize) -> BoxedStrategy<CrsLaneCase> {
        (-(1i64 << 20)..(1i64 << 20), any::<bool>())
            .prop_map(|(value, zero)| CrsLaneCase { value, zero })
            .boxed()
    }

    fn check(&index: &usize, c: &CrsLaneCase, vcd: Vcd) -> Outcome {
        let cfg = small_config(8, Variant::V1, 4, true);
        let p = RtlParams::from_config(&cfg, "test").map_err(|e| e.to_string())?;
        let line = index as u64;
        let mut b = simulate(CrsLane::new(&p, index), |l| &mut l.clock, vcd);
        b.uut.clear.next = true;
        b.cycle();
        b.uut.clear.next = false;
        // value = code - correction, through the carry-propagating input.
        b.uut.in_valid.next = true;
        b.uut.in_line.next = line.into();
        b.uut.in_code.next = ((c.value + (1 << 20)) as u64).into();
        b.uut.in_place.next = 0u64.into();
        b.cycle();
        b.uut.in_valid.next = false;
        b.uut.correct.next = true;
        b.uut.correction.next = (1u64 << 20).into();
        b.cycle();
        b.uut.correct.next = false;
        b.uut.saturate.next = true;
        b.cycle();
        b.uut.saturate.next = false;
        b.uut.read_addr.next = line.into();
        b.uut.zero.next = c.zero;
        let (sat_value, sat) = fixed::saturate(c.value, p.word_bits);
        b.cycle();
        ensure_eq!(
            sext(b.uut.read_value.val().to_u64(), WIDE_BITS),
            sat_value,
            "saturated value"
        );
        ensure_eq!(b.uut.saturated.val(), sat, "saturation flag");
        for k in 0..p.slices {
            b.uut.level_shift.next = ((p.nominal_bits as usize * k) as u64).into();
            b.uut.level_offset.next = (p.acc.offsets[k] as u64).into();
            b.cycle();
            let w = if c.zero { 0 } else { sat_value };
            ensure_eq!(
                b.uut.level.val().to_u32(),
                p.acc.level(k, w),
                "level of slice {k}"
            );
        }
        Ok(b.cycles)
    }
}
