//! `panther golden`: JSON op sequence in, JSON results out (docs/golden-json.md).

use crate::common::{commit_buffered, create_output, load_op_file, ConfigArg};
use anyhow::Result;
use panther_sim::opfile;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct GoldenArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// JSON op file (docs/golden-json.md); `-` reads stdin.
    #[arg(long)]
    pub ops: PathBuf,
    /// Write the JSON here instead of stdout (atomically).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Indent the JSON.
    #[arg(long)]
    pub pretty: bool,
}

pub fn run(a: &GoldenArgs) -> Result<()> {
    let base = a.config.load_opt()?;
    let (file, cfg, origin) = load_op_file(&a.ops, base.as_ref())?;
    // Results stream to the output as they are produced (a read_slices of a large array
    // is large); a file gets its name only when complete.
    let dest = a.out.clone().unwrap_or_else(|| "-".into());
    let mut out = std::io::BufWriter::new(create_output(&dest)?);
    let run = opfile::run_to(&file, &cfg, &origin, &mut out, a.pretty);
    if a.out.is_none() {
        let _ = writeln!(out);
    }
    // A failed run leaves no file: the output is dropped uncommitted.
    run?;
    commit_buffered(out)
}
