//! `panther golden`: JSON op sequence in, JSON results out (docs/golden-json.md).

use crate::common::{emit, load_op_file, to_json, ConfigArg};
use anyhow::Result;
use panther_sim::opfile;
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
    let out = opfile::run(&file, &cfg, &origin)?;
    emit(a.out.as_ref(), &to_json(&out, a.pretty)?)
}
