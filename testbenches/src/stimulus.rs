//! The stimulus the testbenches and the level-comparing tests share: small configs, random
//! words and op sequences, and the proptest settings (persisted failures, seeded runs).

use panther_sim::config::{Config, Preset, Variant};
use panther_sim::opfile::{Op, OpFile};
use proptest::prelude::*;

/// A small test config: `n` x `n` array, 16-bit words, the given variant and ADC sharing.
pub fn small_config(n: usize, variant: Variant, shared_adcs: usize, ideal: bool) -> Config {
    let mut cfg = Preset::Small.config();
    cfg.array.rows = n;
    cfg.array.cols = n;
    cfg.variant = variant;
    cfg.adc.shared_adcs = shared_adcs;
    if !ideal {
        cfg.device = panther_sim::config::DeviceConfig::all_effects();
    }
    cfg.validate("test config").expect("valid test config");
    cfg
}

pub fn variant() -> impl Strategy<Value = Variant> {
    prop_oneof![Just(Variant::V1), Just(Variant::V2), Just(Variant::V3)]
}

/// A word of `bits` bits, biased towards small magnitudes and the extremes.
pub fn word(bits: u32) -> impl Strategy<Value = i64> {
    let max = (1i64 << (bits - 1)) - 1;
    let min = -(1i64 << (bits - 1));
    prop_oneof![
        4 => -300i64..300,
        4 => min..=max,
        1 => Just(max),
        1 => Just(min),
        1 => Just(0i64),
    ]
}

pub fn words(n: usize, bits: u32) -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(word(bits), n)
}

/// One op of a random training sequence on an `rows` x `cols` MCU.
pub fn op(rows: usize, cols: usize, bits: u32) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => words(rows, bits).prop_map(|x| Op::Mvm { x }),
        3 => words(cols, bits).prop_map(|d| Op::Mtvm { d }),
        3 => (words(rows, bits), words(cols, bits)).prop_map(|(x, d)| Op::Opa { x, d }),
        1 => Just(Op::Crs {}),
    ]
}

/// Every op kind once on a 4 x 4 MCU (MVM, MTVM, OPA, CRS, serial weight and slice reads),
/// after fixed weights with extremes.
pub fn every_op_kind_file() -> OpFile {
    OpFile {
        preset: None,
        config: None,
        seed: None,
        variant: None,
        weights: Some(vec![
            vec![1, -2, 3, -4],
            vec![100, 200, -300, 4000],
            vec![32767, -32768, 0, 5],
            vec![7, 7, 7, 7],
        ]),
        ops: vec![
            Op::Mvm {
                x: vec![1, 2, 3, 4],
            },
            Op::Mtvm {
                d: vec![-5, 6, -7, 8],
            },
            Op::Opa {
                x: vec![4096, -4096, 300, 0],
                d: vec![4096, 2048, -100, 7],
            },
            Op::Crs {},
            Op::ReadWeights {},
            Op::ReadSlices {},
        ],
    }
}

/// An op file: random initial weights, then `len` random ops and a final weight read.
pub fn op_file(cfg: &Config, len: usize) -> impl Strategy<Value = OpFile> {
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let bits = cfg.format.input_bits;
    let wbits = cfg.format.word_bits;
    (
        proptest::collection::vec(words(cols, wbits), rows),
        proptest::collection::vec(op(rows, cols, bits), 1..=len),
    )
        .prop_map(|(weights, mut ops)| {
            ops.push(Op::ReadWeights {});
            OpFile {
                preset: None,
                config: None,
                seed: None,
                variant: None,
                weights: Some(weights),
                ops,
            }
        })
}

/// Proptest config with `cases` cases whose failures persist in one file per test target,
/// `<crate>/proptest-regressions/<stem of source>.txt` (kept in git; replayed first), the
/// layout proptest itself gives unit tests under `src/`. Call as `persisted(file!(), n)`.
pub fn persisted(source: &'static str, cases: u32) -> ProptestConfig {
    let stem = std::path::Path::new(source)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a source file name");
    let path: &'static str = Box::leak(format!("proptest-regressions/{stem}.txt").into_boxed_str());
    ProptestConfig {
        cases,
        max_shrink_iters: 50,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(path),
        )),
        ..ProptestConfig::default()
    }
}

/// `len` random ops after random weights on `cfg`'s array, from `seed` (the command
/// line's random stimulus).
pub fn random_op_file(cfg: &Config, len: usize, seed: u64) -> OpFile {
    use proptest::strategy::ValueTree;
    op_file(cfg, len.max(1))
        .new_tree(&mut seeded_runner(seed))
        .expect("op file strategies always generate")
        .current()
}

/// A proptest runner whose random stream is fixed by `seed` (stimulus from the command line).
pub fn seeded_runner(seed: u64) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        ProptestConfig::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}
