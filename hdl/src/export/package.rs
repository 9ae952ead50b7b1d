//! An exported top on disk (`panther verilog`): sources, file lists, constraints and the
//! manifest, written all or nothing.

use super::{constraints, ports::Port, CrossbarView, SvTop, CORE_WAIVERS};
use crate::eda::tools::versions;
use panther_sim::config::Config;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct Manifest<'a> {
    top: &'a str,
    generator: String,
    config: ConfigInfo<'a>,
    clock_ns: f64,
    io_budget: f64,
    files: Files,
    ports: &'a [Port],
    crossbar: Option<CrossbarInfo>,
    lint_waivers: Vec<&'static str>,
    tools: BTreeMap<&'static str, Option<String>>,
}

#[derive(Serialize)]
struct ConfigInfo<'a> {
    name: &'a str,
    origin: &'a str,
    hash: String,
}

#[derive(Serialize)]
struct Files {
    verilator: Vec<String>,
    standin: Vec<String>,
    synthesis: Vec<String>,
    file_list: String,
    standin_file_list: String,
    sdc: String,
}

#[derive(Serialize)]
struct CrossbarInfo {
    rows: usize,
    cols: usize,
    sar_lanes: usize,
    shared_adcs: usize,
    dpi_imports: [&'static str; 2],
}

/// The manifest (`<top>.json`).
pub fn manifest(top: &SvTop, cfg: &Config, origin: &str) -> String {
    use super::crossbar_shell::{DPI_COMPARE, DPI_EDGE};
    let m = Manifest {
        top: &top.name,
        generator: format!("panther {}", env!("CARGO_PKG_VERSION")),
        config: ConfigInfo {
            name: &cfg.name,
            origin,
            hash: cfg.hash_hex(),
        },
        clock_ns: cfg.timing.clock_ns,
        io_budget: cfg.timing.io_budget,
        files: Files {
            verilator: top.files(CrossbarView::Dpi),
            standin: top.files(CrossbarView::Standin),
            synthesis: top.files(CrossbarView::Blackbox),
            file_list: format!("{}.f", top.name),
            standin_file_list: format!("{}.standin.f", top.name),
            sdc: format!("{}.sdc", top.name),
        },
        ports: &top.ports,
        crossbar: top.crossbar.as_ref().map(|x| CrossbarInfo {
            rows: x.rows,
            cols: x.cols,
            sar_lanes: x.lanes,
            shared_adcs: x.shared_adcs,
            dpi_imports: [DPI_EDGE, DPI_COMPARE],
        }),
        lint_waivers: CORE_WAIVERS.iter().map(|w| w.0).collect(),
        tools: versions(),
    };
    serde_json::to_string_pretty(&m).expect("manifest serialises") + "\n"
}

/// Every file of the export: (name, text).
pub fn files(top: &SvTop, cfg: &Config, origin: &str) -> Vec<(String, String)> {
    let mut v = top.sources();
    v.push((format!("{}.f", top.name), top.file_list(CrossbarView::Dpi)));
    v.push((
        format!("{}.standin.f", top.name),
        top.file_list(CrossbarView::Standin),
    ));
    v.push((
        format!("{}.sdc", top.name),
        constraints::sdc(top, cfg, &cfg.hash_hex()),
    ));
    v.push((format!("{}.ys", top.name), constraints::synth_script(top)));
    v.push((format!("{}.map.ys", top.name), constraints::map_script(top)));
    v.push((
        format!("{}.sta.tcl", top.name),
        constraints::sta_script(top),
    ));
    v.push(("panther_toy.lib".into(), constraints::TOY_LIB.to_string()));
    v.push((format!("{}.json", top.name), manifest(top, cfg, origin)));
    v
}

/// Write the export into `dir` (created if needed): every file lands, or none does.
pub fn write_package(
    top: &SvTop,
    cfg: &Config,
    origin: &str,
    dir: &Path,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create output folder {}: {e}", dir.display()))?;
    let staging = dir.join(format!(".panther-export-{}", std::process::id()));
    let result = (|| {
        std::fs::create_dir_all(&staging)
            .map_err(|e| format!("cannot write into {}: {e}", dir.display()))?;
        let files = files(top, cfg, origin);
        for (name, text) in &files {
            std::fs::write(staging.join(name), text)
                .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))?;
        }
        let mut out = Vec::new();
        for (name, _) in &files {
            let to = dir.join(name);
            std::fs::rename(staging.join(name), &to)
                .map_err(|e| format!("cannot write {}: {e}", to.display()))?;
            out.push(to);
        }
        Ok(out)
    })();
    let _ = std::fs::remove_dir_all(&staging);
    result
}
