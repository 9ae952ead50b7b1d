//! The whole RTL MCU against the golden MCU on op sequences: results (outputs, clip and
//! saturation counts, phases) and final weights bit-exact with an ideal device, identical
//! with a seeded non-ideal device.

use panther_hdl::harness::RtlMcu;
use panther_sim::config::{Config, Variant};
use panther_sim::opfile::{run_ops, Op, OpFile, OpResult};
use panther_sim::Mcu;
use panther_testbenches::*;
use proptest::prelude::*;

fn both(cfg: &Config, file: &OpFile) -> (Vec<OpResult>, Vec<OpResult>) {
    let mut golden = Mcu::new(cfg, 0);
    let g = run_ops(&mut golden, file, cfg, "test", |_, _| {}).expect("golden run");
    let mut rtl = RtlMcu::new(cfg, "test").expect("rtl params");
    let r = run_ops(&mut rtl, file, cfg, "test", |_, _| {}).expect("rtl run");
    (g, r)
}

fn assert_same(g: &[OpResult], r: &[OpResult]) {
    for (i, (a, b)) in g.iter().zip(r).enumerate() {
        assert_eq!(a, b, "op {i} differs (golden left, RTL right)");
    }
    assert_eq!(g.len(), r.len());
}

#[test]
fn fixed_sequence_v1_ideal() {
    let cfg = small_config(4, Variant::V1, 2, true);
    let file = OpFile {
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
            Op::Mvm { x: vec![1, 2, 3, 4] },
            Op::Mtvm { d: vec![-5, 6, -7, 8] },
            Op::Opa { x: vec![4096, -4096, 300, 0], d: vec![4096, 2048, -100, 7] },
            Op::Crs,
            Op::ReadWeights,
            Op::ReadSlices,
        ],
    };
    let (g, r) = both(&cfg, &file);
    assert_same(&g, &r);
}
