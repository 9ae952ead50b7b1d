//! The whole RTL MCU against the golden MCU on random sequences of MVM, MTVM, OPA and CRS
//! (after random initial weights, ending with a serial weight read): every result
//! (outputs, raw sums, ADC clips, saturations, phases, per-slice clip counts, overflow
//! terms) and the final weights bit-exact with an ideal device, identical with a seeded
//! non-ideal device (same noise draws: one analog model, same per-array event order), and
//! every command in the cycles of the timing model. The `mcu` and `controller` tops'
//! testbench is this check.

use panther_sim::config::{Config, Variant};
use panther_sim::opfile::{Op, OpFile, OpResult};
use panther_testbenches::tops::mcu::compare_on;
use panther_testbenches::*;
use proptest::prelude::*;

/// Golden and RTL on one file: equal results (the golden ones are returned), and every
/// MVM, MTVM, OPA and CRS in the cycles of the timing model (the controller's counter).
fn same(cfg: &Config, file: &OpFile) -> Result<Vec<OpResult>, TestCaseError> {
    compare_on(cfg, file, None, true)
        .map(|c| c.results)
        .map_err(TestCaseError::fail)
}

/// Every op kind, including serial slice reads, on each variant (4 x 4, 2 converters).
#[test]
fn fixed_sequence_every_variant() {
    for v in [Variant::V1, Variant::V2, Variant::V3] {
        let cfg = small_config(4, v, 2, true);
        same(&cfg, &every_op_kind_file()).unwrap_or_else(|e| panic!("{v:?}: {e}"));
    }
}

/// Saturating CRS and clipping OPA: large updates on extreme weights.
#[test]
fn clipping_opa_and_saturating_crs() {
    let cfg = small_config(4, Variant::V1, 4, true);
    let file = OpFile {
        weights: Some(vec![vec![32767, -32768, 32000, -32000]; 4]),
        ops: vec![
            Op::Opa {
                x: vec![32767, -32768, 32767, 1],
                d: vec![32767, -32768, -32768, 32767],
            },
            Op::Opa {
                x: vec![32767, 32767, -32768, -1],
                d: vec![32767, 32767, -32768, -32768],
            },
            Op::Crs {},
            Op::ReadWeights {},
        ],
        ..every_op_kind_file()
    };
    let g = same(&cfg, &file).unwrap();
    let clips: u64 = g
        .iter()
        .filter_map(|o| match o {
            OpResult::Opa { clip_events, .. } => Some(clip_events.iter().sum::<u64>()),
            _ => None,
        })
        .sum();
    assert!(clips > 0, "the sequence should clip some slice: {g:?}");
    assert!(
        matches!(g[2], OpResult::Crs { saturations } if saturations > 0),
        "CRS should saturate: {:?}",
        g[2]
    );
}

proptest! {
    #![proptest_config(persisted(file!(), 16))]

    /// 8 x 8 arrays, 4 converters per slice, ideal device.
    #[test]
    fn random_sequences_8x8_ideal(
        (cfg, file) in variant().prop_flat_map(|v| {
            let cfg = small_config(8, v, 4, true);
            (Just(cfg.clone()), op_file(&cfg, 4))
        })
    ) {
        same(&cfg, &file)?;
    }

    /// Seeded non-ideal device (every effect on): the RTL sees the same noise draws.
    #[test]
    fn random_sequences_8x8_nonideal(
        (cfg, file) in (variant(), any::<u64>()).prop_flat_map(|(v, seed)| {
            let mut cfg = small_config(8, v, 4, false);
            cfg.seed = seed;
            (Just(cfg.clone()), op_file(&cfg, 3))
        })
    ) {
        same(&cfg, &file)?;
    }
}

proptest! {
    #![proptest_config(persisted(file!(), 4))]

    /// 16 x 16 arrays (the `small` preset's size), 2 converters per slice.
    #[test]
    fn random_sequences_16x16_ideal(
        (cfg, file) in variant().prop_flat_map(|v| {
            let cfg = small_config(16, v, 2, true);
            (Just(cfg.clone()), op_file(&cfg, 2))
        })
    ) {
        same(&cfg, &file)?;
    }
}
