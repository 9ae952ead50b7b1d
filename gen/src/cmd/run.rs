//! `panther run BUNDLE --config C [--trace FILE] [--max-cycles N] [--dump REGION]...`:
//! architectural simulation of a program bundle, JSON report on stdout.

use anyhow::Context;
use panther_sim::arch::{run_bundle, Bundle};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Bundle folder (with bundle.toml) or manifest file (docs/bundle.md).
    pub bundle: PathBuf,
    /// Preset name or config TOML; default: the bundle's `config`.
    #[arg(long)]
    pub config: Option<String>,
    /// Write one JSON line per instruction entering execute.
    #[arg(long)]
    pub trace: Option<PathBuf>,
    /// Stop with an error after this many cycles.
    #[arg(long, default_value_t = 100_000_000)]
    pub max_cycles: u64,
    /// Memory to print: tileT.edram[A..B], tileT.coreC.dmem[A..B], tileT.coreC.mcuM.weights.
    #[arg(long)]
    pub dump: Vec<String>,
}

pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let bundle = Bundle::load(&args.bundle).map_err(|e| anyhow::anyhow!("{e}"))?;
    let spec = match (&args.config, &bundle.manifest.config) {
        (Some(c), _) => c.clone(),
        (None, Some(c)) => {
            // A relative config path in the manifest is relative to the bundle.
            let p = bundle.dir.join(c);
            if p.exists() {
                p.display().to_string()
            } else {
                c.clone()
            }
        }
        (None, None) => anyhow::bail!("give --config (the bundle names none)"),
    };
    let cfg = crate::common::load_config(&spec)?;
    // The config's [arch] is the base under the bundle's own overrides.
    let bundle = if cfg.arch == panther_sim::arch::ArchConfig::default() {
        bundle
    } else {
        Bundle::load_with(&args.bundle, &cfg.arch).map_err(|e| anyhow::anyhow!("{e}"))?
    };
    let mut trace_file = match &args.trace {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => None,
    };
    let trace: Option<&mut dyn Write> = trace_file.as_mut().map(|w| w as &mut dyn Write);
    let (_node, report) = run_bundle(&cfg, &bundle, args.max_cycles, &args.dump, trace)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(mut w) = trace_file {
        w.flush().context("writing the trace")?;
    }
    crate::common::print_stdout(&serde_json::to_string_pretty(&report)?)?;
    Ok(())
}
