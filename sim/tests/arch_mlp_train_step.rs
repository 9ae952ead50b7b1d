//! Example bundle 1: one training step of a 16-12-6 MLP on one tile.
//! - the forward (and backward) MCU outputs equal the golden MCU's, bit for bit;
//! - the weights after the step equal the golden MCU's OPA + CRS on the same operands;
//! - the weights are within the documented fixed-point bound of a float64 reference;
//! - the MCU share of the energy equals the golden counters' cost.

use panther_sim::arch::{run_bundle, Bundle};
use panther_sim::cost::{CostReport, Counters};
use panther_sim::{Mcu, Preset};
use std::path::PathBuf;

const IN: usize = 16;
const HID: usize = 12;
const OUT: usize = 6;
const NEG_LR: f64 = -0.5;
/// Allowance for the rounding of the VFU results that form an OPA column input d
/// (exp, recip, products, MTVM output), in LSB of d. docs/timing.md "MLP example bound".
const D_ERROR_LSB: f64 = 4.0;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/bundles/mlp-train-step")
}

fn json_words(name: &str) -> Vec<i64> {
    serde_json::from_str(&std::fs::read_to_string(dir().join(name)).unwrap()).unwrap()
}

const X: [i64; 16] = [
    -692, -1482, 3967, -68, -1750, -189, -3098, 997, -463, -1695, 2308, 2677, -3988, 267, -1853,
    3566,
];
const TARGET: usize = 2;

fn r(v: i64) -> f64 {
    v as f64 / 4096.0
}

#[test]
fn training_step_matches_golden_mcu_and_float_reference() {
    let cfg = Preset::Small.config();
    let bundle = Bundle::load(&dir()).unwrap();
    let regions = [
        "tile0.core0.dmem[768..784]",   // z1
        "tile0.core0.dmem[1152..1168]", // z2
        "tile0.core0.dmem[1280..1296]", // W2 g
        "tile0.core0.dmem[1664..1680]", // g (+ padding)
        "tile0.core0.dmem[1024..1040]", // OPA columns of MCU 0
        "tile0.core0.dmem[1408..1424]", // OPA columns of MCU 1
        "tile0.core0.mcu0.weights",
        "tile0.core0.mcu1.weights",
        "tile0.edram[32..38]",
    ]
    .map(String::from);
    let (node, report) = run_bundle(&cfg, &bundle, 1_000_000, &regions, None).unwrap();
    let d = |k: usize| report.dumps[&regions[k]].clone();

    // Golden MCUs fed the same operands.
    let (w1, w2) = (json_words("w1.json"), json_words("w2.json"));
    let mut m1 = Mcu::new(&cfg, 1000);
    let mut m2 = Mcu::new(&cfg, 1001);
    m1.write_weights(&w1).unwrap();
    m2.write_weights(&w2).unwrap();
    m1.reset_counters();
    m2.reset_counters();
    let z1 = m1.mvm(&X).unwrap().words;
    assert_eq!(d(0), z1, "forward MVM of layer 1");
    let h: Vec<i64> = (0..16)
        .map(|i| if i < HID { z1[i].max(0) } else { 0 })
        .collect();
    let z2 = m2.mvm(&h).unwrap().words;
    assert_eq!(d(1), z2, "forward MVM of layer 2");
    let mut g = d(3);
    assert!(g[OUT..].iter().all(|&v| v == 0));
    g.truncate(16);
    assert_eq!(d(2), m2.mtvm(&g).unwrap().words, "backward MTVM");
    m1.opa(&X, &d(4)).unwrap();
    m2.opa(&h, &d(5)).unwrap();
    m1.crs();
    m2.crs();
    assert_eq!(d(6), m1.peek_values(0).unwrap(), "W1 after the step");
    assert_eq!(d(7), m2.peek_values(0).unwrap(), "W2 after the step");

    // MCU share of time and energy = the golden counters.
    let mut golden = Counters::default();
    golden.add(&m1.counters);
    golden.add(&m2.counters);
    assert_eq!(report.mcu_counters, golden);
    let cost = CostReport::from_counters(&golden, &cfg);
    for (k, v) in &cost.energy_pj {
        assert_eq!(report.energy_pj[&format!("mcu.{k}")], *v, "mcu.{k}");
    }
    assert_eq!(report.mcu_ops.mvm, 2);
    assert_eq!(report.mcu_ops.mtvm, 1);
    assert_eq!(report.mcu_ops.opa, 2);
    assert_eq!(report.mcu_ops.crs, 2);

    // Float64 reference from the same fixed-point start.
    let w1f = |i: usize, j: usize| r(w1[i * 16 + j]);
    let w2f = |i: usize, j: usize| r(w2[i * 16 + j]);
    let x: Vec<f64> = X.iter().map(|&v| r(v)).collect();
    let z1f: Vec<f64> = (0..HID)
        .map(|j| (0..IN).map(|i| x[i] * w1f(i, j)).sum())
        .collect();
    let hf: Vec<f64> = z1f.iter().map(|&v| v.max(0.0)).collect();
    let z2f: Vec<f64> = (0..OUT)
        .map(|j| (0..HID).map(|i| hf[i] * w2f(i, j)).sum())
        .collect();
    let mx = z2f.iter().copied().fold(f64::MIN, f64::max);
    let ex: Vec<f64> = z2f.iter().map(|v| (v - mx).exp()).collect();
    let sum: f64 = ex.iter().sum();
    let pf: Vec<f64> = ex.iter().map(|v| v / sum).collect();
    let gf: Vec<f64> = (0..OUT)
        .map(|j| pf[j] - if j == TARGET { 1.0 } else { 0.0 })
        .collect();
    let backf: Vec<f64> = (0..HID)
        .map(|i| (0..OUT).map(|j| w2f(i, j) * gf[j]).sum())
        .collect();
    let d1f: Vec<f64> = (0..HID)
        .map(|i| if z1f[i] > 0.0 { backf[i] } else { 0.0 })
        .collect();

    let softmax_out = d(8);
    for j in 0..OUT {
        assert!((r(softmax_out[j]) - pf[j]).abs() < 4.0 / 4096.0, "p[{j}]");
    }

    // Bound per weight (LSB): OPA truncation loses < 1 LSB per set bit of |x_i|, and an
    // error of e LSB in d_j moves the update by |x_i| e.
    let check = |name: &str,
                 after: &[i64],
                 before: &[i64],
                 rows: usize,
                 cols: usize,
                 xs: &[f64],
                 xw: &[i64],
                 df: &dyn Fn(usize) -> f64| {
        let mut worst: f64 = 0.0;
        for i in 0..16 {
            for j in 0..16 {
                let want = if i < rows && j < cols {
                    r(before[i * 16 + j]) + NEG_LR * xs[i] * df(j)
                } else {
                    r(before[i * 16 + j])
                };
                let err_lsb = (r(after[i * 16 + j]) - want).abs() * 4096.0;
                let bound =
                    xw[i].unsigned_abs().count_ones() as f64 + xs[i].abs() * D_ERROR_LSB + 1.0;
                assert!(
                    err_lsb <= bound,
                    "{name}[{i}][{j}]: error {err_lsb:.2} LSB > bound {bound:.2}"
                );
                worst = worst.max(err_lsb);
            }
        }
        // The update is real: far larger than the error.
        let moved = (0..256).filter(|&k| after[k] != before[k]).count();
        assert!(
            moved >= rows.min(16) * cols / 2,
            "{name}: only {moved} weights changed"
        );
        eprintln!("{name}: worst error {worst:.2} LSB");
    };
    let hw: Vec<i64> = h.clone();
    let hs: Vec<f64> = h.iter().map(|&v| r(v)).collect();
    check("W2", &d(7), &w2, HID, OUT, &hs, &hw, &|j| gf[j]);
    check("W1", &d(6), &w1, IN, HID, &x, &X, &|j| d1f[j]);

    // Non-MCU work was counted, and the core halted.
    let core = &report.cores[0];
    assert_eq!(core.instructions["train"], 4);
    assert_eq!(core.instructions["crs"], 1);
    assert_eq!(core.stats.non_mcu_instructions, 22);
    assert!(core.stats.halted_at_cycle.is_some());
    assert!(node.tiles[0].memory.is_valid(32));
}
