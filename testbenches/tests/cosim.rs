//! Golden vs rust_hdl vs Verilator in lock-step: every output of the exported design,
//! simulated by Verilator with the DPI-C crossbar, equals rust_hdl's after every settled
//! state, while the testbenches compare rust_hdl with the golden model. Verilator must be
//! installed (`make setup`); these tests fail, never skip, without it.

use panther_hdl::cosim::lockstep::LockStep;
use panther_hdl::cosim::mcu::verilated_mcu;
use panther_hdl::cosim::session::with_verilator;
use panther_hdl::export::SvTop;
use panther_hdl::host::mcu_host::McuHost;
use panther_sim::config::{Config, Variant};
use panther_sim::opfile::{run_ops, Op, OpFile};
use panther_testbenches::tops::mcu::{compare_on, compare_with};
use panther_testbenches::tops::TOPS;
use panther_testbenches::*;
use proptest::prelude::*;

fn lockstep_same(cfg: &Config, file: &OpFile) -> Result<(), TestCaseError> {
    let (r, sum) = with_verilator(None, || compare_on(cfg, file, None, true));
    r.map_err(TestCaseError::fail)?;
    sum.check().map_err(TestCaseError::fail)?;
    prop_assert!(sum.compared_states > 100, "{sum:?}");
    Ok(())
}

/// A 4 x 4 MCU with 2 converters per slice (any variant, ideal or a seeded non-ideal
/// device) and `len` random ops after random weights.
fn random_mcu(len: usize) -> impl Strategy<Value = (Config, OpFile)> {
    (variant(), any::<u64>(), any::<bool>()).prop_flat_map(move |(v, seed, ideal)| {
        let mut cfg = small_config(4, v, 2, ideal);
        cfg.seed = seed;
        (Just(cfg.clone()), op_file(&cfg, len))
    })
}

proptest! {
    #![proptest_config(persisted(file!(), 6))]

    /// 4 x 4 MCU, 2 converters per slice, every variant; ideal or seeded non-ideal device.
    #[test]
    fn mcu_random_sequences(
        (cfg, file) in random_mcu(3)
    ) {
        lockstep_same(&cfg, &file)?;
    }
}

/// Serial slice reads and every other op kind, on each variant.
#[test]
fn mcu_every_op_kind() {
    for v in [Variant::V1, Variant::V2, Variant::V3] {
        let cfg = small_config(4, v, 2, false);
        let file = every_op_kind_file();
        lockstep_same(&cfg, &file).unwrap_or_else(|e| panic!("{v:?}: {e}"));
    }
}

/// Every top's randomized testbench, two cases of one design point each, every case in
/// lock-step (one Verilator model per top). A testbench two tops share runs once.
#[test]
fn every_top_testbench() {
    for (i, top) in TOPS.iter().enumerate() {
        if TOPS[..i]
            .iter()
            .any(|t| std::ptr::fn_addr_eq(t.testbench, top.testbench))
        {
            continue;
        }
        let (run, sum) = with_verilator(None, || (top.testbench)(7, 2, None));
        assert!(
            run.mismatches.is_empty(),
            "{}: {:?}",
            top.name,
            run.mismatches
        );
        sum.check().unwrap_or_else(|e| panic!("{}: {e}", top.name));
        assert_eq!(sum.designs, 2, "{}: one lock-step per case", top.name);
    }
}

/// The comparison can fail: a Verilator crossbar with other device maps (another seed)
/// is caught at the first output that differs, with cycle, signal and both values.
#[test]
fn a_difference_is_reported() {
    let cfg = small_config(4, Variant::V1, 2, false);
    let mut other = cfg.clone();
    other.seed = cfg.seed + 1;
    let mut rtl = McuHost::new(&cfg, "test").unwrap();
    let top = SvTop::of_connected(&rtl.sim.uut).unwrap();
    let wrong = panther_hdl::crossbar::model::CrossbarModel::new(&other, 0);
    let ls = LockStep::new(&top, Some(wrong)).unwrap();
    let report = ls.report();
    rtl.sim.set_shadow(Box::new(ls));
    let file = OpFile {
        weights: Some(vec![vec![1000, -2000, 3000, -4000]; 4]),
        ops: vec![Op::Mvm {
            x: vec![4096, 4096, 4096, 4096],
        }],
        ..every_op_kind_file()
    };
    run_ops(&mut rtl, &file, &cfg, "test", |_, _| {}).unwrap();
    let r = report.borrow();
    let m = r.first.as_ref().expect("the other device must show");
    assert!(r.mismatches > 0 && m.cycle > 0, "{r:?}");
    assert!(top.ports.iter().any(|p| p.name == m.signal), "{m}");
    assert_ne!(m.rust_hdl, m.verilator);
    assert!(m.to_string().contains(&format!("cycle {}", m.cycle)));
}

/// The MCU with the plain SystemVerilog crossbar stand-in, in Verilator, follows rust_hdl
/// (ideal device) and the golden model through `file`. The stand-in's cells start at
/// level 0, so the file must write the weights first.
fn standin_same(cfg: &Config, file: &OpFile) -> Result<(), TestCaseError> {
    let mut rtl = McuHost::new(cfg, "test").unwrap();
    let top = SvTop::of_connected(&rtl.sim.uut).map_err(TestCaseError::fail)?;
    let ls = LockStep::with_standin(&top).map_err(TestCaseError::fail)?;
    let report = ls.report();
    rtl.sim.set_shadow(Box::new(ls));
    let mut golden = panther_sim::Mcu::new(cfg, 0);
    let g = run_ops(&mut golden, file, cfg, "test", |_, _| {}).unwrap();
    let r = run_ops(&mut rtl, file, cfg, "test", |_, _| {}).unwrap();
    prop_assert_eq!(r, g);
    let r = report.borrow();
    if let Some(m) = &r.first {
        return Err(TestCaseError::fail(format!("stand-in differs: {m}")));
    }
    prop_assert!(r.compared > 1000, "{:?}", r);
    Ok(())
}

/// The stand-in (for simulators without DPI) is the ideal device: every op kind, V1-V3.
#[test]
fn standin_crossbar_every_op_kind() {
    for v in [Variant::V1, Variant::V2, Variant::V3] {
        let cfg = small_config(4, v, 2, true);
        standin_same(&cfg, &every_op_kind_file()).unwrap_or_else(|e| panic!("{v:?}: {e}"));
    }
}

proptest! {
    #![proptest_config(persisted(file!(), 4))]

    /// Random sequences on the stand-in (ideal device; weights always written first).
    #[test]
    fn standin_crossbar_random_sequences(
        (cfg, file) in variant().prop_flat_map(|v| {
            let cfg = small_config(4, v, 2, true);
            (Just(cfg.clone()), op_file(&cfg, 3))
        })
    ) {
        standin_same(&cfg, &file)?;
    }
}

fn verilator_same(cfg: &Config, file: &OpFile) -> Result<(), TestCaseError> {
    let rtl = verilated_mcu(cfg, "test").map_err(TestCaseError::fail)?;
    let c = compare_with(cfg, file, rtl, true).map_err(TestCaseError::fail)?;
    prop_assert!(c.cycles > 100 && c.commands > 3, "{:?}", c);
    Ok(())
}

proptest! {
    #![proptest_config(persisted(file!(), 6))]

    /// The host harness on the Verilator model alone (no rust_hdl): results equal golden,
    /// every command's cycles equal the timing model; V1-V3, ideal or seeded non-ideal.
    #[test]
    fn verilator_host_random_sequences(
        (cfg, file) in random_mcu(4)
    ) {
        verilator_same(&cfg, &file)?;
    }
}

/// 16 x 16 (the `small` preset's arrays), V3, every device effect on, alone in Verilator.
#[test]
fn verilator_host_16x16_nonideal() {
    let cfg = small_config(16, Variant::V3, 2, false);
    let file = random_op_file(&cfg, 6, 11);
    verilator_same(&cfg, &file).unwrap();
}
