//! Helpers of the command-line tests: run `panther` as users run it, scratch folders that
//! are removed when a test ends (passing or failing), failure checks.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn panther(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_panther"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run panther")
}

/// `panther` with a command line split at spaces (paths here have none).
pub fn panther_line(line: &str) -> Output {
    panther(&line.split_whitespace().collect::<Vec<_>>())
}

pub fn repo(p: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(p)
        .display()
        .to_string()
}

/// A test's scratch folder, removed when the test ends, failed or not.
pub struct Scratch(pub tempfile::TempDir);

impl Scratch {
    pub fn new() -> Scratch {
        Scratch(
            tempfile::Builder::new()
                .prefix("panther-cli-")
                .tempdir()
                .unwrap(),
        )
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A failure: exit code 2, a message containing every `needle`, never a panic.
pub fn fails_with(o: &Output, needles: &[&str]) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {e}");
    assert!(!e.contains("panicked"), "{e}");
    for n in needles {
        assert!(e.contains(n), "missing {n:?} in: {e}");
        assert_eq!(e.matches(n).count(), 1, "repeated {n:?} in: {e}");
    }
}
