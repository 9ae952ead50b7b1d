//! The CRS sequencer, inside the MCU: OPAs push weights past their cells' nominal digits;
//! every CRS's saturation count, the weights after it and every slice level of every copy
//! match the golden MCU (seeded non-ideal devices too: serial reads touch only the slices
//! read, so read noise matches).

use super::mcu::{compare_on, SequenceCase};
use crate::testbench::{Outcome, Testbench, Vcd};
use crate::variant;
use panther_sim::config::Variant;
use panther_sim::opfile::Op;
use proptest::prelude::*;

pub struct CrsSequencerTestbench;

impl Testbench for CrsSequencerTestbench {
    type Design = Variant;
    type Case = SequenceCase;

    fn design() -> BoxedStrategy<Variant> {
        variant().boxed()
    }

    fn case(&v: &Variant) -> BoxedStrategy<SequenceCase> {
        SequenceCase::strategy(v, 3)
    }

    fn check(&v: &Variant, c: &SequenceCase, vcd: Vcd) -> Outcome {
        let mut file = c.file.clone();
        file.ops.retain(|o| matches!(o, Op::Opa { .. }));
        file.ops
            .extend([Op::Crs {}, Op::ReadWeights {}, Op::ReadSlices {}]);
        compare_on(&c.config(v), &file, vcd, false).map(|c| c.cycles)
    }
}
