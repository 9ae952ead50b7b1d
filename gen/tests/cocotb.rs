//! The cocotb example (examples/cocotb) runs an op file on the exported MCU under Icarus
//! and every result equals `panther golden`'s. cocotb must be installed in
//! target/cocotb-venv (`make setup`); the test fails, never skips, without it.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_cocotb_example_matches_golden_under_icarus() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let venv = repo.join("target/cocotb-venv/bin");
    assert!(
        venv.join("cocotb-config").is_file(),
        "cocotb is not installed in {}: run `make setup` (or bash .ci/install-cocotb.sh)",
        venv.display()
    );
    let build = tempfile::Builder::new()
        .prefix("panther-cocotb-")
        .tempdir()
        .unwrap();
    let path = format!(
        "{}:{}",
        venv.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("make")
        .current_dir(repo.join("examples/cocotb"))
        .env("PATH", path)
        .arg(format!("PANTHER={}", env!("CARGO_BIN_EXE_panther")))
        .arg(format!(
            "OPS={}",
            repo.join("examples/ops/opa-4x4.json").display()
        ))
        .arg(format!(
            "CONFIG={}",
            repo.join("examples/configs/tiny-4x4.toml").display()
        ))
        .arg(format!("BUILD={}", build.path().display()))
        .output()
        .expect("run make");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    for needle in [
        "op 0 (opa): equal to golden",
        "op 2 (mvm): equal to golden",
        "PASS=1 FAIL=0",
    ] {
        assert!(text.contains(needle), "`{needle}` missing:\n{text}");
    }
}
