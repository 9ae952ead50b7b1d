//! Shared pieces of the command line: config selection, atomic output, tables.

use anyhow::{bail, Result};
use panther_sim::config::{Config, Preset};
use panther_sim::files::Output;
use panther_testbenches::tops::{self, Top};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// `--config` takes a TOML file or a preset name; `--device` replaces its `[device]` table
/// by a named device preset.
#[derive(clap::Args, Debug, Clone)]
pub struct ConfigArg {
    /// A preset name (panther, puma-8b-adc, small) or a TOML config file; a preset name is
    /// always the preset (write ./NAME for a file of that name).
    #[arg(long, short = 'c', value_name = "FILE|PRESET")]
    pub config: Option<String>,
    /// A device preset replacing the config's [device] table (ideal, all-effects, reram,
    /// reram-update; docs/device.md).
    #[arg(long, value_name = "PRESET")]
    pub device: Option<panther_sim::config::DevicePreset>,
}

impl ConfigArg {
    /// A top other than the MCU runs its own design points: `--config`/`--device` would be
    /// ignored, so they are an error.
    pub fn refuse_for(&self, top: &str) -> Result<()> {
        if self.config.is_some() || self.device.is_some() {
            bail!("--config and --device apply to the mcu; the testbench of `{top}` chooses its own design points");
        }
        Ok(())
    }

    /// The chosen config and its origin, `preset` when neither `--config` nor `--device` was
    /// given.
    pub fn load_or(&self, preset: Preset) -> Result<(Config, String)> {
        Ok(match self.load_opt()? {
            Some(c) => (c, self.origin().unwrap_or_default()),
            None => (preset.config(), format!("preset {}", preset.name())),
        })
    }

    /// The chosen config, or None when neither `--config` nor `--device` was given.
    pub fn load_opt(&self) -> Result<Option<Config>> {
        if self.config.is_none() && self.device.is_none() {
            return Ok(None);
        }
        self.load().map(Some)
    }

    /// Where the chosen config comes from, for messages (None without `--config`/`--device`).
    pub fn origin(&self) -> Option<String> {
        let base = match &self.config {
            Some(c) => ConfigSpec::of(c).origin(),
            None if self.device.is_some() => "preset panther".into(),
            None => return None,
        };
        Some(match self.device {
            Some(d) => format!("{base} with --device {}", d.name()),
            None => base,
        })
    }

    /// The chosen config, `panther` by default.
    pub fn load(&self) -> Result<Config> {
        let mut cfg = match &self.config {
            Some(c) => load_config(c)?,
            None => Preset::Panther.config(),
        };
        if let Some(d) = self.device {
            cfg.device = d.config();
        }
        Ok(cfg)
    }
}

/// What `--config` names. A preset name (`panther`, `small`, ...) is the preset even when a
/// file or folder of that name is in the working folder (write `./panther` for the file);
/// anything else is a path.
pub enum ConfigSpec {
    Preset(Preset),
    File(PathBuf),
}

impl ConfigSpec {
    pub fn of(spec: &str) -> ConfigSpec {
        match Preset::from_name(spec) {
            Ok(p) => ConfigSpec::Preset(p),
            Err(_) => ConfigSpec::File(PathBuf::from(spec)),
        }
    }

    /// For messages: the file, or `preset NAME`.
    pub fn origin(&self) -> String {
        match self {
            ConfigSpec::Preset(p) => format!("preset {}", p.name()),
            ConfigSpec::File(f) => f.display().to_string(),
        }
    }
}

pub fn load_config(spec: &str) -> Result<Config> {
    load_config_named(spec, &format!("--config {spec}"))
}

/// [`load_config`] for a config named by `what` (the flag or manifest field as written).
pub fn load_config_named(spec: &str, what: &str) -> Result<Config> {
    match ConfigSpec::of(spec) {
        ConfigSpec::Preset(p) => Ok(p.config()),
        ConfigSpec::File(f) if f.exists() => Ok(Config::load(&f)?),
        ConfigSpec::File(_) => bail!(
            "{what}: no such file, and not a preset (allowed presets: {})",
            Preset::names()
        ),
    }
}

/// Print a line; a closed pipe (`| head`) ends quietly instead of panicking.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Write `text` to `path` (see [`panther_sim::files::Output`]), or to stdout for None.
pub fn emit(path: Option<&PathBuf>, text: &str) -> Result<()> {
    match path {
        None => print_stdout(text.trim_end_matches('\n')),
        Some(p) => write_file(p, text.as_bytes()),
    }
}

/// Write `bytes` to `path` whole: a regular file through a temporary file and a rename, a
/// device, FIFO or `-` in place.
pub fn write_file(p: &Path, bytes: &[u8]) -> Result<()> {
    panther_sim::files::write_file(p, bytes).map_err(anyhow::Error::msg)
}

/// `FLAG -` streams to stdout, where the JSON report goes too unless `-o` names a file.
pub fn stdout_once(flag: &str, stream: Option<&PathBuf>, report: Option<&PathBuf>) -> Result<()> {
    let is_stdout = |p: Option<&PathBuf>| p.is_none_or(|p| p.as_os_str() == "-");
    if stream.is_some_and(|p| p.as_os_str() == "-") && is_stdout(report) {
        bail!("{flag} - and the JSON report would both go to stdout: give -o FILE for the report, or a file (or FIFO) for {flag}");
    }
    Ok(())
}

/// Open an output now (an unwritable path fails before any work); see
/// [`panther_sim::files::Output`].
pub fn create_output(p: &Path) -> Result<Output> {
    Output::create(p).map_err(anyhow::Error::msg)
}

/// Give an output its final name.
pub fn commit(out: Output) -> Result<()> {
    out.commit().map_err(anyhow::Error::msg)
}

/// Flush a buffered output and give it its final name (the output's own errors name its
/// path).
pub fn commit_buffered(out: std::io::BufWriter<Output>) -> Result<()> {
    let out = out
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
    commit(out)
}

/// An output handed to a writer that owns a `Box<dyn Write>` (rust_hdl's VCD): the writer
/// holds a handle, and the command commits the output once the writer is gone.
#[derive(Clone)]
pub struct SharedOutput(Rc<RefCell<std::io::BufWriter<Output>>>);

impl SharedOutput {
    pub fn new(out: Output) -> SharedOutput {
        SharedOutput(Rc::new(RefCell::new(std::io::BufWriter::new(out))))
    }

    pub fn is_regular_file(&self) -> bool {
        self.0.borrow().get_ref().is_regular_file()
    }

    pub fn target(&self) -> PathBuf {
        self.0.borrow().get_ref().target().to_path_buf()
    }

    /// A handle for the writer.
    pub fn sink(&self) -> Box<dyn Write> {
        Box::new(self.clone())
    }

    /// Give the output its final name; every handle must have been dropped.
    pub fn commit(self) -> Result<()> {
        let cell = Rc::try_unwrap(self.0)
            .map_err(|_| anyhow::anyhow!("internal: an output is still open while committed"))?;
        commit_buffered(cell.into_inner())
    }
}

impl Write for SharedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

/// A plain text table: numeric columns right-aligned, text columns left-aligned.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (k, c) in r.iter().enumerate().take(n) {
            w[k] = w[k].max(c.len());
        }
    }
    // "-" and "" are the placeholders of a numeric column without a value.
    let numeric = |s: &str| {
        s == "-"
            || s.is_empty()
            || s.trim_start_matches(['-', '+'])
                .starts_with(|c: char| c.is_ascii_digit())
    };
    let right: Vec<bool> = (0..n)
        .map(|k| k > 0 && rows.iter().all(|r| r.get(k).is_none_or(|c| numeric(c))))
        .collect();
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .enumerate()
            .map(|(k, c)| {
                if right[k] {
                    format!("{c:>w$}", w = w[k])
                } else {
                    format!("{c:<w$}", w = w[k])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut s = line(header.to_vec());
    s.push('\n');
    s.push_str(
        &w.iter()
            .map(|&k| "-".repeat(k))
            .collect::<Vec<_>>()
            .join("  "),
    );
    s.push('\n');
    for r in rows {
        s.push_str(&line(r.iter().map(|c| c.as_str()).collect()));
        s.push('\n');
    }
    s
}

/// An op file (`-` reads stdin), parsed, with the config it runs under (its own, or
/// `base`) and its origin for messages.
pub fn load_op_file(
    path: &Path,
    base: Option<&Config>,
) -> Result<(panther_sim::opfile::OpFile, Config, String)> {
    let origin = path.display().to_string();
    let text = panther_sim::files::read_text(path, panther_sim::files::InputLimit::Data)
        .map_err(anyhow::Error::msg)?;
    let file = panther_sim::opfile::OpFile::parse(&text, &origin)?;
    let cfg = file.effective_config(base, &origin)?;
    Ok((file, cfg, origin))
}

/// What an MCU run takes: the ops, the config they run under, and where each came from
/// (so that a config value is blamed on the config, not on the op file).
pub struct Stimulus {
    pub file: panther_sim::opfile::OpFile,
    pub cfg: Config,
    /// The op file (or "random ops (seed S)").
    pub origin: String,
    /// The config: `--config`'s file or preset, else the op file.
    pub config_origin: String,
}

/// The MCU stimulus: the op file at `ops` (its config unless `--config` overrides), or
/// `count` random ops from `seed` on `--config` (default `small`). The ops are run on the
/// golden model first and the config is checked against the RTL's limits, so that a bad op
/// (a vector of the wrong length) or config is reported before any RTL is built.
pub fn op_stimulus(
    config: &ConfigArg,
    ops: Option<&PathBuf>,
    seed: u64,
    count: u32,
) -> Result<Stimulus> {
    let base = config.load_opt()?;
    let s = match ops {
        Some(path) => {
            let (file, cfg, origin) = load_op_file(path, base.as_ref())?;
            let config_origin = config.origin().unwrap_or_else(|| origin.clone());
            Stimulus {
                file,
                cfg,
                origin,
                config_origin,
            }
        }
        None => {
            let (cfg, config_origin) = config.load_or(Preset::Small)?;
            let file = panther_testbenches::random_op_file(&cfg, count as usize, seed);
            Stimulus {
                file,
                cfg,
                origin: format!("random ops (seed {seed})"),
                config_origin,
            }
        }
    };
    panther_hdl::params::RtlParams::from_config(&s.cfg, &s.config_origin)?;
    panther_sim::opfile::check(&s.file, &s.cfg, &s.origin)?;
    Ok(s)
}

/// JSON text, indented when `pretty`.
pub fn to_json<T: serde::Serialize>(v: &T, pretty: bool) -> Result<String> {
    Ok(if pretty {
        serde_json::to_string_pretty(v)?
    } else {
        serde_json::to_string(v)?
    })
}

/// The RTL benchmarks' operands: weights (rows x cols), x (rows) and d (cols), full-range
/// 16-bit words from a fixed seed.
pub fn bench_operands(cfg: &Config) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let mut rng = panther_sim::rng::SeqRng::new(7);
    let mut v = |n: usize| {
        (0..n)
            .map(|_| rng.range_i64(-32768, 32767))
            .collect::<Vec<_>>()
    };
    (v(rows * cols), v(rows), v(cols))
}

/// The top `--top` names (the registry, `panther tops`).
pub fn top_arg(name: &str) -> Result<&'static Top> {
    tops::find(name)
        .map_err(|e| anyhow::anyhow!("--top {name}: {e} (`panther tops` describes them)"))
}

/// The tops `--top` selects: one, or `all`.
pub fn tops_arg(name: &str) -> Result<Vec<&'static Top>> {
    if name == "all" {
        return Ok(tops::TOPS.iter().collect());
    }
    Ok(vec![top_arg(name)?])
}
