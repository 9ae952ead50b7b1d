//! One OPA column: the pulse code of (t, m, phase) is the golden digit on columns of the
//! phase's sign, 0 elsewhere; overflow marks aligned terms with bits above the word.

use crate::testbench::{simulate, Outcome, Testbench, Vcd};
use crate::{small_config, word};
use panther_hdl::params::RtlParams;
use panther_hdl::rtl::opa_column::OpaColumn;
use panther_sim::config::{OpaRounding, Variant};
use panther_sim::mcu::{aligned_term, opa_digit};
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct OpaColumnCase {
    pub d: i64,
    pub t: u32,
    pub m: usize,
    pub phase_negative: bool,
}

pub struct OpaColumnTestbench;

impl Testbench for OpaColumnTestbench {
    /// The OPA alignment (`format.opa_shift_bits`) and its rounding (`opa.rounding`).
    type Design = (u32, OpaRounding);
    type Case = OpaColumnCase;

    fn design() -> BoxedStrategy<(u32, OpaRounding)> {
        (
            0u32..=24,
            prop_oneof![Just(OpaRounding::Truncate), Just(OpaRounding::Nearest)],
        )
            .boxed()
    }

    fn case(_: &(u32, OpaRounding)) -> BoxedStrategy<OpaColumnCase> {
        (word(16), 0u32..16, 0usize..8, any::<bool>())
            .prop_map(|(d, t, m, phase_negative)| OpaColumnCase {
                d,
                t,
                m,
                phase_negative,
            })
            .boxed()
    }

    fn check(&(shift, rounding): &(u32, OpaRounding), c: &OpaColumnCase, vcd: Vcd) -> Outcome {
        let mut cfg = small_config(8, Variant::V1, 4, true);
        cfg.format.opa_shift_bits = shift;
        cfg.opa.rounding = rounding;
        let half = rounding.half(shift);
        let p = RtlParams::from_config(&cfg, "test").map_err(|e| e.to_string())?;
        let mut b = simulate(OpaColumn::new(&p), |l| &mut l.clock, vcd);
        let mag = c.d.unsigned_abs();
        b.uut.magnitude.next = mag.into();
        b.uut.negative.next = c.d < 0;
        b.uut.step.next = (c.t as u64).into();
        b.uut.slice_shift.next = ((p.nominal_bits as usize * c.m) as u64).into();
        b.uut.phase_negative.next = c.phase_negative;
        b.cycle();
        let digit = opa_digit(mag, c.t, c.m, (shift, half), p.word_bits, p.nominal_bits);
        let want = if (c.d < 0) == c.phase_negative {
            digit
        } else {
            0
        };
        ensure_eq!(b.uut.code.val().to_u32(), want, "pulse code");
        ensure_eq!(
            b.uut.overflow.val(),
            aligned_term(mag, c.t, shift, half) >> p.word_bits != 0,
            "overflow"
        );
        Ok(b.cycles)
    }
}
