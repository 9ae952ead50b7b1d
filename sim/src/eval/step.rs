//! What one training sample costs on a configuration: the workload compiled
//! (`crate::train::compile`) and its step run on the architectural simulator, on random
//! inputs and the model's initial weights, and one CRS after them.

use crate::arch::RunReport;
use crate::config::Config;
use crate::rng::SeqRng;
use crate::train::arch::ArchNet;
use crate::train::model::Model;
use crate::train::plan::Plan;
use crate::train::run::initial_weights;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per training sample (the mean over the measured steps), and one CRS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepCost {
    /// The configuration's name.
    pub config: String,
    /// Training steps measured (one sample each).
    pub steps: usize,
    /// Energy of one step by component (`mcu.*`: the MCUs; the rest: memories, VFU,
    /// eDRAM, network), pJ.
    pub energy_pj: BTreeMap<String, f64>,
    pub total_energy_pj: f64,
    /// Simulated time of one step, ns.
    pub step_ns: f64,
    /// The MCUs' busy time in one step, summed over the MCUs, ns.
    pub mcu_busy_ns: f64,
    /// Instructions the cores and tile control units retire in one step.
    pub instructions: f64,
    /// One CRS of every MCU (energy pJ, time ns), and the model's period in samples.
    pub crs_energy_pj: f64,
    pub crs_ns: f64,
    pub crs_every: usize,
    pub mcus: usize,
    pub cores: usize,
    pub tiles: usize,
}

impl StepCost {
    /// Energy per sample with the CRS amortised over its period.
    pub fn energy_with_crs_pj(&self) -> f64 {
        self.total_energy_pj + self.crs_energy_pj / self.crs_every as f64
    }

    /// Time per sample with the CRS amortised over its period.
    pub fn ns_with_crs(&self) -> f64 {
        self.step_ns + self.crs_ns / self.crs_every as f64
    }
}

/// The step of `model` on `cfg`, `steps` times on random inputs (uniform in [-1, 1),
/// random labels, drawn from `seed`), then one CRS. Errors: the model does not fit the
/// config, or does not compile (the message says which limit).
pub fn measure(model: &Model, cfg: &Config, steps: usize, seed: u64) -> Result<StepCost, String> {
    let cfg = model.config_for(cfg);
    model
        .validate_for(&cfg, &model.name)
        .map_err(|e| e.to_string())?;
    let plan = Plan::new(model, &cfg);
    let weights = initial_weights(model, &cfg);
    let mut net = ArchNet::new(plan, &cfg, &weights)?;
    let mut rng = SeqRng::new(seed);
    let (inputs, classes) = (model.input.features(), model.outputs());
    let r0 = net.report();
    let busy0 = net.counters().busy_ns;
    for _ in 0..steps {
        let x: Vec<f64> = (0..inputs).map(|_| 2.0 * rng.uniform() - 1.0).collect();
        let label = (rng.next_u64() % classes as u64) as usize;
        net.load(&x, label);
        net.train_sample(label)?;
    }
    let r1 = net.report();
    let busy1 = net.counters().busy_ns;
    net.crs()?;
    let r2 = net.report();
    let n = steps.max(1) as f64;
    let energy_pj: BTreeMap<String, f64> = between(&r0, &r1)
        .into_iter()
        .map(|(k, v)| (k, v / n))
        .collect();
    let step = &net.compiled.step;
    Ok(StepCost {
        config: cfg.name.clone(),
        steps,
        total_energy_pj: energy_pj.values().sum(),
        energy_pj,
        step_ns: (r1.simulated_ns - r0.simulated_ns) / n,
        mcu_busy_ns: (busy1 - busy0) / n,
        instructions: (r1.instructions - r0.instructions) as f64 / n,
        crs_energy_pj: between(&r1, &r2).values().sum(),
        crs_ns: r2.simulated_ns - r1.simulated_ns,
        crs_every: model.training.crs_every,
        mcus: net.plan.mcus(),
        cores: step.tiles.iter().map(|t| t.cores.len()).sum(),
        tiles: step.tiles.len(),
    })
}

/// Energy by component between two reports of one run.
fn between(a: &RunReport, b: &RunReport) -> BTreeMap<String, f64> {
    b.energy_pj
        .iter()
        .map(|(k, v)| (k.clone(), v - a.energy_pj.get(k).copied().unwrap_or(0.0)))
        .collect()
}
