//! `panther run BUNDLE --config C [--trace FILE] [--max-cycles N] [--dump REGION]...`:
//! architectural simulation of a program bundle, JSON report on stdout.

use crate::common::ConfigSpec;
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
    let (spec, what) = match (&args.config, &bundle.manifest.config) {
        (Some(c), _) => (c.clone(), format!("--config {c}")),
        (None, Some(c)) => {
            // A config path in the manifest is relative to the bundle.
            let spec = match ConfigSpec::of(c) {
                ConfigSpec::Preset(_) => c.clone(),
                ConfigSpec::File(p) => bundle.dir.join(p).display().to_string(),
            };
            (
                spec,
                format!("{}: config = {c:?}", bundle.manifest_path.display()),
            )
        }
        (None, None) => anyhow::bail!("give --config (the bundle names none)"),
    };
    let cfg = crate::common::load_config_named(&spec, &what)?;
    // The config's [arch] is the base under the bundle's own overrides.
    let bundle = if cfg.arch == panther_sim::arch::ArchConfig::default() {
        bundle
    } else {
        Bundle::load_with(&args.bundle, &cfg.arch).map_err(|e| anyhow::anyhow!("{e}"))?
    };
    crate::common::stdout_once("--trace", args.trace.as_ref(), None)?;
    let mut trace_file = match &args.trace {
        Some(p) => Some(std::io::BufWriter::new(crate::common::create_output(p)?)),
        None => None,
    };
    let trace: Option<&mut dyn Write> = trace_file.as_mut().map(|w| w as &mut dyn Write);
    let run = run_bundle(&cfg, &bundle, args.max_cycles, &args.dump, trace);
    // The last line of a trace says whether it is complete (a reader of a FIFO or of
    // stdout cannot tell otherwise).
    if let Some(mut w) = trace_file {
        let end = match &run {
            Ok((node, _)) => serde_json::json!({"end": "complete", "cycles": node.now}),
            Err(e) => serde_json::json!({"end": "incomplete", "error": e.to_string()}),
        };
        let _ = writeln!(w, "{end}");
        crate::common::commit_buffered(w)?;
    }
    let (_node, report) = run.map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::common::print_stdout(&serde_json::to_string_pretty(&report)?)?;
    Ok(())
}
