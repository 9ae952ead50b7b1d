//! `panther cosim`: golden vs rust_hdl vs Verilator in lock-step. The MCU runs an op file
//! (or random ops); a block runs its randomized testbench. Every settled state of the
//! rust_hdl design is compared with the exported SystemVerilog in Verilator (crossbar
//! through DPI-C); the testbench compares rust_hdl with the golden model. JSON out; the
//! VCD comes from Verilator.

use crate::common::{commit, create_output, emit, op_stimulus, to_json, tops_arg, ConfigArg};
use anyhow::{bail, Result};
use panther_hdl::cosim::lockstep::Mismatch;
use panther_hdl::cosim::mcu::verilated_mcu;
use panther_hdl::cosim::session::{with_verilator, CosimSummary, VcdRequest};
use panther_hdl::rtl::mcu::Mcu;
use panther_hdl::Design;
use panther_testbenches::tops::mcu::{compare_on, compare_with};
use panther_testbenches::tops::Top;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct CosimArgs {
    /// mcu, another top (`panther tops` lists them), or `all` (random stimulus only).
    #[arg(long, default_value = "mcu")]
    pub top: String,
    /// Config of the MCU (default `small`, or the op file's own).
    #[command(flatten)]
    pub config: ConfigArg,
    /// JSON op file (mcu only; docs/golden-json.md).
    #[arg(long, conflicts_with = "random")]
    pub ops: Option<PathBuf>,
    /// Random ops (mcu) or random testbench cases (block).
    #[arg(long, value_parser = crate::args::cases)]
    pub random: Option<u32>,
    /// Seed of the random stimulus.
    #[arg(long, default_value_t = 1, value_parser = crate::args::seed)]
    pub seed: u64,
    /// Verilator VCD of cycles --from..--to (of the first case for a block).
    #[arg(long)]
    pub vcd: Option<PathBuf>,
    /// First traced cycle.
    #[arg(long, default_value_t = 0, requires = "vcd")]
    pub from: u64,
    /// Cycle the trace ends before.
    #[arg(long, default_value_t = u64::MAX, requires = "vcd")]
    pub to: u64,
    /// MCU only: skip rust_hdl and run the host on the Verilator model alone, against the
    /// golden model (long runs, large arrays).
    #[arg(long)]
    pub verilator_only: bool,
    /// Write the JSON here instead of stdout (atomically).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub pretty: bool,
}

#[derive(Serialize)]
struct Speeds {
    /// The run's RTL cycles over the golden model's wall time for the same ops.
    golden: Option<f64>,
    /// None with --verilator-only.
    rust_hdl: Option<f64>,
    verilator: f64,
}

#[derive(Serialize)]
struct CosimOut {
    top: String,
    config: Option<String>,
    stimulus: String,
    /// MCU commands issued (mcu), or testbench cases (block).
    commands: u64,
    cycles: u64,
    compared_states: u64,
    compared_values: u64,
    /// Settled states in which Verilator differed from rust_hdl, and the first of them.
    mismatches: u64,
    first_mismatch: Option<Mismatch>,
    /// rust_hdl against the golden model: None when equal, else the first difference.
    golden_mismatch: Option<String>,
    cycles_per_second: Speeds,
    seconds: Seconds,
    vcd: Option<PathBuf>,
}

#[derive(Serialize)]
struct Seconds {
    golden: Option<f64>,
    rust_hdl: Option<f64>,
    verilator: f64,
    /// Reading rust_hdl's ports for the comparison.
    lockstep_probe: f64,
    /// Exporting and building (or loading from the cache) the Verilator models.
    verilator_setup: f64,
}

pub fn run(a: &CosimArgs) -> Result<()> {
    let tops = tops_arg(&a.top)?;
    if a.from >= a.to {
        bail!("--from {} must be below --to {}", a.from, a.to);
    }
    if tops.len() > 1 && (a.vcd.is_some() || a.ops.is_some() || a.verilator_only) {
        bail!("--top all runs random stimulus in lock-step; --vcd, --ops and --verilator-only take one top");
    }
    let mut outs = Vec::new();
    for top in tops {
        outs.push(run_top(a, top)?);
    }
    let json = match outs.as_slice() {
        [one] => to_json(one, a.pretty)?,
        all => to_json(&all, a.pretty)?,
    };
    emit(a.out.as_ref(), &json)?;
    for out in &outs {
        if let Some(m) = &out.first_mismatch {
            bail!(
                "{}: Verilator differs from rust_hdl in {} states; first: {m}",
                out.top,
                out.mismatches
            );
        }
        if let Some(e) = &out.golden_mismatch {
            bail!("{}: rust_hdl differs from the golden model: {e}", out.top);
        }
    }
    Ok(())
}

fn run_top(a: &CosimArgs, top: &Top) -> Result<CosimOut> {
    let is_mcu = top.name == Mcu::NAME;
    if !is_mcu && a.verilator_only {
        bail!("--verilator-only runs the mcu only; another top runs in lock-step");
    }
    if !is_mcu && a.ops.is_some() {
        bail!("--ops runs the mcu only; another top takes --random N (cases)");
    }
    // Verilator writes the VCD by name into the temporary file; it appears when complete.
    crate::common::stdout_once("--vcd", a.vcd.as_ref(), a.out.as_ref())?;
    let vcd = a.vcd.as_deref().map(create_output).transpose()?;
    let request = vcd.as_ref().map(|f| VcdRequest {
        path: f.write_path(),
        from: a.from,
        to: a.to,
    });
    let out = if is_mcu {
        run_mcu_cosim(a, request)
    } else {
        run_testbench_cosim(a, top, request)
    };
    // A trace Verilator could not write fails the run, whatever else happened.
    if let (Some(e), Some(f)) = (panther_hdl::cosim::model::take_trace_error(), &vcd) {
        bail!("cannot write {}: Verilator: {e}", f.shown());
    }
    let mut out = out?;
    if let Some(f) = vcd {
        commit(f)?;
        out.vcd = a.vcd.clone();
    }
    Ok(out)
}

impl CosimOut {
    /// The report of a run of `cycles` cycles; `rtl_total`: wall time of the lock-stepped
    /// rust_hdl run (Verilator's and the probe's shares are taken out of it).
    #[allow(clippy::too_many_arguments)]
    fn new(
        top: &str,
        config: Option<String>,
        stimulus: String,
        commands: u64,
        cycles: u64,
        golden: Option<f64>,
        rtl_total: f64,
        golden_mismatch: Option<String>,
        sum: CosimSummary,
    ) -> CosimOut {
        let rust_hdl = (rtl_total - sum.verilator_seconds - sum.probe_seconds).max(1e-9);
        let rate = |s: f64| cycles as f64 / s.max(1e-9);
        // Alone, Verilator's time is the whole run (host included).
        let (rust_hdl, verilator) = match sum.designs {
            0 => (None, rtl_total),
            _ => (Some(rust_hdl), sum.verilator_seconds),
        };
        CosimOut {
            top: top.to_string(),
            config,
            stimulus,
            commands,
            cycles,
            compared_states: sum.compared_states,
            compared_values: sum.compared_values,
            mismatches: sum.mismatches,
            golden_mismatch,
            cycles_per_second: Speeds {
                golden: golden.map(rate),
                rust_hdl: rust_hdl.map(rate),
                verilator: rate(verilator),
            },
            seconds: Seconds {
                golden,
                rust_hdl,
                verilator,
                lockstep_probe: sum.probe_seconds,
                verilator_setup: sum.setup_seconds,
            },
            first_mismatch: sum.first_mismatch.map(|(_, m)| m),
            vcd: None,
        }
    }
}

fn run_mcu_cosim(a: &CosimArgs, vcd: Option<VcdRequest>) -> Result<CosimOut> {
    let st = op_stimulus(&a.config, a.ops.as_ref(), a.seed, a.random.unwrap_or(4))?;
    let (file, cfg, origin) = (st.file, st.cfg, st.origin);
    let (r, sum) = if a.verilator_only {
        let t = Instant::now();
        let mut rtl = verilated_mcu(&cfg, &st.config_origin).map_err(anyhow::Error::msg)?;
        let setup = CosimSummary {
            setup_seconds: t.elapsed().as_secs_f64(),
            ..Default::default()
        };
        if let Some(v) = &vcd {
            rtl.sim
                .trace(&v.path, v.from, v.to)
                .map_err(anyhow::Error::msg)?;
        }
        (compare_with(&cfg, &file, rtl, false), setup)
    } else {
        with_verilator(vcd, || compare_on(&cfg, &file, None, false))
    };
    if let Some(e) = &sum.error {
        bail!("{e}");
    }
    let (commands, cycles, golden, rtl, golden_mismatch) = match r {
        Ok(c) => (
            c.commands,
            c.cycles,
            Some(c.golden_seconds),
            c.rtl_seconds,
            None,
        ),
        Err(e) => (0, sum.cycles, None, 0.0, Some(e)),
    };
    Ok(CosimOut::new(
        Mcu::NAME,
        Some(cfg.name.clone()),
        origin,
        commands,
        cycles,
        golden,
        rtl,
        golden_mismatch,
        sum,
    ))
}

fn run_testbench_cosim(a: &CosimArgs, top: &Top, vcd: Option<VcdRequest>) -> Result<CosimOut> {
    // With `--top all`, --config is the MCU's; another top alone refuses it.
    if a.top != "all" {
        a.config.refuse_for(top.name)?;
    }
    let cases = a.random.unwrap_or(4);
    let t = Instant::now();
    let (run, sum) = with_verilator(vcd, || (top.testbench)(a.seed, cases, None));
    let total = t.elapsed().as_secs_f64() - sum.setup_seconds;
    if let Some(e) = &sum.error {
        bail!("{e}");
    }
    let golden_mismatch = run
        .mismatches
        .first()
        .map(|m| format!("case {}: {}", m.case, m.message));
    Ok(CosimOut::new(
        top.name,
        None,
        format!("{cases} random cases of {} (seed {})", run.design, a.seed),
        cases as u64,
        run.cycles,
        None,
        total,
        golden_mismatch,
        sum,
    ))
}
