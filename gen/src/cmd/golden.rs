//! `panther golden`: JSON op sequence in, JSON results out (docs/golden-json.md).

use crate::common::{emit, ConfigArg};
use anyhow::{Context, Result};
use panther_sim::opfile::{self, OpFile};
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
    let origin = a.ops.display().to_string();
    let text = if origin == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read stdin")?
    } else {
        std::fs::read_to_string(&a.ops).with_context(|| format!("cannot read {origin}"))?
    };
    let file = OpFile::parse(&text, &origin)?;
    let base = a.config.load_opt()?;
    let cfg = file.effective_config(base.as_ref(), &origin)?;
    let out = opfile::run(&file, &cfg, &origin)?;
    let json = if a.pretty {
        serde_json::to_string_pretty(&out)?
    } else {
        serde_json::to_string(&out)?
    };
    emit(a.out.as_ref(), &json)
}
