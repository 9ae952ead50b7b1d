//! `panther verilog`: export a top (or all) as SystemVerilog with file lists, SDC
//! constraints and a manifest; `--check` runs the lint, iverilog and yosys gates.

use crate::common::{table, tops_arg, ConfigArg};
use anyhow::Result;
use panther_hdl::eda::gates;
use panther_hdl::export::package::write_package;
use panther_hdl::export::SvTop;
use panther_hdl::params::RtlParams;
use panther_sim::config::Config;
use panther_testbenches::tops::Top;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct VerilogArgs {
    /// The top (`panther tops` lists them), or `all` (one folder per top).
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

/// Export `top` under `cfg` into `dir`.
pub fn export_to(top: &Top, cfg: &Config, origin: &str, dir: &Path) -> Result<SvTop> {
    let p = RtlParams::from_config(cfg, origin)?;
    let sv = (top.export)(cfg, &p).map_err(anyhow::Error::msg)?;
    write_package(&sv, cfg, origin, dir).map_err(anyhow::Error::msg)?;
    Ok(sv)
}

pub fn run(a: &VerilogArgs) -> Result<()> {
    let tops = tops_arg(&a.top)?;
    let cfg = a.config.load()?;
    let origin = a.config.config.clone().unwrap_or_else(|| "panther".into());
    let mut rows = Vec::new();
    for t in &tops {
        let name = t.name;
        let dir = if tops.len() > 1 {
            a.out.join(name)
        } else {
            a.out.clone()
        };
        let top = export_to(t, &cfg, &origin, &dir)?;
        let mut row = vec![
            name.to_string(),
            dir.join(format!("{name}.sv")).display().to_string(),
            top.ports.len().to_string(),
        ];
        if a.check {
            for r in [
                gates::lint(&dir, &top),
                gates::iverilog(&dir, &top),
                gates::yosys_check(&dir, &top),
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
