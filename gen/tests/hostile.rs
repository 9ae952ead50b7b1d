//! Hostile but honest input, one test per class: outputs to devices, FIFOs and full disks,
//! signals mid-write, inputs that never end, positional and unknown fields, values out of
//! range, limits of the RTL, runaway benchmark settings, misleading messages.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Files a writer left behind: `.NAME.XXXXXX.tmp` temporaries.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// `panther ARGS` with at most `blocks` 512-byte blocks per written file (RLIMIT_FSIZE):
/// a write past it fails with "File too large", as on a full disk. SIGXFSZ is ignored so
/// that the write returns the error instead of killing the process.
fn panther_with_file_limit(blocks: u32, args: &[&str]) -> Output {
    let mut line = format!(
        "trap '' XFSZ; ulimit -f {blocks}; exec {}",
        env!("CARGO_BIN_EXE_panther")
    );
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    Command::new("sh")
        .args(["-c", &line])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run sh")
}

fn is_char_device(p: &str) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(p).unwrap().file_type().is_char_device()
}

#[test]
fn devices_fifos_and_stdout_are_written_in_place_and_stay_what_they_are() {
    let ops = repo("examples/ops/small-sequence.json");
    let o = panther(&["golden", "--ops", &ops, "-o", "/dev/null"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = panther(&["golden", "--ops", &ops, "-o", "/dev/full"]);
    fails_with(&o, &["cannot write /dev/full: No space left on device"]);
    assert!(is_char_device("/dev/full") && is_char_device("/dev/null"));
    let o = panther(&["golden", "--ops", &ops, "-o", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap();
    // A VCD to a device: no view or filter files next to it.
    let o = panther(&[
        "sim",
        "--config",
        &repo("examples/configs/tiny-4x4.toml"),
        "--ops",
        &repo("examples/ops/opa-4x4.json"),
        "--vcd",
        "/dev/null",
        "-o",
        "/dev/null",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!Path::new("/dev/null.gtkw").exists());
    assert!(is_char_device("/dev/null"));
    // A FIFO is written in place; a reader gets the whole report.
    let scratch = Scratch::new();
    let fifo = scratch.file("report.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = panther(&["golden", "--ops", &ops, "-o", fifo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = reader.join().unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["config"], "small");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // Two streams cannot share stdout.
    let o = panther(&["sim", "--vcd", "-"]);
    fails_with(&o, &["--vcd - and the JSON report would both go to stdout"]);
}

#[test]
fn a_write_that_fails_midway_leaves_the_old_file_whole_and_no_temporary() {
    let scratch = Scratch::new();
    let ops = repo("examples/ops/small-sequence.json");
    let out = scratch.file("golden.json");
    std::fs::write(&out, "old report").unwrap();
    let o = panther_with_file_limit(1, &["golden", "--ops", &ops, "-o", out.to_str().unwrap()]);
    fails_with(
        &o,
        &[&format!("cannot write {}: File too large", out.display())],
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old report");
    assert!(temporaries(scratch.0.path()).is_empty());
    // The assembler too (it used to truncate the old binary in place).
    let src = scratch.file("long.s");
    std::fs::write(&src, "        nop\n".repeat(200) + "        hlt\n").unwrap();
    let src = src.display().to_string();
    let bin = scratch.file("step.bin");
    let o = panther(&["asm", &src, "-o", bin.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let good = std::fs::read(&bin).unwrap();
    assert!(
        good.len() > 512,
        "the program must be larger than the limit"
    );
    let o = panther_with_file_limit(1, &["asm", &src, "-o", bin.to_str().unwrap()]);
    fails_with(&o, &[&format!("cannot write {}", bin.display())]);
    assert_eq!(std::fs::read(&bin).unwrap(), good);
    assert!(temporaries(scratch.0.path()).is_empty());
}

#[test]
fn a_signal_mid_write_removes_the_temporary_and_keeps_the_old_file() {
    let scratch = Scratch::new();
    let vcd = scratch.file("long.vcd");
    std::fs::write(&vcd, "old trace").unwrap();
    for signal in ["TERM", "INT"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_panther"))
            .args([
                "sim",
                "--config",
                "small",
                "--cases",
                "100000",
                "-o",
                "/dev/null",
            ])
            .args(["--vcd", vcd.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the trace is being written.
        let start = std::time::Instant::now();
        while temporaries(scratch.0.path()).is_empty() {
            assert!(start.elapsed().as_secs() < 120, "no temporary appeared");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "SIG{signal}");
        assert!(temporaries(scratch.0.path()).is_empty(), "SIG{signal}");
        assert_eq!(std::fs::read_to_string(&vcd).unwrap(), "old trace");
    }
}

#[test]
fn a_verilator_vcd_that_cannot_be_written_ends_with_an_error_not_a_hang() {
    let scratch = Scratch::new();
    let vcd = scratch.file("x.vcd");
    let args = [
        "cosim",
        "--top",
        "mcu",
        "--config",
        "small",
        "--random",
        "2",
        "--verilator-only",
        "--vcd",
        vcd.to_str().unwrap(),
    ];
    // Build the model (or find it) with room to write; the trace is whole.
    let o = panther(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = std::fs::metadata(&vcd).unwrap().len();
    assert!(whole > 4 * 512, "the trace must be larger than the limit");
    std::fs::remove_file(&vcd).unwrap();
    // Verilator's VCD writer fails mid-run (as on a full disk): it used to deadlock in its
    // fatal handler's flush.
    let o = panther_with_file_limit(4, &args);
    fails_with(
        &o,
        &[&format!(
            "cannot write {}: Verilator: VerilatedVcd::bufferFlush: File too large",
            vcd.display()
        )],
    );
    assert!(!vcd.exists() && temporaries(scratch.0.path()).is_empty());
}

#[test]
fn a_trace_says_in_its_last_line_whether_it_is_complete() {
    let scratch = Scratch::new();
    let trace = scratch.file("trace.jsonl");
    let o = panther(&[
        "run",
        &repo("examples/bundles/producer-consumer"),
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&trace).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["end"], "complete");
    // A bundle that deadlocks: the trace up to it, and a last line that says so.
    let bundle = scratch.file("stuck");
    copy_dir(&repo("examples/bundles/producer-consumer"), &bundle);
    let tile0 = bundle.join("tile0.s");
    let src = std::fs::read_to_string(&tile0).unwrap();
    let halted: String = src
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("send") {
                "        halt"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&tile0, halted).unwrap();
    let o = panther(&[
        "run",
        bundle.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
    ]);
    fails_with(&o, &["deadlock at cycle"]);
    // Reported where progress stopped, not at the cycle limit.
    let e = stderr(&o);
    let cycle: u64 = e
        .split("deadlock at cycle ")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(cycle < 10_000, "{e}");
    let text = std::fs::read_to_string(&trace).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["end"], "incomplete");
    assert!(last["error"].as_str().unwrap().contains("deadlock"));
}

fn copy_dir(from: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn inputs_that_never_end_are_capped_with_a_message() {
    for args in [
        vec!["config", "check", "/dev/zero"],
        vec!["golden", "--ops", "/dev/zero"],
        vec!["asm", "/dev/zero", "-o", "/dev/null"],
        vec!["disasm", "/dev/zero"],
        vec!["train", "--model", "/dev/zero", "--data", "iris"],
    ] {
        let o = panther(&args);
        fails_with(&o, &["/dev/zero", "MiB allowed for"]);
    }
    // A bundle weight file.
    let scratch = Scratch::new();
    let bundle = scratch.file("b");
    copy_dir(&repo("examples/bundles/mlp-train-step"), &bundle);
    let m = bundle.join("bundle.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        text.replace("file = \"w1.json\"", "file = \"/dev/zero\""),
    )
    .unwrap();
    let o = panther(&["run", bundle.to_str().unwrap()]);
    fails_with(&o, &["/dev/zero: larger than the 128 MiB"]);
}

#[test]
fn seeds_above_the_toml_range_are_errors_not_panics() {
    let scratch = Scratch::new();
    let p = scratch.file("seed.json");
    std::fs::write(
        &p,
        r#"{"preset": "small", "seed": 18446744073709551615, "ops": [{"op": "crs"}]}"#,
    )
    .unwrap();
    for cmd in ["golden", "sim"] {
        let o = panther(&[cmd, "--ops", p.to_str().unwrap()]);
        fails_with(&o, &["field `seed`: must be at most 9223372036854775807"]);
    }
    let o = panther(&["sim", "--seed", "9223372036854775808"]);
    fails_with(&o, &["--seed", "at most 9223372036854775807"]);
}

/// `config show` of `spec` with each line starting with a prefix replaced, written to
/// `scratch/name`; returns the path.
fn config_with(scratch: &Scratch, spec: &str, name: &str, edits: &[(&str, &str)]) -> String {
    let o = panther(&["config", "show", "--config", spec]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let mut out = String::new();
    let mut used = vec![false; edits.len()];
    for l in text.lines() {
        match edits.iter().position(|(prefix, _)| l.starts_with(prefix)) {
            Some(i) => {
                used[i] = true;
                out.push_str(edits[i].1);
            }
            None => out.push_str(l),
        }
        out.push('\n');
    }
    assert!(
        used.iter().all(|u| *u),
        "every edit of {spec} applies: {edits:?}"
    );
    let p = scratch.file(name);
    std::fs::write(&p, out).unwrap();
    p.display().to_string()
}

/// The panther preset with `shared_adcs` converters per array, as a file.
fn panther_with_adcs(scratch: &Scratch, adcs: usize) -> String {
    let line = format!("shared_adcs = {adcs}");
    config_with(
        scratch,
        "panther",
        &format!("adcs{adcs}.toml"),
        &[("shared_adcs", &line)],
    )
}

#[test]
fn configs_beyond_the_rtl_limits_are_refused_naming_the_field_before_any_build() {
    let scratch = Scratch::new();
    // 128 converters x 8 slices = 1024 SAR lanes: the docs allow it, the RTL's 10-bit lane
    // index does not.
    let c = panther_with_adcs(&scratch, 128);
    let field =
        "`adc.shared_adcs` times slicing.slices (128 x 8 = 1024 SAR lanes) must be at most 1023";
    let ops = repo("examples/ops/small-sequence.json");
    let out = scratch.file("v");
    let cache = scratch.file("cache");
    for args in [
        vec!["sim", "--config", &c, "--ops", &ops],
        vec![
            "verilog",
            "--top",
            "mcu",
            "--config",
            &c,
            "--out",
            out.to_str().unwrap(),
        ],
        vec!["report", "synth", "--top", "mcu", "--config", &c],
        vec!["cosim", "--top", "mcu", "--config", &c, "--random", "1"],
        vec!["bench", "rtl", "--config", &c],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_panther"))
            .args(&args)
            .env("PANTHER_VERILATOR_CACHE", &cache)
            .output()
            .unwrap();
        fails_with(&o, &[field]);
        assert!(
            stderr(&o).contains(&c),
            "the config is named: {}",
            stderr(&o)
        );
    }
    assert!(!cache.exists(), "nothing was built");
    // The golden model takes it, and `config check` says what the RTL thinks.
    let o = panther(&["config", "check", &c]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        text.contains("the RTL refuses it") && text.contains(field),
        "{text}"
    );
    let o = panther(&["config", "check", &panther_with_adcs(&scratch, 127)]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("fits the RTL"));
}

#[test]
fn a_bad_op_is_reported_by_the_golden_model_before_any_verilator_build() {
    let scratch = Scratch::new();
    let p = scratch.file("short.json");
    std::fs::write(
        &p,
        r#"{"preset": "small", "ops": [{"op": "mvm", "x": [1, 2, 3]}]}"#,
    )
    .unwrap();
    let cache = scratch.file("cache");
    let o = Command::new(env!("CARGO_BIN_EXE_panther"))
        .args(["cosim", "--top", "mcu", "--ops", p.to_str().unwrap()])
        .env("PANTHER_VERILATOR_CACHE", &cache)
        .output()
        .unwrap();
    fails_with(&o, &["short.json: ops[0] (mvm)"]);
    assert!(!stderr(&o).contains("rust_hdl differs"));
    assert!(!cache.exists(), "nothing was built");
    // A config value is blamed on the config, not on the op file.
    let c = config_with(
        &scratch,
        &repo("examples/configs/tiny-4x4.toml"),
        "adc24.toml",
        &[("bits = ", "bits = 24")],
    );
    let o = panther(&[
        "sim",
        "--config",
        &c,
        "--ops",
        &repo("examples/ops/opa-4x4.json"),
    ]);
    fails_with(&o, &[&format!("{c}: `adc.bits`")]);
    assert!(!stderr(&o).contains("opa-4x4.json"), "{}", stderr(&o));
}

#[test]
fn runaway_benchmark_settings_are_refused() {
    for (args, needle) in [
        (
            vec!["bench", "arch", "--seconds", "inf"],
            "at most 3600 seconds",
        ),
        (vec!["bench", "arch", "--seconds", "0"], "above 0"),
        (vec!["bench", "arch", "--seconds", "NaN"], "above 0"),
        (
            vec!["bench", "mcu", "--min-ms", "18446744073709551615"],
            "1..=600000",
        ),
        (
            vec!["bench", "mcu", "--only", "bogus"],
            "possible values: mvm, mtvm, opa, crs",
        ),
        (
            vec!["bench", "mcu", "--device", "bogus"],
            "unknown preset `bogus`",
        ),
        (
            vec!["demo", "mcu", "--eta", "0.3"],
            "must be a power of two",
        ),
        (
            vec!["demo", "mcu", "--eta", "NaN"],
            "must be a power of two",
        ),
        (
            vec!["demo", "mcu", "--eta", "inf"],
            "must be a power of two",
        ),
        (vec!["sim", "--cases", "0"], "from 1 to 100000"),
    ] {
        let o = panther(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(needle), "{args:?}: {e}");
    }
}

#[test]
fn every_op_and_document_has_named_known_fields_only() {
    let scratch = Scratch::new();
    let golden = |text: &str| {
        let p = scratch.file("doc.json");
        std::fs::write(&p, text).unwrap();
        panther(&["golden", "--ops", p.to_str().unwrap()])
    };
    for op in [
        "mvm",
        "mtvm",
        "opa",
        "crs",
        "read_weights",
        "read_slices",
        "write_weights",
    ] {
        let o = golden(&format!(
            r#"{{"preset": "small", "ops": [{{"op": "{op}", "extra": 1}}]}}"#
        ));
        fails_with(&o, &["unknown field `extra`"]);
    }
    let o = golden(r#"["small", null, 5, null, null, [["crs"]]]"#);
    fails_with(&o, &["the document: expected a table of named fields"]);
    let o = golden(r#"{"preset": "small", "ops": [["crs"]]}"#);
    fails_with(&o, &["field `ops[0]`: expected a table of named fields"]);
    // A config, a model and a bundle manifest with a table written as an array.
    let cfg = scratch.file("c.toml");
    let o = panther(&["config", "show", "--config", "small"]);
    let text = String::from_utf8(o.stdout)
        .unwrap()
        .replace("[array]\nrows = 16\ncols = 16\n", "")
        .replace("variant = \"V1\"\n", "variant = \"V1\"\narray = [16, 16]\n");
    std::fs::write(&cfg, text).unwrap();
    let o = panther(&["config", "check", cfg.to_str().unwrap()]);
    fails_with(&o, &["field `array`: expected a table of named fields"]);
    let model = scratch.file("m.toml");
    let text = std::fs::read_to_string(repo("examples/models/iris-mlp.toml")).unwrap();
    assert!(text.contains("input = { size = 4 }"));
    std::fs::write(&model, text.replace("input = { size = 4 }", "input = [4]")).unwrap();
    let o = panther(&[
        "train",
        "--model",
        model.to_str().unwrap(),
        "--data",
        "iris",
    ]);
    fails_with(&o, &["field `input`: expected a table of named fields"]);
    let bundle = scratch.file("b");
    copy_dir(&repo("examples/bundles/producer-consumer"), &bundle);
    let m = bundle.join("bundle.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        text.replace("[arch]\ncores_per_tile = 2\n", "")
            .replace(
                "config = \"small\"",
                "config = \"small\"\ntiles = [[0, \"tile0.s\"]]",
            )
            .split("[[tiles]]")
            .next()
            .unwrap(),
    )
    .unwrap();
    let o = panther(&["run", bundle.to_str().unwrap()]);
    fails_with(&o, &["field `tiles[0]`: expected a table of named fields"]);
}

#[test]
fn a_checkpoint_with_an_unknown_or_positional_field_is_damaged() {
    let scratch = Scratch::new();
    let cp = scratch.file("cp");
    let base = format!(
        "train --model {} --data iris --config small --epochs 1 --checkpoint {}",
        repo("examples/models/iris-mlp.toml"),
        cp.display()
    );
    let o = panther_line(&base);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = cp.join("checkpoint.json");
    let good: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let resume = format!("{base} --resume");
    let mut extra = good.clone();
    extra["progress"]["extra"] = serde_json::json!(1);
    std::fs::write(&file, extra.to_string()).unwrap();
    fails_with(
        &panther_line(&resume),
        &["damaged checkpoint: field `progress.extra`: unknown field"],
    );
    let mut positional = good.clone();
    // Field by field in declaration order: serde alone would read it.
    let d = &good["data"];
    positional["data"] = serde_json::json!([
        d["name"],
        d["train_samples"],
        d["test_samples"],
        d["digest"]
    ]);
    std::fs::write(&file, positional.to_string()).unwrap();
    fails_with(
        &panther_line(&resume),
        &["damaged checkpoint: field `data`: expected a table of named fields"],
    );
}

#[test]
fn values_out_of_range_and_missing_tiles_are_errors_not_silent() {
    let scratch = Scratch::new();
    let bundle = scratch.file("b");
    copy_dir(&repo("examples/bundles/producer-consumer"), &bundle);
    let m = bundle.join("bundle.toml");
    let good = std::fs::read_to_string(&m).unwrap();
    // Real values that do not fit the word format.
    std::fs::write(
        &m,
        good.replace("values = [0.0, 0.125,", "values = [1e10, 0.125,"),
    )
    .unwrap();
    let o = panther(&["run", bundle.to_str().unwrap()]);
    fails_with(&o, &["values[0] = 10000000000 is outside the 16-bit word"]);
    // A send to a tile that does not exist.
    std::fs::write(&m, &good).unwrap();
    let tile0 = bundle.join("tile0.s");
    let src = std::fs::read_to_string(&tile0).unwrap();
    std::fs::write(&tile0, src.replacen("send 0, 1,", "send 0, 7,", 1)).unwrap();
    let o = panther(&["run", bundle.to_str().unwrap()]);
    fails_with(&o, &["sends to tile 7, but the bundle has 2 tiles"]);
    std::fs::write(&tile0, &src).unwrap();
    // A manifest config that does not exist is blamed on the manifest.
    std::fs::write(&m, good.replace("config = \"small\"", "config = \"nope\"")).unwrap();
    let o = panther(&["run", bundle.to_str().unwrap()]);
    fails_with(
        &o,
        &["bundle.toml: config = \"nope\": no such file, and not a preset"],
    );
    assert!(!stderr(&o).contains("--config"));
    // Weight files say their format: reals in `file` (raw words) are an error.
    let mlp = scratch.file("mlp");
    copy_dir(&repo("examples/bundles/mlp-train-step"), &mlp);
    std::fs::write(mlp.join("w1.json"), "[0.5, 1e30]").unwrap();
    let o = panther(&["run", mlp.to_str().unwrap()]);
    fails_with(&o, &["expected a JSON array of integers", "values_file"]);
    assert!(!stderr(&o).contains("9223372036854775807"));
    // Energy constants that would make the totals infinite.
    let cfg = config_with(
        &scratch,
        "small",
        "huge.toml",
        &[("adc_conversion_pj", "adc_conversion_pj = 1e308")],
    );
    let o = panther(&["config", "check", &cfg]);
    fails_with(&o, &["energy.adc_conversion_pj"]);
}

#[test]
fn sim_refuses_what_it_would_ignore() {
    let ops = repo("examples/ops/opa-4x4.json");
    for (args, needle) in [
        (
            vec!["sim", "--top", "opa_unit", "--config", "small"],
            "apply to the mcu",
        ),
        (
            vec!["sim", "--top", "opa_unit", "--device", "ideal"],
            "apply to the mcu",
        ),
        (
            vec![
                "sim",
                "--vcd",
                "/dev/null",
                "--vcd-from",
                "100",
                "--vcd-to",
                "10",
            ],
            "the window would be empty",
        ),
        (
            vec!["sim", "--ops", &ops, "--cases", "3"],
            "cannot be used with",
        ),
        (vec!["sim", "--vcd-from", "3"], "--vcd"),
    ] {
        let o = panther(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(needle), "{args:?}: {e}");
    }
}

#[test]
fn a_preset_name_is_the_preset_even_next_to_a_folder_of_that_name() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.file("panther")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_panther"))
        .args(["config", "show", "--config", "panther"])
        .current_dir(scratch.0.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("name = \"panther\""));
}
