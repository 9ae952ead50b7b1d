//! The kept fuzz inputs on stable: every file of `fuzz/regressions/<target>/` (crashes and
//! timeouts the fuzzer found) and `fuzz/seeds/<target>/` goes through the target's body
//! (`fuzz/src/lib.rs`, the same code the cargo-fuzz targets run) and must not panic.
//! docs/fuzzing.md describes the targets and where inputs are kept.

#[path = "../../fuzz/src/lib.rs"]
mod bodies;

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of a folder, by name; dot files (`.gitkeep`) are not inputs.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_file())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
}

thread_local! {
    /// Set while a kept input runs: its panic is recorded here, not printed.
    static REPLAYING: Cell<bool> = const { Cell::new(false) };
    /// Where and why the last such panic happened (the payload that `catch_unwind` returns
    /// has no location).
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// One panic hook for the test binary (tests run on several threads): it records the panics
/// of kept inputs and leaves every other panic to the default hook.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if REPLAYING.get() {
                // The project's frames, nearest first, for a panic inside std (an overflow
                // in `Iterator::product`, say).
                let trace = std::backtrace::Backtrace::force_capture().to_string();
                let frames: Vec<&str> = trace
                    .lines()
                    .map(str::trim)
                    .filter_map(|l| l.strip_prefix("at "))
                    .filter(|l| l.contains("/sim/src/"))
                    .collect();
                let ours = if frames.is_empty() {
                    String::new()
                } else {
                    format!(" (in {})", frames.join(" <- "))
                };
                LAST_PANIC.set(format!("{info}{ours}"));
            } else {
                default_hook(info);
            }
        }));
    });
}

/// Every kept input of `target` through its body; the failing files with their panics.
fn replay(target: &str) {
    let body = bodies::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no fuzz target `{target}` in fuzz/src/lib.rs"))
        .1;
    let regressions = fuzz_dir().join("regressions").join(target);
    assert!(
        regressions.is_dir(),
        "fuzz/regressions/{target}/ is missing: every target keeps the folder (a .gitkeep when it is empty)"
    );
    let mut files = inputs(&regressions);
    let seeds = fuzz_dir().join("seeds").join(target);
    if seeds.is_dir() {
        files.extend(inputs(&seeds));
    }
    install_hook();
    let mut failures = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        REPLAYING.set(true);
        let result = panic::catch_unwind(AssertUnwindSafe(|| body(&bytes)));
        REPLAYING.set(false);
        if result.is_err() {
            let rel = file.strip_prefix(fuzz_dir()).unwrap_or(file);
            failures.push(format!("fuzz/{}: {}", rel.display(), LAST_PANIC.take()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} kept `{target}` inputs panic:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn fuzz_replay_config() {
    replay("config");
}

#[test]
fn fuzz_replay_opfile() {
    replay("opfile");
}

#[test]
fn fuzz_replay_asm() {
    replay("asm");
}

#[test]
fn fuzz_replay_disasm() {
    replay("disasm");
}

#[test]
fn fuzz_replay_bundle() {
    replay("bundle");
}

#[test]
fn fuzz_replay_model() {
    replay("model");
}

#[test]
fn fuzz_replay_data() {
    replay("data");
}

#[test]
fn fuzz_replay_checkpoint() {
    replay("checkpoint");
}

/// The targets of `fuzz/src/lib.rs`, the cargo-fuzz binaries of `fuzz/fuzz_targets/`, the
/// folders of `fuzz/regressions/` and the replay tests above are the same list.
#[test]
fn fuzz_targets_regression_folders_and_replay_tests_agree() {
    let names = |dir: &str, strip: &str| {
        let mut v: Vec<String> = std::fs::read_dir(fuzz_dir().join(dir))
            .unwrap_or_else(|e| panic!("fuzz/{dir}: {e}"))
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| !n.starts_with('.'))
            .map(|n| n.trim_end_matches(strip).to_string())
            .collect();
        v.sort();
        v
    };
    let mut targets: Vec<String> = bodies::TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    targets.sort();
    assert_eq!(names("fuzz_targets", ".rs"), targets, "fuzz/fuzz_targets/");
    assert_eq!(names("regressions", ""), targets, "fuzz/regressions/");
    let this =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_replay.rs"))
            .expect("this file");
    for t in &targets {
        assert!(
            this.contains(&format!("fn fuzz_replay_{t}() {{\n    replay(\"{t}\");")),
            "no replay test for the fuzz target `{t}`"
        );
    }
}
