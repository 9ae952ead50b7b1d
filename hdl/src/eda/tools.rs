//! The external tools (Verilator, yosys, iverilog, OpenSTA, make): found on PATH or failing
//! with how to install them, never skipped.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Verilator,
    Yosys,
    Iverilog,
    /// Icarus's simulator (runs what iverilog compiled).
    Vvp,
    /// OpenSTA (static timing of the exported SDC).
    Sta,
    /// Builds Verilator's generated makefiles.
    Make,
}

impl Tool {
    pub const ALL: [Tool; 6] = [
        Tool::Verilator,
        Tool::Yosys,
        Tool::Iverilog,
        Tool::Vvp,
        Tool::Sta,
        Tool::Make,
    ];

    pub fn command(self) -> &'static str {
        match self {
            Tool::Verilator => "verilator",
            Tool::Yosys => "yosys",
            Tool::Iverilog => "iverilog",
            Tool::Vvp => "vvp",
            Tool::Sta => "sta",
            Tool::Make => "make",
        }
    }

    fn version_flag(self) -> &'static str {
        match self {
            Tool::Verilator => "--version",
            Tool::Yosys => "-V",
            Tool::Iverilog => "-V",
            Tool::Vvp => "-V",
            Tool::Sta => "-version",
            Tool::Make => "--version",
        }
    }

    fn package(self) -> &'static str {
        match self {
            Tool::Sta => "opensta",
            Tool::Vvp => "iverilog",
            t => t.command(),
        }
    }

    /// What to do when the tool is missing.
    pub fn install_hint(self) -> String {
        format!(
            "`{}` not found on PATH: run `make setup` (Debian/Ubuntu as root: apt-get install -y {})",
            self.command(),
            self.package()
        )
    }

    /// The first line of the tool's version output, or None when it is not installed
    /// (asked once per process: model builds key their cache on it).
    pub fn version(self) -> Option<String> {
        static SEEN: OnceLock<Mutex<HashMap<&'static str, Option<String>>>> = OnceLock::new();
        let mut seen = SEEN
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        seen.entry(self.command())
            .or_insert_with(|| self.ask_version())
            .clone()
    }

    fn ask_version(self) -> Option<String> {
        let out = Command::new(self.command())
            .arg(self.version_flag())
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        text.lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string())
    }

    /// Run the tool in `dir`; its output, or an error with the command line and output.
    pub fn run(self, dir: &Path, args: &[&str]) -> Result<String, String> {
        let out = Command::new(self.command())
            .current_dir(dir)
            .args(args)
            .output()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => self.install_hint(),
                _ => format!("cannot run {}: {e}", self.command()),
            })?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            Ok(text)
        } else {
            Err(format!(
                "`{} {}` failed in {}:\n{text}",
                self.command(),
                args.join(" "),
                dir.display()
            ))
        }
    }
}

/// Name -> version line of every tool (None: not installed).
pub fn versions() -> std::collections::BTreeMap<&'static str, Option<String>> {
    Tool::ALL
        .iter()
        .map(|t| (t.command(), t.version()))
        .collect()
}
