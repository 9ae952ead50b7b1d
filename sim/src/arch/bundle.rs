//! Program bundles (docs/bundle.md): a folder with `bundle.toml` naming, per tile, the
//! tile program and the initial shared memory, and per core the program, the initial
//! data memory and the MCU weight images. Programs are assembly (`.s`) or binaries (`.bin`).

use super::params::ArchConfig;
use crate::isa::form::Unit;
use crate::isa::{self, Instr};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Preset name or config file (relative to the bundle) used when the caller gives none.
    #[serde(default)]
    pub config: Option<String>,
    #[serde(default)]
    pub arch: Option<toml::Table>,
    #[serde(default)]
    pub tiles: Vec<TileSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TileSpec {
    pub id: usize,
    /// Tile program; none means a tile that only halts.
    #[serde(default)]
    pub program: Option<String>,
    #[serde(default)]
    pub edram: Vec<MemInit>,
    #[serde(default)]
    pub cores: Vec<CoreSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreSpec {
    pub id: usize,
    pub program: String,
    #[serde(default)]
    pub dmem: Vec<MemInit>,
    #[serde(default)]
    pub weights: Vec<WeightInit>,
}

/// Initial words: raw 16-bit words, or real values converted to the weight format
/// (round to nearest, saturate).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemInit {
    pub addr: usize,
    #[serde(default)]
    pub words: Option<Vec<i64>>,
    #[serde(default)]
    pub values: Option<Vec<f64>>,
    /// Shared memory only: reads before the words become invalid; 0 = persistent.
    #[serde(default)]
    pub count: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightInit {
    pub mcu: usize,
    /// Row-major rows x cols raw words, or real values, inline or in a JSON file (an array
    /// of integers for `file`, of numbers for `values_file`): the key says which, never the
    /// numbers.
    #[serde(default)]
    pub words: Option<Vec<i64>>,
    #[serde(default)]
    pub values: Option<Vec<f64>>,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub values_file: Option<String>,
}

/// A loaded bundle: assembled programs and resolved data.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub dir: PathBuf,
    /// `dir/bundle.toml`, or the manifest file given.
    pub manifest_path: PathBuf,
    pub manifest: Manifest,
    pub arch: ArchConfig,
    pub tiles: Vec<LoadedTile>,
}

#[derive(Debug, Clone)]
pub struct LoadedTile {
    pub id: usize,
    pub program: Vec<Instr>,
    pub edram: Vec<MemInit>,
    pub cores: Vec<LoadedCore>,
}

#[derive(Debug, Clone)]
pub struct LoadedCore {
    pub id: usize,
    pub program: Vec<Instr>,
    pub dmem: Vec<MemInit>,
    pub weights: Vec<WeightInit>,
}

/// Values of an init block as 16-bit words; `frac` converts real values.
pub fn init_words(
    words: &Option<Vec<i64>>,
    values: &Option<Vec<f64>>,
    frac: u32,
    what: &str,
) -> Result<Vec<i64>, String> {
    match (words, values) {
        (Some(w), None) => {
            if let Some((k, v)) = w
                .iter()
                .enumerate()
                .find(|(_, v)| !(-32768..=65535).contains(*v))
            {
                return Err(format!(
                    "{what}: words[{k}] = {v} does not fit a 16-bit word; allowed -32768..=65535"
                ));
            }
            Ok(w.iter().map(|&v| v as u16 as i16 as i64).collect())
        }
        (None, Some(v)) => {
            if let Some((k, x)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                return Err(format!("{what}: values[{k}] = {x} is not a finite number"));
            }
            // Out of range is an error, not a silent saturation.
            let scale = (1u64 << frac) as f64;
            if let Some((k, x)) = v
                .iter()
                .enumerate()
                .find(|(_, x)| !(-32768.0..=32767.0).contains(&(*x * scale).round()))
            {
                return Err(format!(
                    "{what}: values[{k}] = {x} is outside the 16-bit word with {frac} fraction bits ({} ..= {})",
                    -32768.0 / scale,
                    32767.0 / scale
                ));
            }
            Ok(v.iter()
                .map(|&x| crate::fixed::from_f64(x, frac, 16))
                .collect())
        }
        _ => Err(format!(
            "{what}: give exactly one of `words` (raw 16-bit words) or `values` (real numbers)"
        )),
    }
}

impl Bundle {
    /// Load `PATH/bundle.toml` (or the manifest file itself) and assemble every program.
    /// Load with the default machine constants under the manifest's `[arch]` overrides.
    pub fn load(path: &Path) -> Result<Bundle, String> {
        Bundle::load_with(path, &ArchConfig::default())
    }

    /// Load with `base` (normally the config's `[arch]`) under the manifest's overrides.
    pub fn load_with(path: &Path, base: &ArchConfig) -> Result<Bundle, String> {
        let manifest_path = if path.is_dir() {
            path.join("bundle.toml")
        } else {
            path.to_path_buf()
        };
        let dir = manifest_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let text = crate::files::read_text(&manifest_path, crate::files::InputLimit::Document)
            .map_err(|e| format!("{}: cannot read bundle manifest: {}", e.path, e.problem))?;
        let origin = manifest_path.display().to_string();
        let manifest: Manifest =
            toml::from_str(&text).map_err(|e| match crate::config::toml_error_line(&text, &e) {
                Some(l) => format!("{origin}:{l}: {}", e.message().trim()),
                None => format!("{origin}: {}", e.message().trim()),
            })?;
        crate::files::toml_named_fields_only(&text, &manifest)
            .map_err(|e| format!("{origin}: {e}"))?;
        let arch = match &manifest.arch {
            Some(t) => base.with_overrides(t, &format!("{origin} [arch]"))?,
            None => base.clone(),
        };
        let mut tiles = Vec::new();
        for (k, t) in manifest.tiles.iter().enumerate() {
            if t.id != k {
                return Err(format!(
                    "{origin}: tiles must be listed in id order 0, 1, ...; entry {k} has id {}",
                    t.id
                ));
            }
            let program = match &t.program {
                Some(p) => load_program(&dir.join(p), ProgramKind::Tile, arch.tile_imem_entries)?,
                None => vec![Instr::Halt],
            };
            let mut cores = Vec::new();
            for c in &t.cores {
                if c.id >= arch.cores_per_tile {
                    return Err(format!(
                        "{origin}: tile {k} core {}: core ids must be below arch.cores_per_tile ({})",
                        c.id, arch.cores_per_tile
                    ));
                }
                if cores.iter().any(|x: &LoadedCore| x.id == c.id) {
                    return Err(format!("{origin}: tile {k} lists core {} twice", c.id));
                }
                cores.push(LoadedCore {
                    id: c.id,
                    program: load_program(
                        &dir.join(&c.program),
                        ProgramKind::Core,
                        arch.core_imem_entries,
                    )?,
                    dmem: c.dmem.clone(),
                    weights: c.weights.clone(),
                });
            }
            tiles.push(LoadedTile {
                id: k,
                program,
                edram: t.edram.clone(),
                cores,
            });
        }
        if tiles.is_empty() {
            return Err(format!(
                "{origin}: a bundle needs at least one [[tiles]] entry"
            ));
        }
        Ok(Bundle {
            dir,
            manifest_path,
            manifest,
            arch,
            tiles,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ProgramKind {
    Core,
    Tile,
}

/// Assemble (`.s`) or decode (`.bin`) a program and check that it fits and only uses
/// instructions of its kind.
pub fn load_program(path: &Path, kind: ProgramKind, capacity: usize) -> Result<Vec<Instr>, String> {
    let name = path.display().to_string();
    let (instrs, lines): (Vec<Instr>, Vec<usize>) = if path.extension().is_some_and(|e| e == "bin")
    {
        let bytes = crate::files::read_bytes(path, crate::files::InputLimit::Program)
            .map_err(|e| format!("{name}: cannot read program: {}", e.problem))?;
        let words = isa::encoding::from_bytes(&bytes).map_err(|e| format!("{name}: {e}"))?;
        let mut v = Vec::new();
        for (k, w) in words.iter().enumerate() {
            v.push(isa::decode(*w).map_err(|e| format!("{name}: word {k}: {e}"))?);
        }
        let n = v.len();
        (v, vec![0; n])
    } else {
        let text = crate::files::read_text(path, crate::files::InputLimit::Program)
            .map_err(|e| format!("{name}: cannot read program: {}", e.problem))?;
        let p = isa::assemble(&text, &name).map_err(|e| e.to_string())?;
        (p.instrs, p.lines)
    };
    for (k, ins) in instrs.iter().enumerate() {
        let wrong = match kind {
            ProgramKind::Core => ins.is_tile().then(|| {
                format!(
                    "a tile instruction; core programs may not use {} (use hlt)",
                    Unit::Tile.mnemonics()
                )
            }),
            ProgramKind::Tile => (!ins.is_tile()).then(|| {
                format!(
                    "a core instruction; tile programs may use {}",
                    Unit::Tile.mnemonics()
                )
            }),
        };
        if let Some(why) = wrong {
            let at = if lines[k] > 0 {
                format!("{name}:{}", lines[k])
            } else {
                format!("{name}: word {k}")
            };
            return Err(format!("{at}: `{}` is {why}", ins.mnemonic()));
        }
    }
    if instrs.len() > capacity {
        return Err(format!(
            "{name}: {} instructions do not fit the {capacity}-entry instruction memory",
            instrs.len()
        ));
    }
    Ok(instrs)
}
