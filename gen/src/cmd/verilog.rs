//! `panther verilog`: export a top (or all) as SystemVerilog with file lists, SDC
//! constraints and a manifest; `--check` runs the lint, iverilog and yosys gates.

use crate::common::{table, ConfigArg};
use anyhow::{bail, Result};
use panther_hdl::export::{tops, SvTop};
use panther_hdl::params::RtlParams;
use panther_sim::config::Config;
use panther_testbenches::sv;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct VerilogArgs {
    /// The top: mcu, a block (drivers, sar, shift_add, offset_correction, opa_column,
    /// opa_unit, crs_lane, crs, controller, crossbar), or `all` (one folder per top).
    #[arg(long, default_value = "mcu")]
    pub top: String,
    /// Config (default: the `panther` preset).
    #[command(flatten)]
    pub config: ConfigArg,
    /// Output folder.
    #[arg(long, default_value = "gen/out/verilog")]
    pub out: PathBuf,
    /// Then run the gates: verilator --lint-only -Wall, iverilog -g2012, yosys checks.
    #[arg(long)]
    pub check: bool,
}

/// The tops `--top` names (`all`: every one).
pub fn selected(top: &str) -> Result<Vec<&'static str>> {
    let names = tops::names();
    if top == "all" {
        return Ok(names);
    }
    match names.iter().find(|n| **n == top) {
        Some(n) => Ok(vec![*n]),
        None => bail!("--top {top}: unknown; allowed: all, {}", names.join(", ")),
    }
}

/// Export `name` under `cfg` into `dir`.
pub fn export_to(name: &str, cfg: &Config, origin: &str, dir: &Path) -> Result<SvTop> {
    let p = RtlParams::from_config(cfg, origin)?;
    let top = tops::export(name, cfg, &p).map_err(anyhow::Error::msg)?;
    sv::write_package(&top, cfg, origin, dir).map_err(anyhow::Error::msg)?;
    Ok(top)
}

pub fn run(a: &VerilogArgs) -> Result<()> {
    let names = selected(&a.top)?;
    let cfg = a.config.load()?;
    let origin = a.config.config.clone().unwrap_or_else(|| "panther".into());
    let mut rows = Vec::new();
    for name in &names {
        let dir = if names.len() > 1 {
            a.out.join(name)
        } else {
            a.out.clone()
        };
        let top = export_to(name, &cfg, &origin, &dir)?;
        let mut row = vec![
            name.to_string(),
            dir.join(format!("{name}.sv")).display().to_string(),
            top.ports.len().to_string(),
        ];
        if a.check {
            for r in [
                sv::lint(&dir, &top),
                sv::iverilog(&dir, &top),
                sv::yosys_check(&dir, &top),
            ] {
                r.map_err(anyhow::Error::msg)?;
            }
            row.push("lint, iverilog, yosys: pass".into());
        }
        rows.push(row);
    }
    let mut header = vec!["top", "file", "ports"];
    if a.check {
        header.push("gates");
    }
    print!("{}", table(&header, &rows));
    Ok(())
}
