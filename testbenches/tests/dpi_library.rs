//! The device model for other flows: the exported MCU built by Verilator from nothing but
//! the exported files (DPI-C shell), its recorded testbench and the crossbar's shared
//! library (`hdl/dpi`) with its config, on a seeded non-ideal device, matches the golden
//! model's run; the same files with another device seed in the library's config do not.

use panther_hdl::eda::gates::verilator_tb_dpi;
use panther_hdl::export::dpi_library::{write_dpi_library, CONFIG, LIBRARY};
use panther_hdl::export::CrossbarView;
use panther_sim::config::Variant;
use panther_testbenches::sv_testbench::for_mcu;
use panther_testbenches::{random_op_file, small_config};
use std::path::PathBuf;
use std::process::Command;

/// Build the library with cargo (the test profile, whose dependencies are built) and
/// return its path.
fn build_library() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "build",
            "--profile",
            "test",
            "-p",
            "panther-dpi",
            "--message-format=json",
        ])
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .flat_map(|m| {
            m["filenames"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| f.as_str().map(PathBuf::from))
        })
        .find(|f| f.file_name().is_some_and(|n| n == LIBRARY))
        .expect("cargo built libpanther_crossbar.so")
}

#[test]
fn the_export_with_the_crossbar_library_runs_a_seeded_non_ideal_device() {
    let library = build_library();
    let mut cfg = small_config(4, Variant::V2, 2, false);
    cfg.seed = 17;
    assert!(!cfg.device.is_ideal());
    let file = random_op_file(&cfg, 4, 5);
    let title = "random ops on a non-ideal device";
    let tb = for_mcu(&cfg, &file, title, None, CrossbarView::Dpi).unwrap();
    let dir = tempfile::Builder::new()
        .prefix("panther-dpi-")
        .tempdir()
        .unwrap();
    for (name, text) in tb.top.sources().into_iter().chain(tb.files()) {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    write_dpi_library(dir.path(), &cfg, &library).unwrap();
    let line = verilator_tb_dpi(dir.path(), &tb.top, LIBRARY).unwrap();
    assert!(line.contains(&format!("{} states", tb.states)), "{line}");
    // Another device seed: other device maps and noise, other results.
    let mut other = cfg.clone();
    other.seed = 18;
    std::fs::write(dir.path().join(CONFIG), other.to_toml()).unwrap();
    let e = verilator_tb_dpi(dir.path(), &tb.top, LIBRARY).unwrap_err();
    assert!(e.contains("FAIL mcu_tb:"), "{e}");
}
