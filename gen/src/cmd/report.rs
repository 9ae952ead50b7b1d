//! `panther report synth`: yosys synthesis of an exported top (generic gates, the
//! crossbar a black box) and its cell counts. `panther report timing`: the top mapped to
//! the toy cell library and checked by OpenSTA under its SDC.

use super::verilog::export_to;
use crate::common::{emit, print_stdout, table, tops_arg, ConfigArg};
use anyhow::Result;
use panther_hdl::eda::gates::{self, SynthReport, TimingReport};
use panther_hdl::export::SvTop;
use panther_sim::config::Config;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum ReportCmd {
    /// Synthesise a top with yosys and print its cell counts.
    Synth(SynthArgs),
    /// Static timing of a top under its SDC (toy cell library, OpenSTA): worst slack.
    Timing(SynthArgs),
    /// The paper's evaluation regenerated: one HTML page with SVG figures and a Markdown
    /// twin, every number next to the paper's (docs/evaluation.md).
    Paper(crate::paper::PaperArgs),
}

#[derive(clap::Args)]
pub struct SynthArgs {
    /// The top (see `panther verilog --help`), or `all`.
    #[arg(long, default_value = "mcu")]
    pub top: String,
    #[command(flatten)]
    pub config: ConfigArg,
    /// Folder for the export and yosys' reports.
    #[arg(long, default_value = "gen/out/synth")]
    pub out: PathBuf,
    /// Also write the JSON report to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

pub fn run(r: &ReportCmd) -> Result<()> {
    match r {
        ReportCmd::Paper(a) => crate::paper::run(a),
        ReportCmd::Synth(a) => report(
            a,
            |cfg| {
                format!(
                    "yosys generic synthesis, config {} ({}x{}); crossbar a black box",
                    cfg.name, cfg.array.rows, cfg.array.cols
                )
            },
            &["top", "cells", "flip-flops", "wire bits", "most used cells"],
            synth_row,
        ),
        ReportCmd::Timing(a) => report(
            a,
            |cfg| {
                format!(
                    "OpenSTA under the exported SDC, config {} ({}x{}), clock {} ns; toy cell \
                     library (constraints/panther_toy.lib: relative figures, not a technology)",
                    cfg.name, cfg.array.rows, cfg.array.cols, cfg.timing.clock_ns
                )
            },
            &[
                "top",
                "worst slack ns",
                "tns ns",
                "worst path ns",
                "cells on it",
            ],
            timing_row,
        ),
    }
}

/// Export each selected top into its folder, measure it with `row`, print the table and
/// write the JSON.
fn report<R: Serialize>(
    a: &SynthArgs,
    title: impl Fn(&Config) -> String,
    header: &[&str],
    row: impl Fn(&Path, &SvTop, &Config) -> Result<(R, Vec<String>)>,
) -> Result<()> {
    let cfg = a.config.load()?;
    let origin = a.config.config.clone().unwrap_or_else(|| "panther".into());
    let mut reports = Vec::new();
    let mut rows = Vec::new();
    for t in tops_arg(&a.top)? {
        let dir = a.out.join(t.name);
        let top = export_to(t, &cfg, &origin, &dir)?;
        let (rep, mut cells) = row(&dir, &top, &cfg)?;
        cells.insert(0, t.name.to_string());
        rows.push(cells);
        reports.push(rep);
    }
    println!("{}", title(&cfg));
    print_stdout(&table(header, &rows))?;
    if let Some(p) = &a.json {
        emit(Some(p), &serde_json::to_string_pretty(&reports)?)?;
    }
    Ok(())
}

fn timing_row(dir: &Path, top: &SvTop, cfg: &Config) -> Result<(TimingReport, Vec<String>)> {
    let rep = gates::timing(dir, top, cfg.timing.clock_ns).map_err(anyhow::Error::msg)?;
    let cells = vec![
        format!("{:.3}", rep.worst_slack_ns),
        format!("{:.3}", rep.tns_ns),
        format!("{:.3}", rep.critical_path_ns),
        rep.critical_path_cells.to_string(),
    ];
    Ok((rep, cells))
}

fn synth_row(dir: &Path, top: &SvTop, _: &Config) -> Result<(SynthReport, Vec<String>)> {
    let rep = gates::synth(dir, top).map_err(anyhow::Error::msg)?;
    let flops: u64 = (rep.by_type.iter())
        .filter(|(k, _)| k.contains("DFF"))
        .map(|(_, n)| n)
        .sum();
    let mut kinds: Vec<_> = rep.by_type.iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(a.1));
    let most = kinds
        .iter()
        .take(4)
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let cells = vec![
        rep.cells.to_string(),
        flops.to_string(),
        rep.wire_bits.to_string(),
        most,
    ];
    Ok((rep, cells))
}
