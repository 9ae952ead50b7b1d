//! Offset correction: the input sum rebuilt from weighted drive counts, times the layout
//! constant of the copy MVM/MTVM read.

use crate::small_config;
use crate::testbench::{simulate, Outcome, Testbench, Vcd};
use panther_hdl::params::{sext, RtlParams, WIDE_BITS};
use panther_hdl::rtl::offset_correction::OffsetCorrection;
use panther_sim::config::Variant;
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct OffsetCase {
    /// (driven lines, step t, MSB step)
    pub steps: Vec<(u64, u32, bool)>,
}

pub struct OffsetCorrectionTestbench;

impl Testbench for OffsetCorrectionTestbench {
    /// The variant sets the layout constant (V1: accumulating cells, V2: nominal cells).
    type Design = Variant;
    type Case = OffsetCase;

    fn design() -> BoxedStrategy<Variant> {
        prop_oneof![Just(Variant::V1), Just(Variant::V2)].boxed()
    }

    fn case(_: &Variant) -> BoxedStrategy<OffsetCase> {
        proptest::collection::vec((0u64..=16, 0u32..16, any::<bool>()), 1..16)
            .prop_map(|steps| OffsetCase { steps })
            .boxed()
    }

    fn check(&variant: &Variant, c: &OffsetCase, vcd: Vcd) -> Outcome {
        let cfg = small_config(16, variant, 2, true);
        let p = RtlParams::from_config(&cfg, "test").map_err(|e| e.to_string())?;
        let k = p.layout(p.roles.mvm).correction();
        let mut b = simulate(OffsetCorrection::new(k), |o| &mut o.clock, vcd);
        b.uut.clear.next = true;
        b.cycle();
        b.uut.clear.next = false;
        let mut sum = 0i64;
        for &(count, t, negate) in &c.steps {
            b.uut.step_add.next = true;
            b.uut.active_count.next = count.into();
            b.uut.step.next = (t as u64).into();
            b.uut.negate.next = negate;
            b.cycle();
            sum += if negate {
                -((count as i64) << t)
            } else {
                (count as i64) << t
            };
        }
        b.uut.step_add.next = false;
        b.uut.start.next = true;
        loop {
            b.cycle();
            b.uut.start.next = false;
            if b.uut.done.val() {
                break;
            }
            if b.cycles > 1000 {
                return Err("offset correction never signalled done".into());
            }
        }
        ensure_eq!(
            sext(b.uut.input_sum.val().to_u64(), WIDE_BITS),
            sum,
            "input sum"
        );
        ensure_eq!(
            sext(b.uut.product.val().to_u64(), WIDE_BITS),
            sum * k,
            "correction product"
        );
        Ok(b.cycles)
    }
}
