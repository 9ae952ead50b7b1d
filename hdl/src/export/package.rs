//! An exported top on disk (`panther verilog`): sources, file lists, constraints and the
//! manifest, written all or nothing.

use super::{constraints, ports::Port, CrossbarView, SvTop, CORE_WAIVERS};
use crate::eda::tools::versions;
use crate::rtl::controller::McuCmd;
use panther_sim::config::Config;
use panther_sim::files::cleanup::TempDir;
use panther_sim::isa::TrainMask;
use panther_sim::mcu::Roles;
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
    /// The variant and its weight copies (`cmd_copy` index order).
    variant: String,
    copies: &'static [&'static str],
    reset: &'static str,
    /// For tops with the MCU's command port.
    protocol: Option<Protocol>,
}

/// The command protocol in brief; docs/mcu-ports.md has it whole.
#[derive(Serialize)]
struct Protocol {
    doc: &'static str,
    /// `cmd` port value of each command.
    commands: BTreeMap<String, u64>,
    /// Bit of `cmd_mask` of each `Train` operation.
    cmd_mask_bits: BTreeMap<&'static str, u32>,
    handshake: &'static str,
    /// Held by the host from before a command until its done (false paths in the SDC).
    quasi_static_inputs: [&'static str; 4],
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
        variant: format!("{:?}", cfg.variant),
        copies: Roles::copy_names(cfg.variant),
        reset: "`rst`: synchronous, active high; one rising edge with rst = 1 brings every register to its idle value (the crossbar's cells are non-volatile and keep their levels); docs/mcu-ports.md",
        protocol: constraints::has_command_operands(top).then(|| Protocol {
            doc: "docs/mcu-ports.md",
            commands: McuCmd::ALL
                .iter()
                .map(|c| (format!("{c:?}"), c.code()))
                .collect(),
            cmd_mask_bits: {
                let bit = |m: TrainMask| m.bits().trailing_zeros();
                let none = TrainMask::default();
                [
                    ("mvm", bit(TrainMask { mvm: true, ..none })),
                    ("mtvm", bit(TrainMask { mtvm: true, ..none })),
                    ("opa", bit(TrainMask { opa: true, ..none })),
                ]
                .into_iter()
                .collect()
            },
            handshake: "cmd_valid is taken at a rising edge while busy is low; busy is high from the next cycle through the one-cycle done; cycles is the command's length in the done cycle; a command raised while busy, the done cycle included, is dropped",
            quasi_static_inputs: constraints::QUASI_STATIC_INPUTS,
        }),
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
    let staging = TempDir::create(dir.join(format!(".panther-export-{}", std::process::id())))
        .map_err(|e| format!("cannot write into {}: {e}", dir.display()))?;
    let staging = staging.path();
    let result = (|| {
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
    result
}
