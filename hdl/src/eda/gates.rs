//! The gates every export passes: Verilator lint, iverilog, yosys checks (no latches,
//! nothing undriven), and the reports of yosys synthesis (cell counts) and OpenSTA (worst
//! slack under the exported SDC). They run in an export folder written by
//! [`crate::export::package::write_package`].

use super::tools::Tool;
use crate::design::Design;
use crate::export::{CrossbarView, SvTop};
use rust_hdl::prelude::check_all;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// `verilator --lint-only -Wall` on every file list: the DPI-C view (Verilator's) and,
/// with a crossbar, the stand-in view (other simulators').
pub fn lint(dir: &Path, top: &SvTop) -> Result<String, String> {
    let views: &[CrossbarView] = if top.crossbar.is_some() {
        &[CrossbarView::Dpi, CrossbarView::Standin]
    } else {
        &[CrossbarView::Dpi]
    };
    let mut out = String::new();
    for &view in views {
        let mut args = vec!["--lint-only", "-Wall", "--top-module", &top.name];
        let files = top.files(view);
        args.extend(files.iter().map(String::as_str));
        out += &Tool::Verilator.run(dir, &args)?;
    }
    Ok(out)
}

/// `iverilog -g2012` on the stand-in file list (compiles and elaborates).
pub fn iverilog(dir: &Path, top: &SvTop) -> Result<String, String> {
    let out = format!("{}.vvp", top.name);
    let mut args = vec!["-g2012", "-Wall", "-s", &top.name, "-o", &out];
    let files = top.files(CrossbarView::Standin);
    args.extend(files.iter().map(String::as_str));
    let text = Tool::Iverilog.run(dir, &args)?;
    let _ = std::fs::remove_file(dir.join(&out));
    // iverilog's -Wall also reports timescale inheritance on files without one, and that
    // an `always_comb` reading a bit select wakes on the whole vector (what the standard's
    // sensitivity does anyway); anything else it prints is a real warning.
    let real: Vec<&str> = text
        .lines()
        .filter(|l| {
            !l.trim().is_empty()
                && !l.contains("timescale")
                && !l.contains("sorry: constant selects in always_* processes")
        })
        .collect();
    if real.is_empty() {
        Ok(text)
    } else {
        Err(format!(
            "iverilog warnings for {}:\n{}",
            top.name,
            real.join("\n")
        ))
    }
}

/// Did a generated testbench's run print its PASS line?
fn tb_verdict(top: &SvTop, simulator: &str, out: &str) -> Result<String, String> {
    let pass = format!("PASS {}:", top.tb_name());
    match out.lines().find(|l| l.starts_with(&pass)) {
        Some(l) => Ok(l.to_string()),
        None => Err(format!(
            "{} under {simulator} did not pass:\n{out}",
            top.tb_name()
        )),
    }
}

/// The generated testbench (`<top>_tb.sv`, in `dir`) compiled by iverilog and run by vvp.
pub fn icarus_tb(dir: &Path, top: &SvTop) -> Result<String, String> {
    let out = format!("{}.vvp", top.tb_name());
    let tb = top.tb_name();
    let mut args = vec!["-g2012", "-s", tb.as_str(), "-o", out.as_str()];
    let files = top.tb_files(CrossbarView::Standin);
    args.extend(files.iter().map(String::as_str));
    Tool::Iverilog.run(dir, &args)?;
    let run = Tool::Vvp.run(dir, &["-n", &out]);
    let _ = std::fs::remove_file(dir.join(&out));
    tb_verdict(top, "Icarus", &run?)
}

/// The generated testbench built by `verilator --binary` with the stand-in and run.
pub fn verilator_tb(dir: &Path, top: &SvTop) -> Result<String, String> {
    verilator_tb_with(dir, top, CrossbarView::Standin, &[])
}

/// The generated testbench built by `verilator --binary` with the DPI-C shell linked to
/// `library` (the crossbar's shared library, in `dir`), and run in `dir` (where the
/// library finds its config).
pub fn verilator_tb_dpi(dir: &Path, top: &SvTop, library: &str) -> Result<String, String> {
    // The link runs in Verilator's build folder: absolute paths.
    let abs = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let lib = abs.join(library).display().to_string();
    let rpath = format!("-Wl,-rpath,{}", abs.display());
    verilator_tb_with(dir, top, CrossbarView::Dpi, &[&lib, "-LDFLAGS", &rpath])
}

fn verilator_tb_with(
    dir: &Path,
    top: &SvTop,
    view: CrossbarView,
    extra: &[&str],
) -> Result<String, String> {
    let tb = top.tb_name();
    let mdir = format!(".{tb}-obj");
    let mut args = vec![
        "--binary",
        "-Wno-fatal",
        "-Wno-lint",
        "-Wno-style",
        "--top-module",
        tb.as_str(),
        "-Mdir",
        mdir.as_str(),
    ];
    let files = top.tb_files(view);
    args.extend(files.iter().map(String::as_str));
    args.extend(extra);
    let built = Tool::Verilator.run(dir, &args);
    let run =
        built.and_then(|_| {
            let exe = dir.join(&mdir).join(format!("V{tb}"));
            let out = std::process::Command::new(&exe)
                .current_dir(dir)
                .output()
                .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
            Ok(String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr))
        });
    let _ = std::fs::remove_dir_all(dir.join(&mdir));
    tb_verdict(top, "Verilator", &run?)
}

/// The yosys check: hierarchy, processes, `check -assert` (no undriven or multiply driven
/// nets) and no latch cells.
fn check_script(files: &str, top: &str) -> String {
    format!(
        "read_verilog -sv {files}; hierarchy -check -top {top}; proc; check -assert; \
         select -assert-none t:$dlatch t:$adlatch t:$dlatchsr"
    )
}

/// The yosys check on an export, the crossbar a black box.
pub fn yosys_check(dir: &Path, top: &SvTop) -> Result<String, String> {
    let script = check_script(&top.files(CrossbarView::Blackbox).join(" "), &top.name);
    Tool::Yosys.run(dir, &["-q", "-p", &script])
}

/// The yosys check on rust_hdl's raw netlist of a block (module `top`), in a temp folder
/// that is removed afterwards (`panther verilog --top NAME` writes the export to inspect).
pub fn yosys_check_netlist(name: &str, verilog: &str) -> Result<(), String> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("panther-yosys-{name}-"))
        .tempdir()
        .map_err(|e| format!("yosys check of {name}: no temp folder: {e}"))?;
    let top = dir.path().join("top.v");
    std::fs::write(&top, verilog).map_err(|e| format!("cannot write {}: {e}", top.display()))?;
    Tool::Yosys
        .run(dir.path(), &["-q", "-p", &check_script("top.v", "top")])
        .map_err(|e| format!("yosys rejected {name}: {e}"))?;
    Ok(())
}

/// rust_hdl's own checks of a design (nothing open or undriven, no combinational loops,
/// no writes to inputs), then the yosys check of its export (latches are only caught
/// there), the crossbar a black box, in a temp folder that is removed afterwards.
pub fn check_design<B: Design>(mut design: B) -> Result<(), String> {
    design.connect_all();
    check_all(&design).map_err(|e| format!("{}: rust_hdl check_all: {e:?}", B::NAME))?;
    let top = SvTop::of_connected(&design)?;
    let dir = tempfile::Builder::new()
        .prefix(&format!("panther-yosys-{}-", B::NAME))
        .tempdir()
        .map_err(|e| format!("yosys check of {}: no temp folder: {e}", B::NAME))?;
    let needed = top.files(CrossbarView::Blackbox);
    for (file, text) in top
        .sources()
        .into_iter()
        .filter(|(f, _)| needed.contains(f))
    {
        let path = dir.path().join(&file);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    yosys_check(dir.path(), &top).map_err(|e| format!("yosys rejected {}: {e}", B::NAME))?;
    Ok(())
}

/// Cell counts of a generic yosys synthesis.
#[derive(Debug, Clone, Serialize)]
pub struct SynthReport {
    pub top: String,
    pub cells: u64,
    pub wires: u64,
    pub wire_bits: u64,
    /// Cell type -> count (the crossbar black box included).
    pub by_type: BTreeMap<String, u64>,
}

/// Run `<top>.ys` (written by [`write_package`]) and read yosys' `stat -json`.
pub fn synth(dir: &Path, top: &SvTop) -> Result<SynthReport, String> {
    let script = format!("{}.ys", top.name);
    Tool::Yosys.run(dir, &["-q", "-s", &script])?;
    let stats = dir.join(format!("{}.synth.json", top.name));
    let text = std::fs::read_to_string(&stats)
        .map_err(|e| format!("yosys wrote no statistics {}: {e}", stats.display()))?;
    // yosys appends the hierarchy as text after the JSON object.
    let v: serde_json::Value = serde_json::Deserializer::from_str(&text)
        .into_iter()
        .next()
        .unwrap_or_else(|| serde_json::from_str("null"))
        .map_err(|e| format!("cannot read yosys statistics {}: {e}", stats.display()))?;
    let design = &v["design"];
    let num = |k: &str| design[k].as_u64().unwrap_or(0);
    let by_type = design["num_cells_by_type"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    Ok(SynthReport {
        top: top.name.clone(),
        cells: num("num_cells"),
        wires: num("num_wires"),
        wire_bits: num("num_wire_bits"),
        by_type,
    })
}

/// Static timing of an export under its SDC (toy cell library, OpenSTA).
#[derive(Debug, Clone, Serialize)]
pub struct TimingReport {
    pub top: String,
    pub clock_ns: f64,
    /// Worst setup slack (negative: the period is missed) and total negative slack, ns.
    pub worst_slack_ns: f64,
    pub tns_ns: f64,
    /// Arrival time and cells of the worst path.
    pub critical_path_ns: f64,
    pub critical_path_cells: usize,
}

/// Map `<top>.map.ys` with yosys, then run `<top>.sta.tcl` with OpenSTA (written by
/// [`write_package`]). Any error OpenSTA reports (an SDC command it cannot read
/// included) fails the check.
pub fn timing(dir: &Path, top: &SvTop, clock_ns: f64) -> Result<TimingReport, String> {
    Tool::Yosys.run(dir, &["-q", "-s", &format!("{}.map.ys", top.name)])?;
    let out = Tool::Sta.run(
        dir,
        &["-no_splash", "-exit", &format!("{}.sta.tcl", top.name)],
    )?;
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("Error")).collect();
    if !errors.is_empty() {
        return Err(format!("OpenSTA on {}:\n{}", top.name, errors.join("\n")));
    }
    let value = |key: &str| -> Result<f64, String> {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .ok_or_else(|| format!("OpenSTA printed no `{key}` for {}:\n{out}", top.name))
    };
    let arrival = out
        .lines()
        .find(|l| l.contains("data arrival time"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    // Path lines: "delay time ^|v pin (cell)"; cell outputs only.
    let cells = out
        .split("data arrival time")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| l.contains(" (") && (l.contains("/Y (") || l.contains("/Q (")))
        .count();
    Ok(TimingReport {
        top: top.name.clone(),
        clock_ns,
        worst_slack_ns: value("worst slack")?,
        tns_ns: value("tns")?,
        critical_path_ns: arrival,
        critical_path_cells: cells,
    })
}
