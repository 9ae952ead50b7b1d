//! `panther eval`: the baselines' costs against PANTHER's on a compiled training step, the
//! GPU table, the charts, and bad input.

mod common;

use common::*;
use serde_json::Value;

fn eval_json(args: &[&str]) -> Value {
    let mut all = vec!["eval"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--json", "-"]);
    let o = panther(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn cost<'a>(ev: &'a Value, config: &str) -> &'a Value {
    ev["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["config"] == config)
        .unwrap_or_else(|| panic!("{config} in {ev}"))
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}"))
}

fn component(v: &Value, k: &str) -> f64 {
    v["energy_pj"][k].as_f64().unwrap_or(0.0)
}

#[test]
fn baselines_run_the_same_programs_at_their_own_cost() {
    let ev = eval_json(&["--workload", &repo("examples/models/digits-mlp.toml")]);
    assert_eq!(ev["reference"], "panther");
    let p = cost(&ev, "panther");
    let names: Vec<&str> = ev["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["config"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["panther", "base-digital", "base-mvm", "base-opa-mvm"]
    );
    // The digits MLP: 65x36 and 37x10, one MCU each, one OPA per block and step.
    assert_eq!(p["mcus"], 2);
    let opas = 2.0;
    for c in ev["configs"].as_array().unwrap() {
        // The same training: the same programs retire the same instructions.
        assert_eq!(c["instructions"], p["instructions"], "{}", c["config"]);
    }
    assert_eq!(component(p, "mcu.serial_write"), 0.0);
    let digital = cost(&ev, "base-digital");
    let mvm = cost(&ev, "base-mvm");
    let opa_mvm = cost(&ev, "base-opa-mvm");
    // Digital: no conversions, the MVM 8.97x slower.
    assert_eq!(component(digital, "mcu.adc"), 0.0);
    assert!(f(digital, "step_ns") > 5.0 * f(p, "step_ns"));
    // Base_mvm writes each updated array back: 8 slice arrays x 21.1 nJ per OPA, and the
    // step waits for at least one write (10,968.75 ns).
    let w = component(mvm, "mcu.serial_write");
    assert!((w - opas * 8.0 * 21_100.0).abs() < 1e-6 * w, "{w}");
    assert!(f(mvm, "step_ns") >= f(p, "step_ns") + 10_968.75 - 100.0);
    // Base_opa/mvm also reads them out, and its crossbar OPA costs 113 nJ per access.
    assert!(component(opa_mvm, "mcu.serial_read") > 0.0);
    assert!(f(opa_mvm, "total_energy_pj") > f(mvm, "total_energy_pj"));
    assert!(f(mvm, "total_energy_pj") > f(p, "total_energy_pj"));
    // The ratios are over PANTHER's figures.
    let r = ev["energy_ratio"][2].as_f64().unwrap();
    assert!((r - f(mvm, "total_energy_pj") / f(p, "total_energy_pj")).abs() < 1e-9);
    assert_eq!(ev["time_ratio"][0], 1.0);
}

#[test]
fn gpu_measurements_join_by_workload_name_and_charts_are_written() {
    let scratch = Scratch::new();
    let gpu = scratch.file("gpu.toml");
    std::fs::write(
        &gpu,
        "[[measurement]]\ngpu = \"Test GPU\"\nworkload = \"digits-mlp\"\nbatch = 4\nstep_ms = 2.0\nboard_power_w = 50.0\nsource = \"a test\"\n",
    )
    .unwrap();
    let svg = scratch.file("svg");
    let model = repo("examples/models/digits-mlp.toml");
    let gpu_arg = gpu.to_str().unwrap();
    let ev = eval_json(&[
        "--workload",
        &model,
        "--config",
        "panther",
        "--gpu",
        gpu_arg,
        "--svg",
        svg.to_str().unwrap(),
        "--steps",
        "1",
    ]);
    let g = &ev["gpu"][0];
    // 2 ms per batch of 4: 0.5 ms and 50 W x 0.5 ms = 25 mJ per sample.
    assert_eq!(g["sample_ns"], 500_000.0);
    assert!((f(g, "sample_energy_pj") - 25e9).abs() < 1.0);
    let p = cost(&ev, "panther");
    assert!((f(g, "time_ratio") - 500_000.0 / f(p, "step_ns")).abs() < 1e-6);
    for name in ["energy.svg", "time.svg", "components.svg"] {
        let text = std::fs::read_to_string(svg.join(name)).unwrap();
        assert!(text.starts_with("<svg") && text.contains("<rect"), "{name}");
        assert!(text.contains("panther"), "{name} names the config");
    }
    let energy = std::fs::read_to_string(svg.join("energy.svg")).unwrap();
    assert!(energy.contains("Test GPU b4"), "the GPU bar");
    // The table names the source.
    let o = panther(&[
        "eval",
        "--workload",
        &model,
        "--config",
        "panther",
        "--gpu",
        gpu_arg,
        "--steps",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("Test GPU (batch 4)") && text.contains("a test"),
        "{text}"
    );
}

#[test]
fn eval_lists_its_workloads_and_refuses_bad_input_naming_it() {
    let o = panther(&["eval", "--list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    for w in [
        "mlp-l4",
        "mlp-big",
        "mlp-512-b2",
        "vgg-conv-a",
        "vgg-conv-g",
        "convAPanther",
    ] {
        assert!(text.contains(w), "{w} in {text}");
    }
    let scratch = Scratch::new();
    let model = repo("examples/models/digits-mlp.toml");
    let o = panther(&["eval", "--workload", "nope"]);
    fails_with(
        &o,
        &["--workload nope: no such file, and not a workload (allowed: mlp-l4,"],
    );
    let o = panther(&["eval", "--workload", &model, "--config", "nope"]);
    fails_with(&o, &["--config nope", "allowed presets: panther"]);
    let o = panther(&["eval", "--workload", &model, "--steps", "0"]);
    fails_with(&o, &["--steps", "must be from 1 to 1000"]);
    let bad = scratch.file("bad.toml");
    std::fs::write(&bad, "[[measurement]]\ngpu = \"g\"\nworkload = \"w\"\nbatch = 0\nstep_ms = 1.0\nboard_power_w = 1.0\nsource = \"s\"\n").unwrap();
    let o = panther(&["eval", "--workload", &model, "--gpu", bad.to_str().unwrap()]);
    fails_with(&o, &["bad.toml: field `measurement[0].batch`"]);
    // An output folder that cannot be made fails before any run.
    let o = panther(&["eval", "--workload", &model, "--svg", "/proc/nope/svg"]);
    fails_with(&o, &["cannot create /proc/nope/svg"]);
}
