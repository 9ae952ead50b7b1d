//! `panther bench cosim`: Verilator against rust_hdl speed on the MCU, measured in one run
//! with the DPI-C crossbar in the loop. rust_hdl runs the work (weights, MVM, MTVM, OPA,
//! CRS) alone; the host harness runs it again on the Verilator model alone (same results
//! required); and the same work runs in lock-step (no difference allowed) while every
//! evaluation's inputs are recorded, which Verilator then replays with no host at all (its
//! final outputs must equal rust_hdl's). Target: Verilator at least 100x rust_hdl.

use crate::common::{emit, print_stdout, table, ConfigArg};
use anyhow::{bail, Result};
use panther_hdl::cosim::lockstep::{probe_ports, replay, LockStep};
use panther_hdl::cosim::mcu::verilated_mcu;
use panther_hdl::cosim::VerilatedTop;
use panther_hdl::export::ports::Dir;
use panther_hdl::export::SvTop;
use panther_hdl::host::mcu_host::McuHost;
use panther_hdl::host::mcu_pins::McuPins;
use panther_sim::config::{Config, Preset};
use panther_sim::opfile::McuBackend;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct BenchCosimArgs {
    /// Config (default: the `small` preset, 16 x 16).
    #[command(flatten)]
    pub config: ConfigArg,
    /// Verilator replays (the fastest counts).
    #[arg(long, default_value_t = 5)]
    pub replays: u32,
    /// Also write the JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Speed ratio the issue asks for.
const TARGET: f64 = 100.0;

#[derive(Serialize)]
struct Report {
    config: String,
    rows: usize,
    cols: usize,
    cycles: u64,
    evaluations: u64,
    rust_hdl_seconds: f64,
    rust_hdl_cycles_per_second: f64,
    /// Verilator replaying the recorded inputs (simulator only).
    verilator_seconds: f64,
    verilator_cycles_per_second: f64,
    /// Verilator under the host harness (as `panther cosim --verilator-only` runs).
    verilator_host_seconds: f64,
    verilator_host_cycles_per_second: f64,
    host_ratio: f64,
    verilator_build_seconds: f64,
    ratio: f64,
    target_ratio: f64,
    meets_target: bool,
    lockstep_states_compared: u64,
}

/// Weights written serially, then MVM, MTVM, OPA and CRS on random operands; the
/// results and seconds.
fn workload<P: McuPins>(cfg: &Config, rtl: &mut McuHost<P>) -> Result<(String, f64)> {
    let (w, x, d) = crate::common::bench_operands(cfg);
    let t = Instant::now();
    rtl.write_weights(&w)?;
    let results = format!(
        "{:?}",
        (rtl.mvm(&x)?, rtl.mtvm(&d)?, rtl.opa(&x, &d)?, rtl.crs())
    );
    Ok((results, t.elapsed().as_secs_f64()))
}

pub fn run(a: &BenchCosimArgs) -> Result<()> {
    let (cfg, origin) = a.config.load_or(Preset::Small)?;
    // rust_hdl alone.
    let mut alone = McuHost::new(&cfg, &origin)?;
    let (want_results, rtl_seconds) = workload(&cfg, &mut alone)?;
    let rtl_cycles = alone.cycles();
    // The host on Verilator alone.
    let mut host = verilated_mcu(&cfg, &origin).map_err(anyhow::Error::msg)?;
    let (host_results, host_seconds) = workload(&cfg, &mut host)?;
    if host_results != want_results || host.cycles() != rtl_cycles {
        bail!("Verilator under the host differs from rust_hdl");
    }
    // Lock-step, recording every evaluation's inputs.
    let mut rtl = McuHost::new(&cfg, &origin)?;
    let top = SvTop::of_connected(&rtl.sim.uut).map_err(anyhow::Error::msg)?;
    let crossbar0 = rtl.crossbar().clone();
    let mut ls = LockStep::new(&top, Some(crossbar0.clone())).map_err(anyhow::Error::msg)?;
    let build_seconds = ls.build_seconds();
    let report = ls.report();
    let steps = ls.record();
    rtl.sim.set_shadow(Box::new(ls));
    workload(&cfg, &mut rtl)?;
    let rep = report.borrow().clone();
    if let Some(m) = &rep.first {
        bail!("lock-step differs: {m}");
    }
    let want = probe_ports(&rtl.sim.uut, &top.ports);
    let steps = steps.borrow();
    let cycles = rtl.cycles();
    // Verilator alone on the same inputs.
    let mut best = f64::INFINITY;
    for _ in 0..a.replays.max(1) {
        let mut m = VerilatedTop::new(&top, Some(crossbar0.clone())).map_err(anyhow::Error::msg)?;
        let (_, secs) = replay(&mut m, &steps);
        for (i, p) in top.ports.iter().enumerate() {
            if p.dir == Dir::Output && m.get(i) != want[i].as_slice() {
                bail!("replay: output {} ends differently from rust_hdl", p.name);
            }
        }
        best = best.min(secs);
    }
    let rtl_cps = rtl_cycles as f64 / rtl_seconds.max(1e-9);
    let ver_cps = cycles as f64 / best.max(1e-9);
    let ratio = ver_cps / rtl_cps;
    let host_cps = rtl_cycles as f64 / host_seconds.max(1e-9);
    let host_ratio = host_cps / rtl_cps;
    let r = Report {
        config: cfg.name.clone(),
        rows: cfg.array.rows,
        cols: cfg.array.cols,
        cycles,
        evaluations: steps.len() as u64,
        rust_hdl_seconds: rtl_seconds,
        rust_hdl_cycles_per_second: rtl_cps,
        verilator_seconds: best,
        verilator_cycles_per_second: ver_cps,
        verilator_host_seconds: host_seconds,
        verilator_host_cycles_per_second: host_cps,
        host_ratio,
        verilator_build_seconds: build_seconds,
        ratio,
        target_ratio: TARGET,
        meets_target: ratio.min(host_ratio) >= TARGET,
        lockstep_states_compared: rep.compared,
    };
    print_stdout(&format!(
        "MCU {}x{} ({}), weights+MVM+MTVM+OPA+CRS; Verilator with the DPI-C crossbar, under the\n\
         host harness and replaying the lock-step's inputs (both checked against rust_hdl):",
        r.rows, r.cols, r.config
    ))?;
    print_stdout(&table(
        &["simulator", "cycles", "seconds", "cycles/s"],
        &[
            vec![
                "rust_hdl".into(),
                rtl_cycles.to_string(),
                format!("{:.3}", rtl_seconds),
                format!("{:.0}", rtl_cps),
            ],
            vec![
                "Verilator (host harness)".into(),
                rtl_cycles.to_string(),
                format!("{:.4}", host_seconds),
                format!("{:.0}", host_cps),
            ],
            vec![
                "Verilator (replay)".into(),
                cycles.to_string(),
                format!("{:.4}", best),
                format!("{:.0}", ver_cps),
            ],
        ],
    ))?;
    print_stdout(&format!(
        "Verilator / rust_hdl: {ratio:.0}x replayed, {:.0}x under the host (target {TARGET:.0}x: {})",
        r.host_ratio,
        if r.meets_target { "met" } else { "NOT met" }
    ))?;
    if let Some(p) = &a.json {
        emit(Some(p), &serde_json::to_string_pretty(&r)?)?;
    }
    Ok(())
}
