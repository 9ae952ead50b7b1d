//! `panther bench rtl`: rust_hdl simulation speed of the RTL MCU (cycles per second) on one
//! MVM, MTVM, OPA and CRS, with the golden model's time for the same op measured in the
//! same run, and the RTL cycle count next to the golden latency model.

use crate::common::{emit, print_stdout, table, ConfigArg};
use anyhow::Result;
use panther_hdl::host::mcu_host::McuHost;
use panther_sim::config::Preset;
use panther_sim::cost::latency;
use panther_sim::opfile::McuBackend;
use panther_sim::Mcu;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct BenchRtlArgs {
    /// Config (default: the `small` preset, 16 x 16).
    #[command(flatten)]
    pub config: ConfigArg,
    /// Also write the JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Serialize)]
struct Row {
    op: &'static str,
    rtl_cycles: u64,
    rtl_seconds: f64,
    rtl_cycles_per_second: f64,
    golden_seconds: f64,
    /// RTL wall time / golden wall time for the same op.
    slowdown: f64,
    /// The RTL's cycles at the config's clock, and the golden latency model.
    rtl_ns: f64,
    model_ns: f64,
}

#[derive(Serialize)]
struct Report {
    config: String,
    rows: usize,
    cols: usize,
    total_cycles_per_second: f64,
    results: Vec<Row>,
}

pub fn run(a: &BenchRtlArgs) -> Result<()> {
    let (cfg, origin) = a.config.load_or(Preset::Small)?;
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let (w, x, d) = crate::common::bench_operands(&cfg);
    let mut rtl = McuHost::new(&cfg, &origin)?;
    let mut golden = Mcu::new(&cfg, 0);
    rtl.write_weights(&w)?;
    golden.write_weights(&w)?;
    golden.set_exact_shortcut(false);
    let clock = cfg.timing.clock_ns;
    let mut results = Vec::new();
    let (mut all_cycles, mut all_secs) = (0u64, 0f64);
    let mut measure = |op: &'static str,
                       rtl_f: &mut dyn FnMut(&mut McuHost) -> u32,
                       gold_f: &mut dyn FnMut(&mut Mcu),
                       model_ns: &dyn Fn(u32) -> f64| {
        let c0 = rtl.cycles();
        let t = Instant::now();
        let phases = rtl_f(&mut rtl);
        let rtl_seconds = t.elapsed().as_secs_f64();
        let cycles = rtl.cycles() - c0;
        let t = Instant::now();
        gold_f(&mut golden);
        let golden_seconds = t.elapsed().as_secs_f64();
        all_cycles += cycles;
        all_secs += rtl_seconds;
        results.push(Row {
            op,
            rtl_cycles: cycles,
            rtl_seconds,
            rtl_cycles_per_second: cycles as f64 / rtl_seconds,
            golden_seconds,
            slowdown: rtl_seconds / golden_seconds.max(1e-9),
            rtl_ns: rtl.last_command_cycles as f64 * clock,
            model_ns: model_ns(phases),
        });
    };
    let mvm_ns = latency::mvm_ns(&cfg);
    measure(
        "mvm",
        &mut |r| {
            r.mvm(&x).expect("mvm");
            0
        },
        &mut |g| {
            g.mvm(&x).expect("mvm");
        },
        &|_| mvm_ns,
    );
    measure(
        "mtvm",
        &mut |r| {
            r.mtvm(&d).expect("mtvm");
            0
        },
        &mut |g| {
            g.mtvm(&d).expect("mtvm");
        },
        &|_| mvm_ns,
    );
    measure(
        "opa",
        &mut |r| r.opa(&x, &d).expect("opa").phases,
        &mut |g| {
            g.opa(&x, &d).expect("opa");
        },
        &|phases| latency::opa_ns(&cfg, phases),
    );
    let crs_ns = latency::crs_ns(&cfg);
    measure(
        "crs",
        &mut |r| {
            r.crs();
            0
        },
        &mut |g| {
            g.crs();
        },
        &|_| crs_ns,
    );
    let report = Report {
        config: cfg.name.clone(),
        rows,
        cols,
        total_cycles_per_second: all_cycles as f64 / all_secs,
        results,
    };
    let header = [
        "op",
        "RTL cycles",
        "RTL cycles/s",
        "RTL/golden time",
        "RTL ns",
        "model ns",
    ];
    let body: Vec<Vec<String>> = report
        .results
        .iter()
        .map(|r| {
            vec![
                r.op.to_string(),
                r.rtl_cycles.to_string(),
                format!("{:.0}", r.rtl_cycles_per_second),
                format!("{:.0}x", r.slowdown),
                format!("{:.0}", r.rtl_ns),
                format!("{:.0}", r.model_ns),
            ]
        })
        .collect();
    print_stdout(&format!(
        "rust_hdl RTL MCU, {} ({rows} x {cols}); {:.0} cycles/s overall\n{}",
        report.config,
        report.total_cycles_per_second,
        table(&header, &body)
    ))?;
    if let Some(p) = &a.json {
        emit(Some(p), &serde_json::to_string_pretty(&report)?)?;
    }
    Ok(())
}
