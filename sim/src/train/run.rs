//! Training runs: initial weights, sample order, the CRS schedule, and a report per epoch
//! (accuracy, loss, energy by component, MCU time, CRS, clips), for either engine.

use super::data::Split;
use super::fast::FastNet;
use super::float::FloatNet;
use super::model::{Init, Model};
use super::plan::Plan;
use crate::config::{Config, Variant};
use crate::cost::{CostReport, Counters};
use crate::fixed;
use crate::rng::SeqRng;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// The plan on golden MCUs (every bit, slice and conversion) and the VFU's arithmetic.
    Fast,
    /// float64, same initial weights and sample order.
    Float,
}

impl std::str::FromStr for Engine {
    type Err = String;
    fn from_str(s: &str) -> Result<Engine, String> {
        match s {
            "fast" => Ok(Engine::Fast),
            "float" => Ok(Engine::Float),
            _ => Err(format!("unknown engine `{s}`; allowed: fast, float")),
        }
    }
}

/// One epoch's figures.
#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub samples: usize,
    pub train_loss: f64,
    pub train_accuracy: f64,
    pub test_accuracy: f64,
    /// Energy of the epoch's training samples by component (pJ), and in total.
    pub energy_pj: BTreeMap<String, f64>,
    pub total_energy_pj: f64,
    /// Time the MCUs were busy on the training samples (ns, the cost model).
    pub mcu_busy_ns: f64,
    pub crs: u64,
    /// Per slice (LSB first): cells whose OPA update hit the cell range, levels lost.
    pub clip_events: Vec<u64>,
    pub clipped_levels: Vec<f64>,
    pub saturations: u64,
    pub adc_clips: u64,
    pub crs_saturations: u64,
    pub seconds: f64,
}

/// The initial weights of every layer (rows = inputs then the bias row, columns =
/// outputs), as fixed-point words: both engines start from them.
pub fn initial_weights(model: &Model, cfg: &Config) -> Vec<Vec<Vec<i64>>> {
    let mut rng = SeqRng::new(model.training.seed);
    let widths = model.widths();
    let frac = cfg.format.frac_bits;
    model
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let super::model::Layer::Dense { out, bias, .. } = *layer;
            let (fan_in, fan_out) = (widths[l], out);
            let a = match model.training.init {
                Init::XavierUniform => (6.0 / (fan_in + fan_out) as f64).sqrt(),
            };
            let mut rows: Vec<Vec<i64>> = (0..fan_in)
                .map(|_| {
                    (0..out)
                        .map(|_| {
                            fixed::from_f64(
                                (2.0 * rng.uniform() - 1.0) * a,
                                frac,
                                cfg.format.word_bits,
                            )
                        })
                        .collect()
                })
                .collect();
            if bias {
                rows.push(vec![0; out]);
            }
            rows
        })
        .collect()
}

/// The order of the training samples in `epoch` (a seeded shuffle, the same for every
/// engine).
pub fn order(n: usize, seed: u64, epoch: usize) -> Vec<usize> {
    let mut rng = SeqRng::new(seed ^ (0x9e37_79b9_7f4a_7c15u64.wrapping_mul(epoch as u64 + 1)));
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}

/// A network being trained on one engine.
pub enum Trainer {
    Fast(Box<FastNet>),
    Float(Box<FloatNet>),
}

impl Trainer {
    pub fn new(engine: Engine, model: &Model, cfg: &Config) -> Result<Trainer, String> {
        let w = initial_weights(model, cfg);
        Ok(match engine {
            Engine::Fast => {
                let plan = Plan::new(model, cfg);
                Trainer::Fast(Box::new(
                    FastNet::new(plan, cfg, &w).map_err(|e| e.to_string())?,
                ))
            }
            Engine::Float => {
                let frac = cfg.format.frac_bits;
                let wf = w
                    .iter()
                    .map(|l| {
                        l.iter()
                            .map(|r| r.iter().map(|&v| fixed::to_f64(v, frac)).collect())
                            .collect()
                    })
                    .collect();
                Trainer::Float(Box::new(FloatNet::new(
                    model,
                    wf,
                    cfg.variant == Variant::V1,
                )))
            }
        })
    }

    fn train_sample(&mut self, x: &[f64], label: usize) -> Result<(f64, bool), String> {
        match self {
            Trainer::Fast(n) => {
                n.load(x, label);
                n.train_sample(label).map_err(|e| e.to_string())
            }
            Trainer::Float(n) => Ok(n.train_sample(x, label)),
        }
    }

    fn crs(&mut self) {
        match self {
            Trainer::Fast(n) => n.crs(),
            Trainer::Float(n) => n.apply(),
        }
    }

    fn predict(&mut self, x: &[f64]) -> Result<usize, String> {
        match self {
            Trainer::Fast(n) => {
                n.load(x, 0);
                n.predict().map_err(|e| e.to_string())
            }
            Trainer::Float(n) => Ok(n.predict(x)),
        }
    }

    /// Fraction of `data` classified right (on the machine: its MVMs, read noise included).
    pub fn accuracy(&mut self, data: &super::data::Dataset) -> Result<f64, String> {
        let mut right = 0;
        for (x, &y) in data.features.iter().zip(&data.labels) {
            right += (self.predict(x)? == y) as usize;
        }
        Ok(right as f64 / data.len().max(1) as f64)
    }

    fn counters(&self) -> Counters {
        match self {
            Trainer::Fast(n) => n.counters(),
            Trainer::Float(_) => Counters::default(),
        }
    }

    fn activity(&self) -> super::fast::Activity {
        match self {
            Trainer::Fast(n) => n.activity.clone(),
            Trainer::Float(_) => super::fast::Activity::default(),
        }
    }
}

/// Train `model` on `data` for its epochs; `each` sees every epoch's report as it ends.
/// Samples run in a seeded order; a CRS follows every `crs_every` samples.
pub fn train(
    model: &Model,
    cfg: &Config,
    data: &Split,
    engine: Engine,
    mut each: impl FnMut(&EpochReport),
) -> Result<Vec<EpochReport>, String> {
    let mut t = Trainer::new(engine, model, cfg)?;
    let crs_every = model.training.crs_every;
    let mut reports = Vec::new();
    let mut since_crs = 0;
    for epoch in 0..model.training.epochs {
        let start = std::time::Instant::now();
        let (c0, a0) = (t.counters(), t.activity());
        let mut loss = 0.0;
        let mut right = 0;
        for &i in &order(data.train.len(), model.training.seed, epoch) {
            let (l, ok) = t.train_sample(&data.train.features[i], data.train.labels[i])?;
            loss += l;
            right += ok as usize;
            since_crs += 1;
            if since_crs == crs_every {
                t.crs();
                since_crs = 0;
            }
        }
        let c = t.counters().since(&c0);
        let a = t.activity();
        let cost = CostReport::from_counters(&c, cfg);
        let mut energy = match engine {
            Engine::Fast => cost.energy_pj,
            Engine::Float => BTreeMap::new(),
        };
        let vfu = (a.vfu_lane_ops - a0.vfu_lane_ops) as f64 * cfg.arch.vfu_lane_op_pj
            + (a.vfu_transcendental_ops - a0.vfu_transcendental_ops) as f64
                * cfg.arch.vfu_transcendental_op_pj;
        if engine == Engine::Fast {
            energy.insert("vfu".into(), vfu);
        }
        let n = data.train.len().max(1);
        let test_accuracy = t.accuracy(&data.test)?;
        let r = EpochReport {
            epoch: epoch + 1,
            samples: data.train.len(),
            train_loss: loss / n as f64,
            train_accuracy: right as f64 / n as f64,
            test_accuracy,
            total_energy_pj: energy.values().sum(),
            energy_pj: energy,
            mcu_busy_ns: cost.latency_ns,
            crs: a.crs - a0.crs,
            clip_events: a
                .clip_events
                .iter()
                .zip(a0.clip_events.iter().chain(std::iter::repeat(&0)))
                .map(|(x, y)| x - y)
                .collect(),
            clipped_levels: a
                .clipped_levels
                .iter()
                .zip(a0.clipped_levels.iter().chain(std::iter::repeat(&0.0)))
                .map(|(x, y)| x - y)
                .collect(),
            saturations: a.saturations - a0.saturations,
            adc_clips: a.adc_clips - a0.adc_clips,
            crs_saturations: a.crs_saturations - a0.crs_saturations,
            seconds: start.elapsed().as_secs_f64(),
        };
        each(&r);
        reports.push(r);
    }
    Ok(reports)
}
