//! The `panther` command line, run as users run it.

mod common;

use common::*;
use std::process::{Command, Output};

#[test]
fn golden_example_matches_exact_products_and_reports_costs() {
    let path = repo("examples/ops/small-sequence.json");
    let o = panther(&["golden", "--ops", &path]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let w: Vec<Vec<i64>> = serde_json::from_value(input["weights"].clone()).unwrap();
    let x: Vec<i64> = serde_json::from_value(input["ops"][0]["x"].clone()).unwrap();
    let want: Vec<i64> = (0..16)
        .map(|j| (0..16).map(|i| x[i] * w[i][j]).sum())
        .collect();
    let got: Vec<i64> = serde_json::from_value(out["results"][0]["y_raw"].clone()).unwrap();
    assert_eq!(got, want);
    let y: Vec<i64> = serde_json::from_value(out["results"][0]["y"].clone()).unwrap();
    for (r, yy) in want.iter().zip(&y) {
        assert_eq!(*yy, ((r + 2048) >> 12).clamp(-32768, 32767));
    }
    let ops: Vec<&str> = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["op"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "mvm",
            "mtvm",
            "opa",
            "read_weights",
            "crs",
            "mvm",
            "read_slices"
        ]
    );
    assert_eq!(out["totals"]["counters"]["mvm_ops"], 2);
    assert!(out["totals"]["total_energy_pj"].as_f64().unwrap() > 0.0);
    assert!(out["totals"]["latency_ns"].as_f64().unwrap() > 0.0);
    // Weights after the OPA, read back serially, changed by the aligned products.
    let wr: Vec<Vec<i64>> = serde_json::from_value(out["results"][3]["weights"].clone()).unwrap();
    assert_ne!(wr, w);
}

#[test]
fn golden_writes_atomically_and_reports_unwritable_paths() {
    let scratch = Scratch::new();
    let path = repo("examples/ops/small-sequence.json");
    let out = scratch.file("golden.json");
    let o = panther(&["golden", "--ops", &path, "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["config"], "small");
    let o = panther(&["golden", "--ops", &path, "-o", "/nonexistent-dir/x.json"]);
    fails_with(&o, &["cannot write /nonexistent-dir/x.json"]);
    assert!(!std::path::Path::new("/nonexistent-dir/x.json").exists());
}

fn golden_on(scratch: &Scratch, text: &str, name: &str) -> Output {
    let p = scratch.file(name);
    std::fs::write(&p, text).unwrap();
    panther(&["golden", "--ops", p.to_str().unwrap()])
}

#[test]
fn golden_bad_input_names_the_problem() {
    let scratch = Scratch::new();
    // Malformed JSON: line and column.
    let o = golden_on(
        &scratch,
        "{\"preset\": \"small\",\n \"ops\": [ {\"op\": \"mvm\" ",
        "trunc.json",
    );
    fails_with(&o, &["trunc.json: line 2"]);
    // Unknown field.
    let o = golden_on(
        &scratch,
        r#"{"preset": "small", "opz": []}"#,
        "unknown.json",
    );
    fails_with(&o, &["unknown field `opz`"]);
    // Unknown op.
    let o = golden_on(
        &scratch,
        r#"{"preset": "small", "ops": [{"op": "fly"}]}"#,
        "op.json",
    );
    fails_with(&o, &["unknown variant `fly`", "mvm"]);
    // Vector of the wrong length.
    let o = golden_on(
        &scratch,
        r#"{"preset": "small", "ops": [{"op": "mvm", "x": [1, 2]}]}"#,
        "len.json",
    );
    fails_with(
        &o,
        &["ops[0] (mvm)", "`x` has 2 elements; this MCU needs 16"],
    );
    // Weight outside the word.
    let w = format!(
        "[{}]",
        vec![format!("[{}]", vec!["40000"; 16].join(",")); 16].join(",")
    );
    let o = golden_on(
        &scratch,
        &format!(r#"{{"preset": "small", "weights": {w}, "ops": []}}"#),
        "w.json",
    );
    fails_with(
        &o,
        &["`weights[0]` = 40000 is outside the 16-bit word range -32768..=32767"],
    );
    // Weights of the wrong shape.
    let o = golden_on(
        &scratch,
        r#"{"preset": "small", "weights": [[1]], "ops": []}"#,
        "shape.json",
    );
    fails_with(&o, &["`weights` has 1 rows; the array has 16"]);
    // Unknown preset.
    let o = golden_on(&scratch, r#"{"preset": "huge", "ops": []}"#, "preset.json");
    fails_with(&o, &["preset.json: field `preset`: unknown preset `huge`"]);
    // Inline config with an invalid field.
    let mut cfg: serde_json::Value =
        serde_json::to_value(panther_sim::Preset::Small.config()).unwrap();
    cfg["adc"]["bits"] = serde_json::json!(0);
    let o = golden_on(
        &scratch,
        &serde_json::json!({"config": cfg, "ops": []}).to_string(),
        "cfg.json",
    );
    fails_with(&o, &["adc.bits"]);
    // Missing file.
    let o = panther(&["golden", "--ops", "/nonexistent.json"]);
    fails_with(&o, &["/nonexistent.json: cannot read: No such file"]);
}

#[test]
fn config_show_and_check_round_trip() {
    let scratch = Scratch::new();
    for preset in ["panther", "puma-8b-adc", "small"] {
        let p = scratch.file(&format!("{preset}.toml"));
        let o = panther(&[
            "config",
            "show",
            "--preset",
            preset,
            "-o",
            p.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = panther(&["config", "check", p.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains(": ok"));
    }
    let bad = scratch.file("bad.toml");
    let text = std::fs::read_to_string(scratch.file("panther.toml"))
        .unwrap()
        .replace("slices = 8", "slices = 7");
    std::fs::write(&bad, text).unwrap();
    let o = panther(&["config", "check", bad.to_str().unwrap()]);
    fails_with(
        &o,
        &["bad.toml", "slicing.slices", "must equal format.word_bits"],
    );
    let o = panther(&["config", "show", "--preset", "nope"]);
    fails_with(&o, &["unknown preset `nope`"]);
}

#[test]
fn demo_runs_on_the_small_preset() {
    for v in ["V1", "V2", "V3"] {
        let o = panther(&["demo", "mcu", "--config", "small", "--variant", v]);
        assert!(o.status.success(), "{}", stderr(&o));
        let s = String::from_utf8_lossy(&o.stdout);
        assert!(s.contains(&format!("variant {v}")), "{s}");
        assert_eq!(s.matches("exact integer product").count(), 2, "{s}");
        assert!(!s.contains("false"), "{s}");
        assert!(s.contains("total"), "{s}");
    }
}

#[test]
fn bench_mcu_reports_ratios_as_json() {
    let o = panther(&[
        "bench", "mcu", "--config", "small", "--min-ms", "5", "--only", "mvm,opa",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = String::from_utf8_lossy(&o.stdout);
    let json = &s[s.find('{').unwrap()..];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let rows = v["results"].as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["op"] == "opa" && r["device"] == "all-effects"));
    assert!(rows
        .iter()
        .all(|r| r["ratio_to_plain"].as_f64().unwrap() > 0.0));
}

#[test]
fn asm_disasm_round_trip_through_files() {
    let scratch = Scratch::new();
    let src = repo("examples/bundles/producer-consumer/producer.s");
    let bin = scratch.file("producer.bin");
    let o = panther(&["asm", &src, "-o", bin.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::metadata(&bin).unwrap().len() % 8, 0);
    let o = panther(&["disasm", bin.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = scratch.file("producer-again.s");
    std::fs::write(&text, &o.stdout).unwrap();
    let bin2 = scratch.file("producer-again.bin");
    let o = panther(&["asm", text.to_str().unwrap(), "-o", bin2.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&bin).unwrap(), std::fs::read(&bin2).unwrap());
}

#[test]
fn asm_errors_are_file_line_column_and_write_nothing() {
    let scratch = Scratch::new();
    let src = scratch.file("bad.s");
    std::fs::write(&src, "start: nop\n  alu add, 1536, 1537\n  jmp nowhere\n").unwrap();
    let out = scratch.file("bad.bin");
    let o = panther(&["asm", src.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    fails_with(&o, &["bad.s:2:3:", "`alu` takes 4 operands", "bad.s:3:"]);
    assert!(!out.exists());
    let ragged = scratch.file("ragged.bin");
    std::fs::write(&ragged, [0u8; 12]).unwrap();
    let o = panther(&["disasm", ragged.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn run_mlp_bundle_reports_cycles_energy_and_dumps() {
    let scratch = Scratch::new();
    let b = repo("examples/bundles/mlp-train-step");
    let trace = scratch.file("trace.jsonl");
    let o = panther(&[
        "run",
        &b,
        "--config",
        "small",
        "--trace",
        trace.to_str().unwrap(),
        "--dump",
        "tile0.core0.mcu0.weights",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["cycles"].as_u64().unwrap() > 0);
    assert_eq!(v["mcu_ops"]["opa"], 2);
    assert!(v["energy_pj"]["mcu.crossbar_read"].as_f64().unwrap() > 0.0);
    assert!(v["total_energy_pj"].as_f64().unwrap() > 0.0);
    let lines = std::fs::read_to_string(&trace).unwrap();
    assert!(lines.lines().count() > 10);
    for l in lines.lines().take(5) {
        let _: serde_json::Value = serde_json::from_str(l).unwrap();
    }
    let o = panther(&["run", &b, "--config", "small", "--max-cycles", "100"]);
    fails_with(&o, &["cycle limit 100 reached", "core 0: pc 4"]);
    let o = panther(&["run", "/nonexistent-bundle"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn run_takes_arch_constants_from_the_config_under_bundle_overrides() {
    let scratch = Scratch::new();
    let b = repo("examples/bundles/mlp-train-step");
    let cycles = |cfg: &str| {
        let o = panther(&["run", &b, "--config", cfg]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (
            v["cycles"].as_u64().unwrap(),
            v["energy_pj"]["tile.edram"].as_f64().unwrap(),
        )
    };
    let (base_cycles, base_edram) = cycles("small");
    let text = std::fs::read_to_string(scratch.file("small.toml")).unwrap_or_else(|_| {
        String::from_utf8(panther(&["config", "show", "--preset", "small"]).stdout).unwrap()
    });
    // One VFU lane (slower vector ops) and a dearer eDRAM; the bundle keeps cores_per_tile = 1.
    let edited = text
        .replace("vfu_lanes = 4", "vfu_lanes = 1")
        .replace("edram_access_pj = 20.675", "edram_access_pj = 41.35");
    assert_ne!(edited, text);
    let p = scratch.file("one-lane.toml");
    std::fs::write(&p, edited).unwrap();
    let (cycles1, edram1) = cycles(p.to_str().unwrap());
    assert!(cycles1 > base_cycles, "{cycles1} vs {base_cycles}");
    assert!(
        (edram1 - 2.0 * base_edram).abs() < 1e-9,
        "{edram1} vs {base_edram}"
    );
    // A bad [arch] field in the config names it.
    let bad = scratch.file("bad-arch.toml");
    std::fs::write(&bad, text.replace("vfu_lanes = 4", "vfu_lanes = 0")).unwrap();
    let o = panther(&["config", "check", bad.to_str().unwrap()]);
    fails_with(&o, &["field `arch.vfu_lanes`", "must be 1..=64, found 0"]);
}

#[test]
fn sim_matches_golden_and_writes_a_vcd() {
    let scratch = Scratch::new();
    let cfg = repo("examples/configs/tiny-4x4.toml");
    let ops = repo("examples/ops/opa-4x4.json");
    let vcd = scratch.file("opa.vcd");
    let g = panther(&["golden", "--config", &cfg, "--ops", &ops]);
    assert!(g.status.success(), "{}", stderr(&g));
    let s = panther(&[
        "sim",
        "--top",
        "mcu",
        "--config",
        &cfg,
        "--ops",
        &ops,
        "--vcd",
        vcd.to_str().unwrap(),
    ]);
    assert!(s.status.success(), "{}", stderr(&s));
    let g: serde_json::Value = serde_json::from_slice(&g.stdout).unwrap();
    let s: serde_json::Value = serde_json::from_slice(&s.stdout).unwrap();
    assert_eq!(g["results"], s["results"], "RTL results = golden results");
    assert_eq!(g["config_hash"], s["config_hash"]);
    let op_cycles: Vec<u64> = s["op_cycles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(op_cycles.len(), 3);
    assert!(op_cycles.iter().all(|&c| c > 0));
    assert!(
        s["cycles"].as_u64().unwrap() > op_cycles.iter().sum::<u64>(),
        "initial weights take cycles too"
    );
    let text = std::fs::read_to_string(&vcd).unwrap();
    assert!(text.contains("$scope module controller $end") && text.contains(" done $end"));
    let view = std::fs::read_to_string(vcd.with_extension("gtkw")).unwrap();
    assert!(
        view.contains("mcu.controller.state[3:0]") && view.contains("opa.CtlState.filter"),
        "{view}"
    );
    let filter = std::fs::read_to_string(scratch.file("opa.CtlState.filter")).unwrap();
    assert!(filter.starts_with("0 Idle\n"), "{filter}");
}

#[test]
fn sim_blocks_and_bad_input() {
    let scratch = Scratch::new();
    for top in panther_testbenches::tops::names()
        .into_iter()
        .filter(|t| *t != "mcu")
    {
        let o = panther(&["sim", "--top", top, "--seed", "3", "--cases", "1"]);
        assert!(o.status.success(), "{top}: {}", stderr(&o));
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(j["top"], top);
        assert_eq!(j["mismatches"].as_array().unwrap().len(), 0);
        assert!(j["cycles"].as_u64().unwrap() > 0);
    }
    fails_with(
        &panther(&["sim", "--top", "adder"]),
        &["--top adder", "allowed: mcu, line_drivers", "panther tops"],
    );
    let bad = scratch.file("no-such-dir").join("x.vcd");
    fails_with(
        &panther(&["sim", "--top", "sar_bank", "--vcd", bad.to_str().unwrap()]),
        &["cannot write", "x.vcd"],
    );
    assert!(!bad.exists());
    let cfg = repo("examples/configs/tiny-4x4.toml");
    let ops = scratch.file("bad-ops.json");
    std::fs::write(&ops, r#"{"ops": [{"op": "mvm", "x": [1, 2]}]}"#).unwrap();
    fails_with(
        &panther(&["sim", "--config", &cfg, "--ops", ops.to_str().unwrap()]),
        &["`x` has 2 elements; this MCU needs 4"],
    );
}

#[test]
fn verilog_exports_a_top_and_rejects_bad_input() {
    let scratch = Scratch::new();
    let cfg = repo("examples/configs/tiny-4x4.toml");
    let out = scratch.file("verilog");
    let o = panther_line(&format!(
        "verilog --top controller --config {cfg} --out {} --check",
        out.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("lint, iverilog, yosys: pass"));
    for f in [
        "controller.sv",
        "controller.f",
        "controller.sdc",
        "controller.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // A recorded testbench of a block inside the MCU, run by both simulators.
    let tb = scratch.file("tb");
    let o = panther_line(&format!(
        "verilog --top opa_unit --config {cfg} --out {} --tb --random 2 --check",
        tb.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Icarus and Verilator: pass"));
    for f in [
        "opa_unit_tb.sv",
        "opa_unit_tb.hex",
        "opa_unit_tb.f",
        "opa_unit.sv",
    ] {
        assert!(tb.join("tb").join(f).is_file(), "{f}");
    }
    // The MCU replays with the ideal stand-in crossbar: a non-ideal device is refused.
    fails_with(
        &panther_line(&format!(
            "verilog --top mcu --config {cfg} --device reram --out {} --tb",
            tb.display()
        )),
        &["non-ideal device", "--device ideal"],
    );
    fails_with(
        &panther_line(&format!("verilog --top alu --out {}", out.display())),
        &["--top alu", "allowed: mcu,"],
    );
    // An output folder under a regular file cannot be created: nothing is written.
    let file = scratch.file("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let under = file.join("v");
    fails_with(
        &panther_line(&format!(
            "verilog --top controller --config {cfg} --out {}",
            under.display()
        )),
        &["cannot create output folder"],
    );
    let bad = scratch.file("bad-io.toml");
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("clock_ns = 1.0", "clock_ns = 1.0\nio_budget = 1.5");
    std::fs::write(&bad, text).unwrap();
    fails_with(
        &panther_line(&format!(
            "verilog --top controller --config {} --out {}",
            bad.display(),
            out.display()
        )),
        &["timing.io_budget", "[0, 1)"],
    );
}

#[test]
fn cosim_mcu_reports_json_and_a_verilator_vcd_window() {
    let scratch = Scratch::new();
    let cfg = repo("examples/configs/tiny-4x4.toml");
    let vcd = scratch.file("cosim.vcd");
    let o = panther_line(&format!(
        "cosim --top mcu --config {cfg} --random 2 --seed 3 --vcd {} --from 10 --to 200",
        vcd.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["mismatches"], 0);
    assert!(j["golden_mismatch"].is_null());
    assert!(j["cycles"].as_u64().unwrap() > 200);
    assert!(j["commands"].as_u64().unwrap() >= 2);
    for s in ["golden", "rust_hdl", "verilator"] {
        assert!(
            j["cycles_per_second"][s].as_f64().unwrap() > 0.0,
            "{s}: {j}"
        );
    }
    // Verilator's VCD: the MCU's ports, and only the window's times.
    let mut p = vcd::Parser::new(std::io::BufReader::new(std::fs::File::open(&vcd).unwrap()));
    let header = p.parse_header().unwrap();
    assert!(header.find_var(&["top", "mcu", "done"]).is_some());
    assert!(header
        .find_var(&["top", "mcu", "row_drivers", "load_word"])
        .is_some());
    let times: Vec<u64> = p
        .filter_map(|c| match c.unwrap() {
            vcd::Command::Timestamp(t) => Some(t),
            _ => None,
        })
        .collect();
    assert!(!times.is_empty());
    assert!(
        times.iter().all(|t| (10_000..200_000).contains(t)),
        "{:?}",
        &times[..4]
    );
}

#[test]
fn cosim_blocks_and_bad_input() {
    let o = panther_line("cosim --top crs_lane --random 2 --seed 5");
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (j["mismatches"].as_u64(), j["commands"].as_u64()),
        (Some(0), Some(2))
    );
    assert!(j["compared_states"].as_u64().unwrap() > 10);
    fails_with(
        &panther(&[
            "cosim",
            "--top",
            "crs_lane",
            "--ops",
            &repo("examples/ops/opa-4x4.json"),
        ]),
        &["--ops runs the mcu only"],
    );
    fails_with(
        &panther_line("cosim --top alu"),
        &["--top alu", "allowed: mcu,"],
    );
    fails_with(
        &panther_line("cosim --top crs_lane --vcd /nonexistent/x.vcd"),
        &["cannot write /nonexistent/x.vcd", "No such file"],
    );
    fails_with(
        &panther_line("cosim --top crs_lane --vcd /dev/null --from 9 --to 3"),
        &["--from 9 must be below --to 3"],
    );
}

/// The first number in the table row of `top` (the run must have succeeded).
fn first_figure(o: &Output, top: &str) -> f64 {
    assert!(o.status.success(), "{}", stderr(o));
    let text = String::from_utf8_lossy(&o.stdout);
    let row = text.lines().find(|l| l.starts_with(top)).expect(&text);
    row.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn report_synth_timing_and_bench_cosim() {
    let scratch = Scratch::new();
    let cfg = repo("examples/configs/tiny-4x4.toml");
    let out = scratch.file("synth");
    let o = panther_line(&format!(
        "report synth --top controller --config {cfg} --out {}",
        out.display()
    ));
    let cells = first_figure(&o, "controller");
    assert!(cells > 50.0, "{cells}");
    let o = panther_line(&format!(
        "report timing --top controller --config {cfg} --out {}",
        out.display()
    ));
    let slack = first_figure(&o, "controller");
    assert!(slack > 0.0 && slack < 1.0, "{slack}");
    let json = scratch.file("bench-cosim.json");
    let o = panther_line(&format!(
        "bench cosim --config {cfg} --replays 1 --json {}",
        json.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(j["verilator_cycles_per_second"].as_f64().unwrap() > 0.0);
    assert!(j["lockstep_states_compared"].as_u64().unwrap() > j["cycles"].as_u64().unwrap());
    assert!(j["verilator_host_cycles_per_second"].as_f64().unwrap() > 0.0);
}

/// A missing tool is an error that says how to install it (never a skip).
#[test]
fn missing_tools_fail_with_the_install_command() {
    let scratch = Scratch::new();
    let cfg = repo("examples/configs/tiny-4x4.toml");
    let out = scratch.file("no-tools");
    let o = Command::new(env!("CARGO_BIN_EXE_panther"))
        .args([
            "verilog",
            "--top",
            "controller",
            "--config",
            &cfg,
            "--check",
            "--out",
        ])
        .arg(&out)
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    fails_with(
        &o,
        &[
            "`verilator` not found on PATH",
            "make setup",
            "apt-get install -y verilator",
        ],
    );
    let o = Command::new(env!("CARGO_BIN_EXE_panther"))
        .args(["cosim", "--top", "crs_lane", "--random", "1"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    fails_with(&o, &["`verilator` not found on PATH", "make setup"]);
}

/// `--verilator-only`: the host on the Verilator model alone, against golden, with its VCD.
#[test]
fn cosim_verilator_only() {
    let scratch = Scratch::new();
    let cfg = repo("examples/configs/tiny-4x4.toml");
    let vcd = scratch.file("alone.vcd");
    let o = panther_line(&format!(
        "cosim --top mcu --config {cfg} --random 3 --seed 4 --verilator-only --vcd {}",
        vcd.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["golden_mismatch"].is_null() && j["cycles_per_second"]["rust_hdl"].is_null());
    assert_eq!(j["compared_states"], 0);
    assert!(j["cycles_per_second"]["verilator"].as_f64().unwrap() > 0.0);
    let text = std::fs::read_to_string(&vcd).unwrap();
    assert!(text.contains("$var") && text.contains("load_word"));
    fails_with(
        &panther_line("cosim --top sar_bank --random 1 --verilator-only"),
        &["--verilator-only runs the mcu only"],
    );
}

/// `panther tops` lists the registry: a table, names one per line, JSON.
#[test]
fn tops_lists_the_registry() {
    let names = panther_testbenches::tops::names();
    let o = panther(&["tops", "--names"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(listed, names);
    let o = panther(&["tops", "--json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = j.as_array().unwrap();
    assert_eq!(rows.len(), names.len());
    assert!(rows
        .iter()
        .any(|r| r["name"] == "opa_unit" && r["tested_in_mcu"] == true));
    let o = panther(&["tops"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(names.iter().all(|n| text.contains(n)), "{text}");
}

/// `panther train` on iris: an epoch line per epoch, the JSON report with accuracy, energy
/// and CRS; bad input names the file or field and writes nothing.
#[test]
fn train_iris_reports_epochs_and_rejects_bad_input() {
    let scratch = Scratch::new();
    let model = repo("examples/models/iris-mlp.toml");
    let json = scratch.file("iris.json");
    for engine in ["fast", "float"] {
        let o = panther(&[
            "train",
            "--model",
            &model,
            "--data",
            "iris",
            "--config",
            "small",
            "--engine",
            engine,
            "--epochs",
            "3",
            "--json",
            json.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = String::from_utf8_lossy(&o.stdout);
        let lines = text.lines().filter(|l| l.starts_with("epoch ")).count();
        assert_eq!(lines, 3, "{text}");
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let epochs = j["epochs"].as_array().unwrap();
        assert_eq!(epochs.len(), 3);
        let acc = epochs[2]["test_accuracy"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&acc));
        assert_eq!(j["train_samples"], 120);
        let energy = epochs[2]["total_energy_pj"].as_f64().unwrap();
        assert_eq!(energy > 0.0, engine == "fast", "{engine}: {energy}");
    }
    let bad = scratch.file("bad-model.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&model)
            .unwrap()
            .replace("crs_every = 8", "crs_every = 0"),
    )
    .unwrap();
    fails_with(
        &panther(&["train", "--model", bad.to_str().unwrap(), "--data", "iris"]),
        &["bad-model.toml", "training.crs_every"],
    );
    fails_with(
        &panther(&["train", "--model", &model, "--data", "digits"]),
        &[
            "iris-mlp.toml: input: the input has 4 features",
            "the training set of digits has 64 per sample",
        ],
    );
    fails_with(
        &panther(&["train", "--model", &model, "--data", "iris", "--batch", "4"]),
        &["training.batch", "V1"],
    );
    let ragged = scratch.file("ragged.csv");
    std::fs::write(&ragged, "1,2,3,4,0\n1,2,3,1\n").unwrap();
    fails_with(
        &panther(&[
            "train",
            "--model",
            &model,
            "--data",
            ragged.to_str().unwrap(),
        ]),
        &["ragged.csv", "line 2"],
    );
    let out = scratch.file("no-such-dir").join("x.json");
    fails_with(
        &panther(&[
            "train",
            "--model",
            &model,
            "--data",
            "iris",
            "--epochs",
            "1",
            "--json",
            out.to_str().unwrap(),
        ]),
        &["cannot write", "x.json"],
    );
    assert!(!out.exists());
}

/// The `epochs` of a train report without wall times (which differ between runs).
fn epochs_without_time(path: &std::path::Path) -> Vec<serde_json::Value> {
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut e = j["epochs"].as_array().unwrap().clone();
    for r in e.iter_mut() {
        r.as_object_mut().unwrap().remove("seconds");
    }
    e
}

#[test]
fn train_writes_csv_plots_checkpoints_and_resumes_after_ctrl_c() {
    let scratch = Scratch::new();
    let model = repo("examples/models/iris-mlp.toml");
    let dir = scratch.file("train-out");
    let cp = scratch.file("train-cp");
    let base = format!("train --model {model} --data iris --config small");
    // Two epochs straight, with every output.
    let o = panther_line(&format!(
        "{base} --epochs 2 --out {} --json {}",
        dir.display(),
        scratch.file("straight.json").display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "report.json",
        "epochs.csv",
        "accuracy.svg",
        "clips.svg",
        "energy.svg",
    ] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        assert!(text.len() > 100, "{f}: {text}");
    }
    let csv = std::fs::read_to_string(dir.join("epochs.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[0].starts_with("epoch,samples,train_loss")
            && lines[0].contains("energy_pj_mcu.adc")
            && lines[0].contains("energy_pj_core.vfu")
    );
    assert!(lines[2].starts_with("2,120,"), "{csv}");
    let svg = std::fs::read_to_string(dir.join("accuracy.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("float64"), "{svg}");
    // One epoch with a checkpoint, then --resume to two: the same epochs.
    let o = panther_line(&format!("{base} --epochs 1 --checkpoint {}", cp.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    let resumed = scratch.file("resumed.json");
    let o = panther_line(&format!(
        "{base} --epochs 2 --checkpoint {} --resume --json {}",
        cp.display(),
        resumed.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("resumed at epoch 2, sample 0"));
    assert_eq!(
        epochs_without_time(&resumed),
        epochs_without_time(&scratch.file("straight.json"))
    );
    // The same on the architectural simulator.
    let arch = format!("{base} --engine arch --limit 40");
    let cp_arch = scratch.file("train-cp-arch");
    let (straight, resumed) = (
        scratch.file("arch-straight.json"),
        scratch.file("arch-resumed.json"),
    );
    for line in [
        format!("{arch} --epochs 2 --json {}", straight.display()),
        format!("{arch} --epochs 1 --checkpoint {}", cp_arch.display()),
        format!(
            "{arch} --epochs 2 --checkpoint {} --resume --json {}",
            cp_arch.display(),
            resumed.display()
        ),
    ] {
        let o = panther_line(&line);
        assert!(o.status.success(), "{line}: {}", stderr(&o));
    }
    assert_eq!(
        epochs_without_time(&resumed),
        epochs_without_time(&straight)
    );
    // Ctrl-C mid-run: a complete checkpoint, a clear message, and a resume that ends
    // like a run that was never stopped.
    let cp2 = scratch.file("train-cp-int");
    let long: Vec<String> = format!("{base} --epochs 500 --checkpoint {}", cp2.display())
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let child = Command::new(env!("CARGO_BIN_EXE_panther"))
        .args(&long)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let file = cp2.join("checkpoint.json");
    let t0 = std::time::Instant::now();
    while !file.exists() {
        assert!(t0.elapsed().as_secs() < 120, "no checkpoint after 120 s");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("interrupted after sample") && e.contains("--resume"),
        "{e}"
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let epochs = saved["progress"]["epoch"].as_u64().unwrap() + 1;
    let (a, b) = (
        scratch.file("after-int.json"),
        scratch.file("never-int.json"),
    );
    let o = panther_line(&format!(
        "{base} --epochs {epochs} --checkpoint {} --resume --json {}",
        cp2.display(),
        a.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = panther_line(&format!("{base} --epochs {epochs} --json {}", b.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(epochs_without_time(&a), epochs_without_time(&b));
    // A checkpoint of another model is refused, and so is a named set with --test-split.
    fails_with(
        &panther_line(&format!(
            "{base} --epochs 2 --lr 0.2 --checkpoint {} --resume",
            cp.display()
        )),
        &["checkpoint.json", "another model"],
    );
    fails_with(
        &panther_line(&format!("{base} --test-split 0.3")),
        &["--data iris", "fixed train/test split"],
    );
}

#[test]
fn bench_train_reports_epoch_seconds_per_engine_and_device() {
    let scratch = Scratch::new();
    let json = scratch.file("bench-train.json");
    let o = panther_line(&format!(
        "bench train --config small --device ideal --runs 1 --json {}",
        json.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let results = j["results"].as_array().unwrap();
    let engines: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["engine"].as_str().unwrap(), r["device"].as_str().unwrap()))
        .collect();
    // The digits MLP takes 18 MCUs of the small preset, on 9 cores of 2 tiles.
    assert_eq!(
        engines,
        [("float", "n/a"), ("fast", "ideal"), ("arch", "ideal")]
    );
    for r in results {
        assert!(r["epoch_seconds"].as_f64().unwrap() > 0.0, "{r}");
        assert_eq!(r["network"], "digits 64-36-10");
        assert_eq!(r["epoch_samples"], 1437);
    }
    assert_eq!(results[1]["target_seconds"], 0.4);
    // The arch engine's target: at most 10x the fast engine's epoch.
    let fast = results[1]["epoch_seconds"].as_f64().unwrap();
    assert!((results[2]["target_seconds"].as_f64().unwrap() - 10.0 * fast).abs() < 1e-9);
    fails_with(
        &panther_line("bench train --data mnist"),
        &["--data mnist", "allowed: digits, fashion-mnist"],
    );
}

#[test]
fn compile_writes_listings_a_runnable_bundle_and_the_mapping() {
    let scratch = Scratch::new();
    let out = scratch.file("compiled");
    let model = repo("examples/models/iris-mlp.toml");
    let o = panther_line(&format!(
        "compile {model} --config small --data iris -o {}",
        out.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("2 MCUs") && text.contains("t0.c0.m1"),
        "{text}"
    );
    let step = std::fs::read_to_string(out.join("step/tile0.core0.s")).unwrap();
    assert!(
        step.contains("; OPA layer 1 row block 0 col block 0: rows"),
        "{step}"
    );
    let mapping: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("mapping.json")).unwrap()).unwrap();
    assert_eq!(mapping.as_array().unwrap().len(), 2);
    // The bundle runs one training step on the architectural simulator.
    let o = panther(&["run", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["mcu_ops"]["opa"], 2, "{r}");
    assert_eq!(r["mcu_ops"]["mvm"], 2, "{r}");
    // A network over several cores and two tiles: its bundle runs as one training step.
    let digits = repo("examples/models/digits-mlp.toml");
    let big = scratch.file("digits-small");
    let o = panther_line(&format!(
        "compile {digits} --config small --data digits -o {}",
        big.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("18 MCUs on 9 cores of 2 tiles"), "{text}");
    assert!(big.join("step/tile1.s").is_file() && big.join("step/tile1.core0.s").is_file());
    let o = panther(&["run", big.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["mcu_ops"]["opa"], 18, "{r}");
    assert!(r["noc_packets"].as_u64().unwrap() > 0, "{r}");
}

/// Fashion-MNIST from Debian's package (`make setup` installs it): the fixed split of
/// 60,000 and 10,000 28x28 images read from the gzipped IDX files, trained on briefly.
#[test]
fn train_reads_fashion_mnist_from_its_debian_package() {
    let scratch = Scratch::new();
    let json = scratch.file("fashion.json");
    let o = panther_line(&format!(
        "train --model {} --data fashion-mnist --engine float --epochs 1 --limit 300 --json {}",
        repo("examples/models/fashion-mlp.toml"),
        json.display()
    ));
    assert!(
        o.status.success(),
        "{} (install the data with `make setup` or `apt-get install dataset-fashion-mnist`)",
        stderr(&o)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("(300 train / 10000 test samples)"), "{text}");
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let acc = j["epochs"][0]["test_accuracy"].as_f64().unwrap();
    // Ten classes: 300 samples of float64 SGD learn well above chance.
    assert!(acc > 0.3, "test accuracy {acc}");
}
