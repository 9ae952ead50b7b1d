//! The testbenches that run inside the MCU: the bit-sliced update unit in depth (at every
//! pulse step the row gates and every column's pulse code equal the golden digit of
//! (t, m, phase); executed phases, pulse-step count, per-slice clip counts and overflow
//! terms; weights after CRS), the CRS sequencer and the behavioural crossbar's ports. The
//! controller's testbench (the MCU's) is `mcu.rs`.

use panther_sim::config::Variant;
use panther_sim::opfile::{Op, OpFile};
use panther_sim::Mcu;
use panther_testbenches::testbench::{any_case, check_case, Testbench};
use panther_testbenches::tops::controller::ControllerTestbench;
use panther_testbenches::tops::crossbar::CrossbarTestbench;
use panther_testbenches::tops::crs_sequencer::CrsSequencerTestbench;
use panther_testbenches::tops::mcu::SequenceCase;
use panther_testbenches::tops::opa_unit::{OpaDesign, OpaUnitCase, OpaUnitTestbench};
use panther_testbenches::{persisted, small_config};
use proptest::prelude::*;

proptest! {
    #![proptest_config(persisted(file!(), 12))]

    #[test]
    fn opa_pulses_clips_and_weights(c in any_case::<OpaUnitTestbench>()) {
        check_case::<OpaUnitTestbench>(&c)?;
    }
}

proptest! {
    #![proptest_config(persisted(file!(), 5))]

    #[test]
    fn crs_sequencer_matches_golden(c in any_case::<CrsSequencerTestbench>()) {
        check_case::<CrsSequencerTestbench>(&c)?;
    }

    #[test]
    fn crossbar_block_compares_like_the_golden_arrays(c in any_case::<CrossbarTestbench>()) {
        check_case::<CrossbarTestbench>(&c)?;
    }
}

/// Updates large enough to clip: per-slice clip counts must match, not just be zero.
#[test]
fn opa_clip_counts_per_slice() {
    let weights: Vec<i64> = (0..64)
        .map(|i| if i % 2 == 0 { 32767 } else { -32768 })
        .collect();
    let x = vec![32767, -32768, 30000, -30000, 1, -1, 0, 12345];
    let d = vec![-32768, 32767, 20000, -20000, 4096, -4096, 1, 0];
    let design = OpaDesign {
        variant: Variant::V1,
        skip_empty_phases: true,
    };
    let c = OpaUnitCase {
        weights: weights.clone(),
        x: x.clone(),
        d: d.clone(),
    };
    OpaUnitTestbench::check(&design, &c, None).unwrap();
    let cfg = small_config(8, Variant::V1, 4, true);
    let mut g = Mcu::new(&cfg, 0);
    g.write_weights(&weights).unwrap();
    let o = g.opa(&x, &d).unwrap();
    assert!(o.clip_events.iter().sum::<u64>() > 0, "{o:?}");
}

/// A V2 sequence with a seeded non-ideal device that proptest once shrank a failure to
/// (weights with extremes, three MTVMs), kept as a fixed test.
#[test]
fn v2_nonideal_mtvm_regression() {
    let c = SequenceCase {
        seed: 17986356438535847795,
        ideal: false,
        file: OpFile {
            preset: None,
            config: None,
            seed: None,
            variant: None,
            weights: Some(vec![
                vec![0, 0, 0, 0, 0, -419, 0, 0],
                vec![-194, 93, 0, 0, -252, 153, 122, 165],
                vec![85, 32767, 0, 184, 22686, 174, -22003, -14669],
                vec![-32768, 25144, 0, -23662, 23, -18226, 0, -215],
                vec![0, 108, -31466, -4685, 2630, 8317, 0, -9904],
                vec![32767, -32768, -76, 0, -32768, 176, 23535, 62],
                vec![-32768, 0, -11215, 0, -14676, 4676, -30506, -255],
                vec![12541, -18399, 110, -15316, 32767, -32768, -32768, 32767],
            ]),
            ops: vec![
                Op::Mtvm {
                    d: vec![25451, 2670, -2663, -27150, -277, -13422, -5, 9],
                },
                Op::Mtvm {
                    d: vec![31224, -32768, -290, 8043, -51, -18349, 26879, 206],
                },
                Op::Mtvm {
                    d: vec![17356, 35, 35, -228, 297, 29342, 27975, 0],
                },
                Op::ReadWeights {},
            ],
        },
    };
    ControllerTestbench::check(&Variant::V2, &c, None).unwrap();
    CrsSequencerTestbench::check(&Variant::V2, &c, None).unwrap();
}
