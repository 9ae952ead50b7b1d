//! `panther sim`: run the rust_hdl RTL. `--top mcu` runs a JSON op file (the one `panther
//! golden` takes; a random sequence from `--seed` without `--ops`) and prints the same
//! results plus cycle counts; any other top runs its randomized testbench against the
//! golden model. `--vcd` writes a waveform.

use crate::common::{create_output, emit, op_stimulus, to_json, ConfigArg, SharedOutput};
use anyhow::{bail, Result};
use panther_hdl::host::mcu_host::McuHost;
use panther_hdl::rtl::mcu::Mcu;
use panther_hdl::Design;
use panther_sim::config::Variant;
use panther_sim::files::Output;
use panther_sim::opfile::{run_ops, OpResult};
use panther_testbenches::testbench::TestbenchRun;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct SimArgs {
    /// What to simulate: mcu, or another top's randomized testbench (`panther tops` lists
    /// them).
    #[arg(long, default_value = "mcu")]
    pub top: String,
    /// Config (mcu; default `small`, or the op file's own).
    #[command(flatten)]
    pub config: ConfigArg,
    /// JSON op file (docs/golden-json.md); `-` reads stdin. Without it: random ops from --seed.
    #[arg(long)]
    pub ops: Option<PathBuf>,
    /// Seed of the random stimulus.
    #[arg(long, default_value_t = 1, value_parser = crate::args::seed, conflicts_with = "ops")]
    pub seed: u64,
    /// Random cases of a block, or random ops of an mcu sequence.
    #[arg(long, default_value_t = 8, value_parser = crate::args::cases, conflicts_with = "ops")]
    pub cases: u32,
    /// Write a VCD waveform (mcu: cycles --vcd-from..--vcd-to; block: the first case).
    #[arg(long)]
    pub vcd: Option<PathBuf>,
    /// First traced cycle.
    #[arg(long, default_value_t = 0, requires = "vcd")]
    pub vcd_from: u64,
    /// Cycle the trace ends before.
    #[arg(long, default_value_t = u64::MAX, requires = "vcd")]
    pub vcd_to: u64,
    /// Write the JSON here instead of stdout (atomically).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub pretty: bool,
}

/// `panther golden`'s output fields plus the RTL's cycle counts.
#[derive(Serialize)]
struct McuSimOutput {
    top: &'static str,
    config: String,
    config_hash: String,
    variant: Variant,
    seed: u64,
    results: Vec<OpResult>,
    /// Clock cycles of the whole run (loads, commands, serial reads).
    cycles: u64,
    /// Cycles per op, in op order.
    op_cycles: Vec<u64>,
    /// rust_hdl simulation speed of this run.
    cycles_per_second: f64,
}

pub fn run(a: &SimArgs) -> Result<()> {
    let top = crate::common::top_arg(&a.top)?;
    if a.vcd_from >= a.vcd_to {
        bail!(
            "--vcd-from {} must be below --vcd-to {}: the window would be empty",
            a.vcd_from,
            a.vcd_to
        );
    }
    crate::common::stdout_once("--vcd", a.vcd.as_ref(), a.out.as_ref())?;
    let vcd = a.vcd.as_deref().map(create_output).transpose()?;
    if top.name == Mcu::NAME {
        return run_mcu(a, vcd);
    }
    a.config.refuse_for(top.name)?;
    let vcd = vcd.map(SharedOutput::new);
    let writer = vcd.as_ref().map(SharedOutput::sink);
    let t = Instant::now();
    let run = (top.testbench)(a.seed, a.cases, writer);
    let secs = t.elapsed().as_secs_f64();
    #[derive(Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        run: &'a TestbenchRun,
        cycles_per_second: f64,
    }
    let json = to_json(
        &Out {
            run: &run,
            cycles_per_second: run.cycles as f64 / secs.max(1e-9),
        },
        a.pretty,
    )?;
    if let Some(v) = vcd {
        v.commit()?;
    }
    emit(a.out.as_ref(), &json)?;
    if !run.mismatches.is_empty() {
        bail!(
            "{}: {} of {} cases differ from the golden model",
            a.top,
            run.mismatches.len(),
            a.cases
        );
    }
    Ok(())
}

fn run_mcu(a: &SimArgs, vcd: Option<Output>) -> Result<()> {
    let st = op_stimulus(&a.config, a.ops.as_ref(), a.seed, a.cases)?;
    let (file, cfg, origin) = (&st.file, &st.cfg, &st.origin);
    let mut rtl = McuHost::new(cfg, &st.config_origin)?;
    let vcd = vcd.map(SharedOutput::new);
    if let Some(v) = &vcd {
        rtl.trace(v.sink(), a.vcd_from, a.vcd_to)?;
    }
    let t = Instant::now();
    let mut op_cycles = Vec::with_capacity(file.ops.len());
    let results = run_ops(&mut rtl, file, cfg, origin, |_, m| {
        op_cycles.push(m.cycles() - m.op_start);
        m.op_start = m.cycles();
    });
    let secs = t.elapsed().as_secs_f64();
    let results = results?;
    rtl.finish_trace()?;
    let out = McuSimOutput {
        top: "mcu",
        config: cfg.name.clone(),
        config_hash: cfg.hash_hex(),
        variant: cfg.variant,
        seed: cfg.seed,
        results,
        cycles: rtl.cycles(),
        op_cycles,
        cycles_per_second: rtl.cycles() as f64 / secs.max(1e-9),
    };
    let json = to_json(&out, a.pretty)?;
    if let Some(v) = vcd {
        let regular = v.is_regular_file();
        let target = v.target();
        let views = match rtl.wave() {
            Some(w) if regular => view_files(w, &target),
            _ => Vec::new(),
        };
        drop(rtl);
        v.commit()?;
        for (path, text) in views {
            crate::common::write_file(&path, text.as_bytes())?;
        }
    }
    emit(a.out.as_ref(), &json)
}

/// Next to `x.vcd`: `x.gtkw` (GTKWave view of [`Mcu::WAVE_VIEW`]) and `x.<Enum>.filter` files
/// that show state codes by name.
fn view_files(w: &panther_hdl::host::wave::WaveWriter, vcd: &Path) -> Vec<(PathBuf, String)> {
    let stem = vcd.with_extension("");
    let mut files = Vec::new();
    let mut filters = std::collections::BTreeMap::new();
    for (name, variants) in &w.enums {
        let f = PathBuf::from(format!("{}.{name}.filter", stem.display()));
        filters.insert(
            name.clone(),
            f.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string(),
        );
        files.push((
            f,
            panther_hdl::host::wave::WaveWriter::filter_text(variants),
        ));
    }
    let vcd_name = vcd
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    files.push((
        stem.with_extension("gtkw"),
        w.gtkw(&vcd_name, &Mcu::WAVE_VIEW, &filters),
    ));
    files
}
