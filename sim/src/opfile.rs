//! JSON operation sequences evaluated on one MCU: the golden-vector format.
//! Schema and example: docs/golden-json.md.

use crate::config::{Config, ConfigError, Preset, Variant};
use crate::cost::{CostReport, Counters};
use crate::mcu::{CopySlices, CrsOut, LineOut, Mcu, McuError, OpaOut, WeightsOut};
use serde::{Deserialize, Serialize};

/// The input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpFile {
    /// Name of a built-in preset (ignored when `config` is given).
    #[serde(default)]
    pub preset: Option<String>,
    /// An inline configuration (same fields as the TOML file).
    #[serde(default)]
    pub config: Option<Config>,
    /// Overrides the configuration's seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Overrides the configuration's variant.
    #[serde(default)]
    pub variant: Option<Variant>,
    /// Initial weights, rows x columns, integers in the word format (default all 0).
    #[serde(default)]
    pub weights: Option<Vec<Vec<i64>>>,
    pub ops: Vec<Op>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    Mvm { x: Vec<i64> },
    Mtvm { d: Vec<i64> },
    Opa { x: Vec<i64>, d: Vec<i64> },
    // Empty braces, not unit variants: serde ignores other keys next to a unit variant's
    // tag, and `{"op": "crs", "extra": 1}` must be an error like any unknown field.
    Crs {},
    ReadWeights {},
    ReadSlices {},
    WriteWeights { weights: Vec<Vec<i64>> },
}

impl Op {
    pub fn name(&self) -> &'static str {
        match self {
            Op::Mvm { .. } => "mvm",
            Op::Mtvm { .. } => "mtvm",
            Op::Opa { .. } => "opa",
            Op::Crs {} => "crs",
            Op::ReadWeights {} => "read_weights",
            Op::ReadSlices {} => "read_slices",
            Op::WriteWeights { .. } => "write_weights",
        }
    }
}

/// One result, in the order of the ops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OpResult {
    Mvm {
        y_raw: Vec<i64>,
        y: Vec<i64>,
        adc_clips: u64,
        saturations: u64,
    },
    Mtvm {
        z_raw: Vec<i64>,
        z: Vec<i64>,
        adc_clips: u64,
        saturations: u64,
    },
    Opa {
        phases: u32,
        clip_events: Vec<u64>,
        clipped_levels: Vec<f64>,
        overflow_terms: u64,
    },
    Crs {
        saturations: u64,
    },
    ReadWeights {
        weights: Vec<Vec<i64>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        accumulator: Option<Vec<Vec<i64>>>,
    },
    ReadSlices {
        copies: Vec<CopySlicesOut>,
    },
    WriteWeights {},
}

/// Slice levels of one copy as nested arrays: `slices[k][i][j]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopySlicesOut {
    pub copy: String,
    pub slices: Vec<Vec<Vec<u32>>>,
}

/// Totals over the whole sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub counters: Counters,
    #[serde(flatten)]
    pub cost: CostReport,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunOutput {
    pub config: String,
    pub config_hash: String,
    pub variant: Variant,
    pub seed: u64,
    pub results: Vec<OpResult>,
    pub totals: Totals,
}

#[derive(Debug, thiserror::Error)]
pub enum OpFileError {
    #[error("{origin}: line {line}, column {column}: {message}")]
    Json {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{error}")]
    Config { origin: String, error: ConfigError },
    #[error("{origin}: {what}")]
    Shape { origin: String, what: String },
    /// The output could not be written (the message names it).
    #[error("{0}")]
    Write(String),
    #[error("{origin}: ops[{index}] ({op}): {error}")]
    Op {
        origin: String,
        index: usize,
        op: &'static str,
        error: McuError,
    },
}

impl OpFile {
    pub fn parse(text: &str, origin: &str) -> Result<OpFile, OpFileError> {
        let json = |e: serde_json::Error| OpFileError::Json {
            origin: origin.to_string(),
            line: e.line(),
            column: e.column(),
            message: crate::files::json_message(&e),
        };
        let file: OpFile = serde_json::from_str(text).map_err(json)?;
        crate::files::json_named_fields_only(text, &file).map_err(|what| OpFileError::Shape {
            origin: origin.to_string(),
            what,
        })?;
        Ok(file)
    }

    /// The effective configuration: `base` (from the command line) wins over the file's
    /// `config`/`preset`; then the file's seed and variant apply.
    pub fn effective_config(
        &self,
        base: Option<&Config>,
        origin: &str,
    ) -> Result<Config, OpFileError> {
        let cfg_err = |error| OpFileError::Config {
            origin: origin.to_string(),
            error,
        };
        let mut cfg = match (base, &self.config, &self.preset) {
            (Some(b), _, _) => b.clone(),
            (None, Some(c), _) => c.clone(),
            (None, None, Some(p)) => Preset::from_name(p)
                .map_err(|e| OpFileError::Shape {
                    origin: origin.to_string(),
                    what: format!("field `preset`: {e}"),
                })?
                .config(),
            (None, None, None) => Preset::Panther.config(),
        };
        if let Some(s) = self.seed {
            cfg.seed = s;
        }
        if let Some(v) = self.variant {
            cfg.variant = v;
        }
        cfg.validate(origin).map_err(cfg_err)?;
        Ok(cfg)
    }
}

/// Flatten a rows x cols matrix, checking its shape.
pub fn flatten(m: &[Vec<i64>], rows: usize, cols: usize, name: &str) -> Result<Vec<i64>, String> {
    if m.len() != rows {
        return Err(format!(
            "`{name}` has {} rows; the array has {rows}",
            m.len()
        ));
    }
    let mut out = Vec::with_capacity(rows * cols);
    for (i, r) in m.iter().enumerate() {
        if r.len() != cols {
            return Err(format!(
                "`{name}[{i}]` has {} entries; the array has {cols} columns",
                r.len()
            ));
        }
        out.extend_from_slice(r);
    }
    Ok(out)
}

fn nest<T: Clone>(v: &[T], cols: usize) -> Vec<Vec<T>> {
    v.chunks(cols).map(|c| c.to_vec()).collect()
}

/// Run the file's initial weights and ops on `mcu`; `after_op(index, mcu)` is called after
/// each op (per-op measurements such as cycle counts).
pub fn run_ops<B: McuBackend>(
    mcu: &mut B,
    file: &OpFile,
    cfg: &Config,
    origin: &str,
    mut after_op: impl FnMut(usize, &mut B),
) -> Result<Vec<OpResult>, OpFileError> {
    let mut results = Vec::with_capacity(file.ops.len());
    run_ops_each(mcu, file, cfg, origin, |index, r, mcu| {
        results.push(r);
        after_op(index, mcu);
        Ok(())
    })?;
    Ok(results)
}

/// [`run_ops`], handing each result to `each` as it is produced instead of keeping them
/// (a read_slices of a large array is large: outputs stream).
pub fn run_ops_each<B: McuBackend>(
    mcu: &mut B,
    file: &OpFile,
    cfg: &Config,
    origin: &str,
    mut each: impl FnMut(usize, OpResult, &mut B) -> Result<(), OpFileError>,
) -> Result<(), OpFileError> {
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let shape = |what: String| OpFileError::Shape {
        origin: origin.to_string(),
        what,
    };
    if let Some(w) = &file.weights {
        let flat = flatten(w, rows, cols, "weights").map_err(shape)?;
        mcu.write_weights(&flat).map_err(|e| shape(e.to_string()))?;
        mcu.reset_counters();
    }
    for (index, op) in file.ops.iter().enumerate() {
        let op_err = |error| OpFileError::Op {
            origin: origin.to_string(),
            index,
            op: op.name(),
            error,
        };
        let r = match op {
            Op::Mvm { x } => {
                let o = mcu.mvm(x).map_err(op_err)?;
                OpResult::Mvm {
                    y_raw: o.raw,
                    y: o.words,
                    adc_clips: o.adc_clips,
                    saturations: o.saturations,
                }
            }
            Op::Mtvm { d } => {
                let o = mcu.mtvm(d).map_err(op_err)?;
                OpResult::Mtvm {
                    z_raw: o.raw,
                    z: o.words,
                    adc_clips: o.adc_clips,
                    saturations: o.saturations,
                }
            }
            Op::Opa { x, d } => {
                let o = mcu.opa(x, d).map_err(op_err)?;
                OpResult::Opa {
                    phases: o.phases,
                    clip_events: o.clip_events,
                    clipped_levels: o.clipped_levels,
                    overflow_terms: o.overflow_terms,
                }
            }
            Op::Crs {} => OpResult::Crs {
                saturations: mcu.crs().saturations,
            },
            Op::ReadWeights {} => {
                let o = mcu.read_weights();
                OpResult::ReadWeights {
                    weights: nest(&o.weights, cols),
                    accumulator: o.accumulator.map(|a| nest(&a, cols)),
                }
            }
            Op::ReadSlices {} => OpResult::ReadSlices {
                copies: mcu
                    .read_slices()
                    .into_iter()
                    .map(|CopySlices { copy, slices }| CopySlicesOut {
                        copy,
                        slices: slices.iter().map(|s| nest(s, cols)).collect(),
                    })
                    .collect(),
            },
            Op::WriteWeights { weights } => {
                let flat = flatten(weights, rows, cols, "weights")
                    .map_err(|what| shape(format!("ops[{index}] (write_weights): {what}")))?;
                mcu.write_weights(&flat).map_err(op_err)?;
                OpResult::WriteWeights {}
            }
        };
        each(index, r, mcu)?;
    }
    Ok(())
}

/// An MCU that runs the ops of a file: the golden model, or the RTL through its harness.
pub trait McuBackend {
    fn mvm(&mut self, x: &[i64]) -> Result<LineOut, McuError>;
    fn mtvm(&mut self, d: &[i64]) -> Result<LineOut, McuError>;
    fn opa(&mut self, x: &[i64], d: &[i64]) -> Result<OpaOut, McuError>;
    fn crs(&mut self) -> CrsOut;
    fn read_weights(&mut self) -> WeightsOut;
    fn read_slices(&mut self) -> Vec<CopySlices>;
    fn write_weights(&mut self, w: &[i64]) -> Result<(), McuError>;
    /// Called after the initial weights are programmed: costs count from here.
    fn reset_counters(&mut self) {}
}

impl McuBackend for Mcu {
    fn mvm(&mut self, x: &[i64]) -> Result<LineOut, McuError> {
        Mcu::mvm(self, x)
    }
    fn mtvm(&mut self, d: &[i64]) -> Result<LineOut, McuError> {
        Mcu::mtvm(self, d)
    }
    fn opa(&mut self, x: &[i64], d: &[i64]) -> Result<OpaOut, McuError> {
        Mcu::opa(self, x, d)
    }
    fn crs(&mut self) -> CrsOut {
        Mcu::crs(self)
    }
    fn read_weights(&mut self) -> WeightsOut {
        Mcu::read_weights(self)
    }
    fn read_slices(&mut self) -> Vec<CopySlices> {
        Mcu::read_slices(self)
    }
    fn write_weights(&mut self, w: &[i64]) -> Result<(), McuError> {
        Mcu::write_weights(self, w)
    }
    fn reset_counters(&mut self) {
        Mcu::reset_counters(self)
    }
}

/// Evaluate the file on one MCU and write the [`RunOutput`] JSON to `out` result by result,
/// the same text as serde_json gives for the whole output (indented when `pretty`), in
/// memory for one result at a time.
pub fn run_to(
    file: &OpFile,
    cfg: &Config,
    origin: &str,
    out: &mut dyn std::io::Write,
    pretty: bool,
) -> Result<(), OpFileError> {
    let io = |e: std::io::Error| OpFileError::Write(e.to_string());
    // A value's JSON, indented by `depth` levels when pretty.
    fn json<T: Serialize>(v: &T, pretty: bool, depth: usize) -> Result<String, OpFileError> {
        let t = if pretty {
            serde_json::to_string_pretty(v)
        } else {
            serde_json::to_string(v)
        }
        .map_err(|e| OpFileError::Write(e.to_string()))?;
        Ok(t.replace('\n', &format!("\n{}", "  ".repeat(depth))))
    }
    let (nl, ind, sep) = if pretty {
        ("\n", "  ", ": ")
    } else {
        ("", "", ":")
    };
    let (name, hash, variant) = (
        json(&cfg.name, pretty, 1)?,
        json(&cfg.hash_hex(), pretty, 1)?,
        json(&cfg.variant, pretty, 1)?,
    );
    write!(
        out,
        "{{{nl}{ind}\"config\"{sep}{name},{nl}{ind}\"config_hash\"{sep}{hash},{nl}{ind}\"variant\"{sep}{variant},{nl}{ind}\"seed\"{sep}{},{nl}{ind}\"results\"{sep}[",
        cfg.seed
    )
    .map_err(io)?;
    let mut mcu = Mcu::new(cfg, 0);
    let mut first = true;
    run_ops_each(&mut mcu, file, cfg, origin, |_, r, _| {
        let lead = if first { "" } else { "," };
        first = false;
        write!(out, "{lead}{nl}{ind}{ind}{}", json(&r, pretty, 2)?).map_err(io)
    })?;
    let totals = Totals {
        cost: CostReport::from_counters(&mcu.counters, cfg),
        counters: mcu.counters.clone(),
    };
    let close = if first { "" } else { nl };
    let close_ind = if first { "" } else { ind };
    write!(
        out,
        "{close}{close_ind}],{nl}{ind}\"totals\"{sep}{}{nl}}}",
        json(&totals, pretty, 1)?
    )
    .map_err(io)
}

/// Run every op of the file on the golden model and keep nothing: the file is checked.
pub fn check(file: &OpFile, cfg: &Config, origin: &str) -> Result<(), OpFileError> {
    let mut mcu = Mcu::new(cfg, 0);
    run_ops_each(&mut mcu, file, cfg, origin, |_, _, _| Ok(()))
}

/// Evaluate the file on one MCU. Initial weights are programmed before the counters start.
pub fn run(file: &OpFile, cfg: &Config, origin: &str) -> Result<RunOutput, OpFileError> {
    let mut mcu = Mcu::new(cfg, 0);
    let results = run_ops(&mut mcu, file, cfg, origin, |_, _| {})?;
    Ok(RunOutput {
        config: cfg.name.clone(),
        config_hash: cfg.hash_hex(),
        variant: cfg.variant,
        seed: cfg.seed,
        results,
        totals: Totals {
            cost: CostReport::from_counters(&mcu.counters, cfg),
            counters: mcu.counters.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streamed output is the text serde_json gives for the whole output.
    #[test]
    fn streamed_output_equals_the_whole_output_compact_and_indented() {
        let text = r#"{"preset": "small", "ops": [
            {"op": "mvm", "x": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]},
            {"op": "crs"}, {"op": "read_slices"}, {"op": "read_weights"}]}"#;
        let empty = r#"{"preset": "small", "ops": []}"#;
        for t in [text, empty] {
            let file = OpFile::parse(t, "t.json").unwrap();
            let cfg = file.effective_config(None, "t.json").unwrap();
            let whole = run(&file, &cfg, "t.json").unwrap();
            for pretty in [false, true] {
                let mut out = Vec::new();
                run_to(&file, &cfg, "t.json", &mut out, pretty).unwrap();
                let want = if pretty {
                    serde_json::to_string_pretty(&whole).unwrap()
                } else {
                    serde_json::to_string(&whole).unwrap()
                };
                assert_eq!(String::from_utf8(out).unwrap(), want, "pretty {pretty}");
            }
        }
    }
}
