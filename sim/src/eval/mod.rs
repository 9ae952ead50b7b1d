//! The paper's evaluation: what a training step of each workload costs on PANTHER and on
//! the baselines, measured by running the compiled step on the architectural simulator
//! ([`step`]), the workloads themselves ([`workload`]), and the GPU reference table
//! ([`gpu`]). docs/evaluation.md describes the whole.

pub mod gpu;
pub mod ops;
pub mod paper;
pub mod step;
pub mod workload;

pub use gpu::{GpuTable, Measurement};
pub use step::{measure, StepCost};
pub use workload::Workload;

use serde::{Deserialize, Serialize};

/// One workload on several configurations, with the ratios against a reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub workload: String,
    /// The configuration the ratios are taken against (its name).
    pub reference: String,
    pub configs: Vec<StepCost>,
    /// Per configuration, in `configs` order: energy and time per sample over the
    /// reference's (above 1: the reference is cheaper or faster).
    pub energy_ratio: Vec<f64>,
    pub time_ratio: Vec<f64>,
    /// GPU measurements of the same workload, per sample, with the same ratios.
    pub gpu: Vec<GpuRow>,
}

/// A GPU measurement per training sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GpuRow {
    pub measurement: Measurement,
    pub sample_energy_pj: f64,
    pub sample_ns: f64,
    pub energy_ratio: f64,
    pub time_ratio: f64,
}

impl Evaluation {
    /// Ratios against `configs[reference]`.
    pub fn new(
        workload: &str,
        configs: Vec<StepCost>,
        reference: usize,
        gpu: &[&Measurement],
    ) -> Evaluation {
        let r = &configs[reference];
        let (e0, t0) = (r.total_energy_pj, r.step_ns);
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        Evaluation {
            workload: workload.to_string(),
            reference: r.config.clone(),
            energy_ratio: configs
                .iter()
                .map(|c| ratio(c.total_energy_pj, e0))
                .collect(),
            time_ratio: configs.iter().map(|c| ratio(c.step_ns, t0)).collect(),
            gpu: gpu
                .iter()
                .map(|m| GpuRow {
                    measurement: (*m).clone(),
                    sample_energy_pj: m.sample_energy_pj(),
                    sample_ns: m.sample_ns(),
                    energy_ratio: ratio(m.sample_energy_pj(), e0),
                    time_ratio: ratio(m.sample_ns(), t0),
                })
                .collect(),
            configs,
        }
    }
}
