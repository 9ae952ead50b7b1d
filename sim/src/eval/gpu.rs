//! Measured GPU training steps (the reference table `panther eval` compares against): one
//! TOML file of `[[measurement]]` entries, each with its source. The built-in table is
//! `examples/gpu/v100-puma-tensorflow.toml`; a user's file has the same format.

use crate::config::{check, within, FieldError};
use crate::files::{read_text, toml_named_fields_only, InputLimit};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One measured training step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    pub gpu: String,
    /// A workload name (`Workload::ALL`) or a model file's `name`.
    pub workload: String,
    /// Samples per training step.
    pub batch: usize,
    /// Wall time of one training step (one batch), ms.
    pub step_ms: f64,
    /// Board power drawn while training, W.
    pub board_power_w: f64,
    /// Where the figures come from (a file, a paper, a log).
    pub source: String,
}

impl Measurement {
    /// Energy per training sample, pJ: power x step time / batch.
    pub fn sample_energy_pj(&self) -> f64 {
        self.board_power_w * self.step_ms * 1e-3 / self.batch as f64 * 1e12
    }

    /// Time per training sample, ns.
    pub fn sample_ns(&self) -> f64 {
        self.step_ms * 1e6 / self.batch as f64
    }

    fn validate(&self, k: usize) -> Result<(), FieldError> {
        let f = |name: &str| format!("measurement[{k}].{name}");
        for (name, text) in [
            ("gpu", &self.gpu),
            ("workload", &self.workload),
            ("source", &self.source),
        ] {
            if text.trim().is_empty() {
                return Err(FieldError::new(&f(name), "must not be empty".to_string()));
            }
        }
        check(&f("batch"), self.batch, within(1, 1 << 20))?;
        // Above 0, at most an hour per step and a megawatt.
        let positive = |hi: f64| crate::config::above(0.0).at_most(hi);
        check(&f("step_ms"), self.step_ms, positive(3.6e6))?;
        check(&f("board_power_w"), self.board_power_w, positive(1e6))
    }
}

/// A table of measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuTable {
    pub measurement: Vec<Measurement>,
}

impl GpuTable {
    /// The measurements that ship with the project (the PANTHER authors' V100 logs).
    pub fn builtin() -> GpuTable {
        GpuTable::from_toml_str(BUILTIN, "examples/gpu/v100-puma-tensorflow.toml")
            .expect("the built-in GPU table is valid")
    }

    pub fn from_toml_str(text: &str, origin: &str) -> Result<GpuTable, String> {
        let t: GpuTable = toml::from_str(text).map_err(|e| {
            let line = crate::config::toml_error_line(text, &e)
                .map(|l| format!("line {l}: "))
                .unwrap_or_default();
            format!("{origin}: {line}{}", e.message().trim())
        })?;
        toml_named_fields_only(text, &t).map_err(|m| format!("{origin}: {m}"))?;
        for (k, m) in t.measurement.iter().enumerate() {
            m.validate(k)
                .map_err(|e| format!("{origin}: field `{}`: {}", e.field, e.message))?;
        }
        Ok(t)
    }

    pub fn load(path: &Path) -> Result<GpuTable, String> {
        let origin = path.display().to_string();
        let text = read_text(path, InputLimit::Document).map_err(|e| e.to_string())?;
        GpuTable::from_toml_str(&text, &origin)
    }

    /// The measurements of `workload`, smallest batch first.
    pub fn of(&self, workload: &str) -> Vec<&Measurement> {
        let mut v: Vec<&Measurement> = self
            .measurement
            .iter()
            .filter(|m| m.workload == workload)
            .collect();
        v.sort_by_key(|m| m.batch);
        v
    }
}

const BUILTIN: &str = include_str!("../../../examples/gpu/v100-puma-tensorflow.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_holds_the_v100_logs() {
        let t = GpuTable::builtin();
        let mlp = t.of("mlp-l4");
        assert_eq!(
            mlp.iter().map(|m| m.batch).collect::<Vec<_>>(),
            [1, 64, 1024]
        );
        assert_eq!(mlp[0].step_ms, 2.3);
        // 41 W x 2.3 ms = 94.3 mJ per sample at batch 1.
        assert!((mlp[0].sample_energy_pj() - 94.3e9).abs() < 1e3);
        assert_eq!(mlp[0].sample_ns(), 2.3e6);
        assert_eq!(t.of("vgg16-cifar100").len(), 3);
    }

    #[test]
    fn bad_tables_name_the_field() {
        let good = "[[measurement]]\ngpu = \"g\"\nworkload = \"w\"\nbatch = 1\nstep_ms = 1.0\nboard_power_w = 10.0\nsource = \"s\"\n";
        assert!(GpuTable::from_toml_str(good, "t.toml").is_ok());
        for (bad, needle) in [
            (
                good.replace("batch = 1", "batch = 0"),
                "t.toml: field `measurement[0].batch`",
            ),
            (
                good.replace("step_ms = 1.0", "step_ms = -1.0"),
                "`measurement[0].step_ms`",
            ),
            (
                good.replace("source = \"s\"", "source = \"\""),
                "`measurement[0].source`: must not be empty",
            ),
            (
                good.replace("gpu = \"g\"", "gpu = \"g\"\ncolour = 1"),
                "unknown field `colour`",
            ),
            (
                good.replace("step_ms = 1.0", "step_ms = \"fast\""),
                "t.toml: line 5",
            ),
        ] {
            let e = GpuTable::from_toml_str(&bad, "t.toml").unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
    }
}
