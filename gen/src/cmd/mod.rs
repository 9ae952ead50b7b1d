//! One file per subcommand; each exposes `XxxArgs` and `run(&XxxArgs)`.

pub mod asm;
pub mod bench_arch;
pub mod run;

use anyhow::Context;
use panther_sim::{Config, Preset};
use std::path::Path;

/// A preset name or a TOML file.
pub fn load_config(spec: &str) -> anyhow::Result<Config> {
    if let Ok(p) = Preset::from_name(spec) {
        return Ok(p.config());
    }
    let path = Path::new(spec);
    if !path.exists() {
        anyhow::bail!("config `{spec}` is neither a preset (panther, puma-8b-adc, small) nor an existing file");
    }
    Config::load(path).map_err(anyhow::Error::from).context("loading the config")
}

/// Print a line; a closed pipe (`| head`) ends quietly instead of panicking.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}
