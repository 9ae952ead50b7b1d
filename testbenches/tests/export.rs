//! Every exported top passes the gates: `verilator --lint-only -Wall` (waivers only on
//! rust_hdl's text), `iverilog -g2012` with the crossbar stand-in, yosys `hierarchy
//! -check; proc; check -assert` without latches and the crossbar a black box, and a yosys
//! synthesis with a cell count. The tools must be installed (`make setup`).

use panther_hdl::eda::gates::{iverilog, lint, synth, timing, yosys_check};
use panther_hdl::export::package::write_package;
use panther_hdl::export::SvTop;
use panther_hdl::params::RtlParams;
use panther_hdl::rtl::controller::McuCmd;
use panther_sim::config::{Config, Variant};
use panther_testbenches::small_config;
use panther_testbenches::tops::{find, TOPS};

/// An export folder, removed when the handle drops (the test ends, failed or not).
fn out_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("panther-export-{name}-"))
        .tempdir()
        .unwrap()
}

fn export(name: &str, cfg: &Config, tag: &str) -> (SvTop, tempfile::TempDir) {
    let p = RtlParams::from_config(cfg, "test").unwrap();
    let top = (find(name).unwrap().export)(cfg, &p).unwrap();
    let dir = out_dir(&format!("{name}-{tag}"));
    write_package(&top, cfg, "test", dir.path()).unwrap();
    (top, dir)
}

fn gates(cfg: &Config, tag: &str) {
    for name in TOPS.iter().map(|t| t.name) {
        let (top, scratch) = export(name, cfg, tag);
        let dir = scratch.path();
        for (gate, r) in [
            ("verilator lint", lint(dir, &top)),
            ("iverilog", iverilog(dir, &top)),
            ("yosys", yosys_check(dir, &top)),
        ] {
            r.unwrap_or_else(|e| panic!("{name} ({tag}): {gate}: {e}"));
        }
    }
}

#[test]
fn every_top_passes_the_gates_4x4_v1() {
    gates(&small_config(4, Variant::V1, 2, true), "4x4");
}

/// Uneven sizes, three converters per slice and two weight copies.
#[test]
fn every_top_passes_the_gates_5x3_v3() {
    let mut cfg = small_config(4, Variant::V3, 3, true);
    cfg.array.rows = 5;
    cfg.array.cols = 3;
    cfg.validate("test").unwrap();
    gates(&cfg, "5x3");
}

#[test]
fn files_manifest_and_constraints() {
    let mut cfg = small_config(4, Variant::V2, 2, true);
    cfg.timing.clock_ns = 2.5;
    cfg.timing.io_budget = 0.25;
    let (top, scratch) = export("mcu", &cfg, "files");
    let dir = scratch.path();
    for f in [
        "mcu.sv",
        "mcu.f",
        "mcu.standin.f",
        "mcu.sdc",
        "mcu.ys",
        "mcu.json",
        "panther_crossbar.sv",
        "panther_crossbar_standin.sv",
        "panther_crossbar_blackbox.v",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let sv = std::fs::read_to_string(dir.join("mcu.sv")).unwrap();
    // Waivers: only the listed ones, each switched off and on again.
    let waived: Vec<&str> = sv
        .lines()
        .filter_map(|l| l.strip_prefix("/* verilator lint_off "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let listed: Vec<&str> = panther_hdl::export::CORE_WAIVERS
        .iter()
        .map(|w| w.0)
        .collect();
    assert_eq!(waived, listed);
    assert_eq!(
        sv.matches("lint_off").count(),
        sv.matches("lint_on").count()
    );
    // Reads like RTL: one module per distinct body, no `$` names, no `initial`, a reset.
    assert!(sv.contains("module mcu (") && !sv.contains("module top"));
    let modules = sv.matches("\nmodule ").count();
    assert!((8..=20).contains(&modules), "{modules} modules");
    let names = sv.replace("$signed", "").replace("$unsigned", "");
    assert!(!names.contains('$'), "a `$` name in mcu.sv");
    assert!(!sv.contains("initial") && sv.contains("input  logic rst"));
    let flops = sv
        .matches("always_ff @(posedge clock) begin\n        if (rst) ")
        .count();
    assert_eq!(flops, sv.matches("always_ff").count());
    assert!(sv.contains("#(.LINE_INDEX("), "lanes differ by a parameter");
    let shell = std::fs::read_to_string(dir.join("panther_crossbar.sv")).unwrap();
    assert!(shell.contains("import \"DPI-C\"") && !shell.contains("lint_off"));
    let sdc = std::fs::read_to_string(dir.join("mcu.sdc")).unwrap();
    assert!(sdc.contains("-period 2.5 "), "{sdc}");
    assert!(sdc.contains("set_input_delay  0.625 "), "{sdc}");
    assert!(
        sdc.contains("set_clock_uncertainty 0.125 [get_clocks clock]"),
        "{sdc}"
    );
    assert!(sdc.contains("set_input_transition 0.05 ") && sdc.contains("set_load 0.005 "));
    assert!(
        sdc.contains("set_false_path -from [get_ports {cmd_row cmd_copy cmd_slices cmd_correct}]"),
        "{sdc}"
    );
    assert!(sdc.contains("panther_crossbar"), "{sdc}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("mcu.json")).unwrap()).unwrap();
    assert_eq!(m["config"]["hash"], cfg.hash_hex());
    // The protocol in brief, as the RTL encodes it.
    assert_eq!(m["variant"], format!("{:?}", cfg.variant));
    let p = &m["protocol"];
    assert_eq!(p["commands"]["WriteRow"], McuCmd::WriteRow.code());
    assert_eq!(p["commands"]["Train"], McuCmd::Train.code());
    assert_eq!(
        (
            p["cmd_mask_bits"]["mvm"].as_u64(),
            p["cmd_mask_bits"]["opa"].as_u64()
        ),
        (Some(2), Some(0))
    );
    assert!(m["reset"]
        .as_str()
        .unwrap()
        .contains("synchronous, active high"));
    assert_eq!(m["ports"].as_array().unwrap().len(), top.ports.len());
    let load_word = m["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "load_word")
        .unwrap();
    assert_eq!(
        (load_word["dir"].as_str(), load_word["width"].as_u64()),
        (Some("input"), Some(16))
    );
    assert!(m["tools"]["verilator"]
        .as_str()
        .unwrap()
        .contains("Verilator"));
    let f = std::fs::read_to_string(dir.join("mcu.f")).unwrap();
    assert!(f.lines().any(|l| l == "panther_crossbar.sv"));
}

/// Synthesis counts cells; the MCU holds its blocks and the crossbar black box. The
/// smallest MCU (2 x 2 arrays, 8-bit words in 4 slices, one converter per slice): yosys'
/// generic synthesis of the 4 x 4, 16-bit MCU takes over a minute.
#[test]
fn synthesis_reports_cells() {
    let mut cfg = small_config(2, Variant::V1, 1, true);
    let f = &mut cfg.format;
    (f.word_bits, f.input_bits) = (8, 8);
    (
        f.frac_bits,
        f.input_frac_bits,
        f.output_frac_bits,
        f.opa_shift_bits,
    ) = (4, 4, 4, 4);
    cfg.slicing.slices = 4;
    cfg.slicing.cell_bits = vec![6, 6, 5, 5];
    cfg.validate("test").unwrap();
    let mut counts = Vec::new();
    for name in ["controller", "crossbar", "mcu"] {
        let (top, scratch) = export(name, &cfg, "synth");
        let dir = scratch.path();
        let r = synth(dir, &top).unwrap_or_else(|e| panic!("{name}: {e}"));
        counts.push((name, r.cells));
        if name != "crossbar" {
            assert!(r.by_type.keys().any(|k| k.contains("DFF")), "{name}: {r:?}");
        }
        assert_eq!(
            r.by_type.get("panther_crossbar").copied().unwrap_or(0),
            u64::from(name != "controller"),
            "{name}: {r:?}"
        );
    }
    assert!(counts[2].1 > counts[0].1, "{counts:?}");
}

/// The gates can fail: a width mismatch added to a module fails the Verilator lint, and
/// an output left undriven fails yosys.
#[test]
fn the_gates_reject_bad_text() {
    let cfg = small_config(4, Variant::V1, 2, true);
    let (top, scratch) = export("controller", &cfg, "bad");
    let dir = scratch.path();
    let path = dir.join("controller.sv");
    let good = std::fs::read_to_string(&path).unwrap();
    let bad = good.replace(
        "endmodule : controller",
        "    logic [3:0] narrow;\n    assign narrow = 8'hff;\nendmodule : controller",
    );
    std::fs::write(&path, bad).unwrap();
    assert!(lint(dir, &top).is_err());
    // An output of the MCU cut from the controller that drives it.
    let (top, scratch) = export("mcu", &cfg, "bad-mcu");
    let dir = scratch.path();
    let path = dir.join("mcu.sv");
    let good = std::fs::read_to_string(&path).unwrap();
    let conn = regex_free_find(&good, ".busy", "(busy)");
    std::fs::write(&path, good.replace(&conn, ".busy ()")).unwrap();
    assert!(yosys_check(dir, &top).is_err());
}

/// In the top module, the text from `start` to the next `end` inclusive.
fn regex_free_find(text: &str, start: &str, end: &str) -> String {
    let top = text.find("\nmodule mcu (").expect("top module");
    let i = top + text[top..].find(start).expect("start");
    let j = i + text[i..].find(end).expect("end") + end.len();
    text[i..j].to_string()
}

/// The SDC reads cleanly in OpenSTA on the top mapped to the toy library, and its clock
/// period is the config's: the controller meets 1 ns and misses 0.3 ns. The crossbar's
/// rule (no timing through the black box) reads too; an SDC command OpenSTA does not know
/// fails the check.
#[test]
fn sdc_reads_cleanly_in_opensta() {
    let mut cfg = small_config(4, Variant::V1, 2, true);
    let (top, scratch) = export("controller", &cfg, "sta");
    let dir = scratch.path();
    let r = timing(dir, &top, 1.0).unwrap();
    assert!(r.worst_slack_ns > 0.0 && r.critical_path_cells > 3, "{r:?}");
    cfg.timing.clock_ns = 0.3;
    let (top, scratch) = export("controller", &cfg, "sta-fast");
    let dir = scratch.path();
    let fast = timing(dir, &top, 0.3).unwrap();
    assert!(fast.worst_slack_ns < 0.0 && fast.tns_ns < 0.0, "{fast:?}");
    let sdc = dir.join("controller.sdc");
    let text = std::fs::read_to_string(&sdc).unwrap();
    std::fs::write(
        &sdc,
        text + "remove_from_collection [all_inputs] [get_ports clock]\n",
    )
    .unwrap();
    let e = timing(dir, &top, 0.3).unwrap_err();
    assert!(e.contains("remove_from_collection"), "{e}");
    let (top, scratch) = export(
        "crossbar",
        &small_config(4, Variant::V1, 2, true),
        "sta-crossbar",
    );
    let dir = scratch.path();
    assert!(std::fs::read_to_string(dir.join("crossbar.sdc"))
        .unwrap()
        .contains("set_disable_timing"));
    timing(dir, &top, 1.0).unwrap();
}

/// The file lists name files relative to themselves: Verilator's `-F` reads them from any
/// folder.
#[test]
fn file_lists_work_from_any_folder() {
    let cfg = small_config(4, Variant::V1, 2, true);
    let (_, scratch) = export("mcu", &cfg, "lists");
    let elsewhere = out_dir("elsewhere");
    for list in ["mcu.f", "mcu.standin.f"] {
        let path = scratch.path().join(list).display().to_string();
        panther_hdl::eda::tools::Tool::Verilator
            .run(
                elsewhere.path(),
                &["--lint-only", "-Wall", "--top-module", "mcu", "-F", &path],
            )
            .unwrap_or_else(|e| panic!("{list}: {e}"));
    }
}
