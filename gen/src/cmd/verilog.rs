//! `panther verilog`: export a top (or all) as SystemVerilog with file lists, SDC
//! constraints and a manifest; `--tb` records a self-checking testbench next to it;
//! `--check` runs the lint, iverilog and yosys gates (and the testbench under Icarus and
//! Verilator).

use crate::common::{op_stimulus, table, tops_arg, write_file, ConfigArg};
use anyhow::Result;
use panther_hdl::eda::gates;
use panther_hdl::export::dpi_library;
use panther_hdl::export::package::write_package;
use panther_hdl::export::{CrossbarView, SvTop};
use panther_hdl::params::RtlParams;
use panther_hdl::rtl::mcu::Mcu;
use panther_hdl::Design;
use panther_sim::config::Config;
use panther_testbenches::sv_testbench;
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
    /// Then run the gates: verilator --lint-only -Wall, iverilog -g2012, yosys checks
    /// (with --tb: the testbench under Icarus and Verilator).
    #[arg(long)]
    pub check: bool,
    /// Also copy the crossbar's DPI-C library (`libpanther_crossbar.so`, built with
    /// `cargo build --release -p panther-dpi`), its header and the config it reads into
    /// OUT: the Verilator file list then runs the configured (non-ideal, seeded) device in
    /// your own simulation. With --tb, the MCU's testbench may then run any device.
    #[arg(long)]
    pub dpi: bool,
    /// Also record a self-checking testbench into OUT/tb (OUT/TOP/tb with --top all): the
    /// export it drives, `<top>_tb.sv`, its vectors and file list. The MCU (and the blocks
    /// tested inside it: controller, opa_unit, crs_sequencer) run --ops or random ops on
    /// the config, checked against the golden model; other blocks run --random cases of
    /// their randomized testbench at its own design point.
    #[arg(long)]
    pub tb: bool,
    /// The op file the MCU's testbench replays (its config, if it names one, is used).
    #[arg(long, requires = "tb", value_name = "FILE")]
    pub ops: Option<PathBuf>,
    /// Random ops (MCU) or testbench cases (blocks) of the testbench.
    #[arg(long, requires = "tb", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub random: u32,
    /// Seed of the testbench's random stimulus.
    #[arg(long, requires = "tb", default_value_t = 1, value_parser = crate::args::seed)]
    pub seed: u64,
}

/// Record `top`'s testbench and write it, with the export it drives (and with --dpi the
/// crossbar's library for the recorded config), into `dir`.
fn write_testbench(a: &VerilogArgs, top: &Top, dir: &Path) -> Result<(SvTop, String)> {
    let view = if a.dpi {
        CrossbarView::Dpi
    } else {
        CrossbarView::Standin
    };
    let (tb, cfg) = if top.name == Mcu::NAME || top.tested_in_mcu {
        let st = op_stimulus(&a.config, a.ops.as_ref(), a.seed, a.random)?;
        let (file, cfg, origin) = (st.file, st.cfg, st.origin);
        let inner = (top.name != Mcu::NAME).then_some(top.name);
        let tb = sv_testbench::for_mcu(&cfg, &file, &origin, inner, view);
        (tb, Some(cfg))
    } else {
        (sv_testbench::for_top(top, a.seed, a.random), None)
    };
    let tb = tb.map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create output folder {}: {e}", dir.display()))?;
    for (name, text) in tb.top.sources().into_iter().chain(tb.files()) {
        write_file(&dir.join(name), text.as_bytes())?;
    }
    if let (true, Some(cfg)) = (a.dpi && tb.top.crossbar.is_some(), cfg) {
        write_dpi(dir, &cfg)?;
    }
    Ok((tb.top, format!("{} states", tb.states)))
}

/// The crossbar's DPI-C library, its header and `cfg` as its config, into `dir`.
fn write_dpi(dir: &Path, cfg: &Config) -> Result<()> {
    let lib = dpi_library::find_library().map_err(anyhow::Error::msg)?;
    dpi_library::write_dpi_library(dir, cfg, &lib).map_err(anyhow::Error::msg)?;
    Ok(())
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
        if a.dpi && top.crossbar.is_some() {
            write_dpi(&dir, &cfg)?;
        }
        if a.tb {
            let tb_dir = dir.join("tb");
            let (tb_top, states) = write_testbench(a, t, &tb_dir)?;
            let mut cell = format!(
                "{}: {states}",
                tb_dir.join(format!("{name}_tb.sv")).display()
            );
            if a.check {
                let runs = if a.dpi && tb_top.crossbar.is_some() {
                    vec![(
                        "Verilator with the DPI-C library",
                        gates::verilator_tb_dpi(&tb_dir, &tb_top, dpi_library::LIBRARY),
                    )]
                } else {
                    vec![
                        ("Icarus", gates::icarus_tb(&tb_dir, &tb_top)),
                        ("Verilator", gates::verilator_tb(&tb_dir, &tb_top)),
                    ]
                };
                let sims: Vec<&str> = runs.iter().map(|r| r.0).collect();
                let sims = sims.join(" and ");
                for (sim, r) in runs {
                    r.map_err(|e| anyhow::anyhow!("{name}'s testbench under {sim}: {e}"))?;
                }
                cell += &format!(", {sims}: pass");
            }
            row.push(cell);
        }
        rows.push(row);
    }
    let mut header = vec!["top", "file", "ports"];
    if a.check {
        header.push("gates");
    }
    if a.tb {
        header.push("testbench");
    }
    print!("{}", table(&header, &rows));
    Ok(())
}
