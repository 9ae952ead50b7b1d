//! The recorded SystemVerilog testbench of every top passes under Icarus (event-driven) and
//! Verilator (`--binary`), with the export's own files and the stand-in crossbar; the MCU
//! also on op files of each variant; and a testbench fails when the design differs.

use panther_hdl::eda::gates::{icarus_tb, verilator_tb};
use panther_hdl::export::CrossbarView;
use panther_sim::config::Variant;
use panther_testbenches::sv_testbench::{for_mcu, for_top, SvTestbench};
use panther_testbenches::tops::TOPS;
use panther_testbenches::{random_op_file, small_config};

fn folder(tb: &SvTestbench) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(&format!("panther-tb-{}-", tb.top.name))
        .tempdir()
        .unwrap();
    for (name, text) in tb.top.sources().into_iter().chain(tb.files()) {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn passes(tb: &SvTestbench, what: &str) {
    let dir = folder(tb);
    for (sim, r) in [
        ("Icarus", icarus_tb(dir.path(), &tb.top)),
        ("Verilator", verilator_tb(dir.path(), &tb.top)),
    ] {
        let line = r.unwrap_or_else(|e| panic!("{what} under {sim}: {e}"));
        assert!(
            line.contains(&format!("{} states", tb.states)),
            "{what}: {line}"
        );
    }
}

#[test]
fn every_top_s_recorded_testbench_passes_in_icarus_and_verilator() {
    for top in TOPS {
        // One case of the long runs (the MCU's op sequences, the crossbar without a reset);
        // several of the short ones, a reset between two.
        let cases = if top.name == "mcu" || top.name == "crossbar" {
            1
        } else {
            6
        };
        let tb = for_top(top, 7, cases).unwrap_or_else(|e| panic!("{}: {e}", top.name));
        assert!(tb.states >= 12, "{}: {} states", top.name, tb.states);
        passes(&tb, top.name);
    }
}

/// The MCU on random op files (weights written first) of every variant, with an uneven
/// array and three converters per slice for V3.
#[test]
fn mcu_testbenches_of_every_variant_pass() {
    for (v, rows, cols, adcs) in [
        (Variant::V1, 4, 4, 2),
        (Variant::V2, 4, 4, 4),
        (Variant::V3, 5, 3, 3),
    ] {
        let mut cfg = small_config(4, v, adcs, true);
        cfg.array.rows = rows;
        cfg.array.cols = cols;
        cfg.validate("test").unwrap();
        let file = random_op_file(&cfg, 5, 11);
        let tb = for_mcu(
            &cfg,
            &file,
            &format!("{v:?} ops"),
            None,
            CrossbarView::Standin,
        )
        .unwrap();
        passes(&tb, &format!("mcu {v:?}"));
    }
}

/// A testbench fails when an output differs: one expected bit flipped in the vectors.
#[test]
fn a_recorded_testbench_fails_on_a_differing_output() {
    let top = TOPS.iter().find(|t| t.name == "shift_add").unwrap();
    let mut tb = for_top(top, 3, 2).unwrap();
    let mut lines: Vec<String> = tb.text.vectors.lines().map(String::from).collect();
    let at = lines.len() / 2;
    let last = lines[at].pop().unwrap();
    let flipped = char::from_digit(last.to_digit(16).unwrap() ^ 1, 16).unwrap();
    lines[at].push(flipped);
    tb.text.vectors = lines.join("\n") + "\n";
    let dir = folder(&tb);
    for (sim, r) in [
        ("Icarus", icarus_tb(dir.path(), &tb.top)),
        ("Verilator", verilator_tb(dir.path(), &tb.top)),
    ] {
        let e = r.expect_err(sim);
        assert!(
            e.contains("FAIL shift_add_tb: 1 values differ"),
            "{sim}: {e}"
        );
    }
}
