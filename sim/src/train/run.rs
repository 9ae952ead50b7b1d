//! Training runs: initial weights, sample order, the CRS schedule, and a report per epoch
//! (accuracy, loss, energy by component, MCU time, CRS, clips), for either engine. A
//! [`Session`] advances one sample at a time, so a caller can show progress, stop between
//! steps and save a checkpoint ([`super::checkpoint`]) from which it continues exactly.

use super::arch::{ArchNet, ProgramCost};
use super::data::{Dataset, Split};
use super::fast::{Activity, FastNet, FastState};
use super::float::{FloatNet, FloatState};
use super::model::{Init, Model};
use super::plan::Plan;
use crate::config::{Config, Variant};
use crate::cost::{CostReport, Counters};
use crate::fixed;
use crate::rng::SeqRng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// The plan on golden MCUs (every bit, slice and conversion) and the VFU's arithmetic.
    Fast,
    /// float64, same initial weights and sample order.
    Float,
    /// The compiled programs on the architectural simulator (cores, VFU, memories).
    Arch,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Arch, Engine::Fast, Engine::Float];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Fast => "fast",
            Engine::Float => "float",
            Engine::Arch => "arch",
        }
    }
}

impl std::str::FromStr for Engine {
    type Err = String;
    fn from_str(s: &str) -> Result<Engine, String> {
        Engine::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Engine::ALL.iter().map(|e| e.name()).collect();
                format!("unknown engine `{s}`; allowed: {}", names.join(", "))
            })
    }
}

/// One epoch's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub samples: usize,
    pub train_loss: f64,
    pub train_accuracy: f64,
    pub test_accuracy: f64,
    /// The float64 reference trained alongside on the same samples (when asked for).
    pub float_train_loss: Option<f64>,
    pub float_test_accuracy: Option<f64>,
    /// Energy of the epoch's training samples by component (pJ), and in total.
    pub energy_pj: BTreeMap<String, f64>,
    pub total_energy_pj: f64,
    /// Time the MCUs were busy on the training samples (ns, the cost model).
    pub mcu_busy_ns: f64,
    /// Simulated time of the epoch's training programs (ns): the architectural
    /// simulator's cycles (`arch`), or the compiled step's measured time per sample
    /// (`fast`, an estimate: an OPA's phases depend on the data). None: not compiled.
    #[serde(default)]
    pub simulated_ns: Option<f64>,
    pub crs: u64,
    /// Per slice (LSB first): cells whose OPA update hit the cell range, levels lost.
    pub clip_events: Vec<u64>,
    pub clipped_levels: Vec<f64>,
    pub saturations: u64,
    pub adc_clips: u64,
    pub crs_saturations: u64,
    /// Wall time of the epoch (training and test), summed over resumed parts.
    pub seconds: f64,
}

/// The initial weights of every layer (rows = inputs then the bias row, columns =
/// outputs), as fixed-point words: every engine starts from them.
pub fn initial_weights(model: &Model, cfg: &Config) -> Vec<Vec<Vec<i64>>> {
    let mut rng = SeqRng::new(model.training.seed);
    let frac = cfg.format.frac_bits;
    model
        .shapes()
        .iter()
        .map(|s| {
            let (out, bias) = (s.outputs, s.bias);
            // A convolution's fans: its window's taps and its out channels.
            let (fan_in, fan_out) = (s.window.taps(), out);
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
    Arch(Box<ArchNet>),
}

/// A trainer's state (checkpoints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainerState {
    Fast(FastState),
    Float(FloatState),
    Arch(Box<super::arch::ArchState>),
}

impl Trainer {
    pub fn new(engine: Engine, model: &Model, cfg: &Config) -> Result<Trainer, String> {
        let w = initial_weights(model, cfg);
        Ok(match engine {
            Engine::Fast => {
                let plan = Plan::new(model, cfg);
                // The machine's time and energy outside the MCUs come from the compiled
                // programs; a network that does not compile reports its MCUs only.
                let cost = ProgramCost::measure(&plan, cfg, &w)?;
                let mut net = FastNet::new(plan, cfg, &w).map_err(|e| e.to_string())?;
                net.machine_cost = cost;
                Trainer::Fast(Box::new(net))
            }
            Engine::Arch => Trainer::Arch(Box::new(ArchNet::new(Plan::new(model, cfg), cfg, &w)?)),
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
            Trainer::Arch(n) => {
                n.load(x, label);
                n.train_sample(label)
            }
        }
    }

    fn crs(&mut self) -> Result<(), String> {
        match self {
            Trainer::Fast(n) => n.crs(),
            Trainer::Float(n) => n.apply(),
            Trainer::Arch(n) => n.crs()?,
        }
        Ok(())
    }

    fn predict(&mut self, x: &[f64]) -> Result<usize, String> {
        match self {
            Trainer::Fast(n) => {
                n.load(x, 0);
                n.predict().map_err(|e| e.to_string())
            }
            Trainer::Float(n) => Ok(n.predict(x)),
            Trainer::Arch(n) => {
                n.load(x, 0);
                n.predict()
            }
        }
    }

    /// Fraction of `data` classified right (on the machine: its MVMs, read noise included).
    pub fn accuracy(&mut self, data: &Dataset) -> Result<f64, String> {
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
            Trainer::Arch(n) => n.counters(),
        }
    }

    /// The whole machine's energy by component and simulated time so far: the
    /// architectural simulator's, or for `fast` its MCUs' plus the compiled programs' cost.
    fn machine_report(&self) -> Option<(BTreeMap<String, f64>, f64)> {
        match self {
            Trainer::Arch(n) => {
                let r = n.report();
                Some((r.energy_pj, r.simulated_ns))
            }
            Trainer::Fast(n) => n.machine_cost.as_ref().map(|c| {
                let a = &n.activity;
                c.report(a.steps, a.crs, a.crs_cycles, &n.counters())
            }),
            Trainer::Float(_) => None,
        }
    }

    fn activity(&self) -> Activity {
        match self {
            Trainer::Fast(n) => n.activity.clone(),
            Trainer::Float(_) => Activity::default(),
            Trainer::Arch(n) => n.activity(),
        }
    }

    /// The state a checkpoint saves.
    pub fn state(&self) -> Result<TrainerState, String> {
        match self {
            Trainer::Fast(n) => Ok(TrainerState::Fast(n.state())),
            Trainer::Float(n) => Ok(TrainerState::Float(n.state())),
            Trainer::Arch(n) => Ok(TrainerState::Arch(Box::new(n.state()?))),
        }
    }

    pub fn restore(&mut self, s: &TrainerState) -> Result<(), String> {
        match (self, s) {
            (Trainer::Fast(n), TrainerState::Fast(s)) => n.restore(s),
            (Trainer::Float(n), TrainerState::Float(s)) => n.restore(s),
            (Trainer::Arch(n), TrainerState::Arch(s)) => n.restore(s),
            _ => Err("the saved state is of another engine".into()),
        }
    }
}

/// Sums over the part of an epoch trained so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EpochSoFar {
    /// Samples of the epoch already trained (positions in its order).
    pub done: usize,
    pub loss: f64,
    pub right: usize,
    pub float_loss: f64,
    /// The machine's counters and activity when the epoch began.
    pub counters: Counters,
    pub activity: Activity,
    /// The `arch` engine's energy by component and simulated time when the epoch began.
    #[serde(default)]
    pub machine_at_start: Option<(BTreeMap<String, f64>, f64)>,
    pub seconds: f64,
}

/// Where a training run stands: everything a checkpoint saves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Epochs completed.
    pub epoch: usize,
    pub so_far: EpochSoFar,
    /// Samples since the last CRS.
    pub since_crs: usize,
    pub reports: Vec<EpochReport>,
}

/// A training run in progress: the engine's network, the float reference beside it (when
/// asked for) and the progress.
pub struct Session {
    pub model: Model,
    pub cfg: Config,
    pub engine: Engine,
    machine: Trainer,
    reference: Option<Trainer>,
    pub progress: Progress,
    /// The current epoch's sample order.
    order: Vec<usize>,
}

impl Session {
    /// A new run; `reference` trains the float64 reference alongside (ignored for the
    /// float engine, which is the reference).
    pub fn new(
        model: &Model,
        cfg: &Config,
        engine: Engine,
        reference: bool,
    ) -> Result<Session, String> {
        let machine = Trainer::new(engine, model, cfg)?;
        let reference = if reference && engine != Engine::Float {
            Some(Trainer::new(Engine::Float, model, cfg)?)
        } else {
            None
        };
        Ok(Session {
            model: model.clone(),
            cfg: cfg.clone(),
            engine,
            progress: Progress {
                epoch: 0,
                so_far: EpochSoFar {
                    counters: machine.counters(),
                    activity: machine.activity(),
                    machine_at_start: machine.machine_report(),
                    ..EpochSoFar::default()
                },
                since_crs: 0,
                reports: Vec::new(),
            },
            machine,
            reference,
            order: Vec::new(),
        })
    }

    pub fn has_reference(&self) -> bool {
        self.reference.is_some()
    }

    /// True when every epoch of the model has run.
    pub fn finished(&self) -> bool {
        self.progress.epoch >= self.model.training.epochs
    }

    /// Train the next sample; at the end of an epoch, test and return its report.
    pub fn step(&mut self, data: &Split) -> Result<Option<EpochReport>, String> {
        if self.finished() {
            return Ok(None);
        }
        let start = std::time::Instant::now();
        let n = data.train.len();
        if n == 0 {
            return Err("no training samples".into());
        }
        if self.order.len() != n {
            self.order = order(n, self.model.training.seed, self.progress.epoch);
        }
        let p = &mut self.progress;
        let i = self.order[p.so_far.done];
        let (x, y) = (&data.train.features[i], data.train.labels[i]);
        let (loss, ok) = self.machine.train_sample(x, y)?;
        p.so_far.loss += loss;
        p.so_far.right += ok as usize;
        if let Some(r) = &mut self.reference {
            p.so_far.float_loss += r.train_sample(x, y)?.0;
        }
        p.since_crs += 1;
        if p.since_crs == self.model.training.crs_every {
            self.machine.crs()?;
            if let Some(r) = &mut self.reference {
                r.crs()?;
            }
            p.since_crs = 0;
        }
        p.so_far.done += 1;
        p.so_far.seconds += start.elapsed().as_secs_f64();
        if p.so_far.done < n {
            return Ok(None);
        }
        let report = self.end_epoch(data)?;
        Ok(Some(report))
    }

    fn end_epoch(&mut self, data: &Split) -> Result<EpochReport, String> {
        let start = std::time::Instant::now();
        // The training samples' events, before the test pass adds its own.
        let (c, a) = (self.machine.counters(), self.machine.activity());
        let machine_now = self.machine.machine_report();
        let test_accuracy = self.machine.accuracy(&data.test)?;
        let float_test_accuracy = match &mut self.reference {
            Some(r) => Some(r.accuracy(&data.test)?),
            None => None,
        };
        let (cfg, engine) = (&self.cfg, self.engine);
        let s = std::mem::take(&mut self.progress.so_far);
        let a0 = &s.activity;
        let cost = CostReport::from_counters(&c.since(&s.counters), cfg);
        let mut energy = BTreeMap::new();
        let mut simulated_ns = None;
        if let (Some((e, ns)), Some((e0, ns0))) = (&machine_now, &s.machine_at_start) {
            // The whole machine's energy and time, from the architectural simulator.
            energy = e
                .iter()
                .map(|(k, v)| (k.clone(), v - e0.get(k).copied().unwrap_or(0.0)))
                .collect();
            simulated_ns = Some(ns - ns0);
        } else if engine == Engine::Fast {
            energy = cost.energy_pj;
            let vfu = (a.vfu_lane_ops - a0.vfu_lane_ops) as f64 * cfg.arch.vfu_lane_op_pj
                + (a.vfu_transcendental_ops - a0.vfu_transcendental_ops) as f64
                    * cfg.arch.vfu_transcendental_op_pj;
            energy.insert("vfu".into(), vfu);
        }
        let diff = |x: &[u64], y: &[u64]| -> Vec<u64> {
            x.iter()
                .zip(y.iter().chain(std::iter::repeat(&0)))
                .map(|(x, y)| x - y)
                .collect()
        };
        let n = data.train.len().max(1) as f64;
        let r = EpochReport {
            epoch: self.progress.epoch + 1,
            samples: data.train.len(),
            train_loss: s.loss / n,
            train_accuracy: s.right as f64 / n,
            test_accuracy,
            float_train_loss: self.reference.as_ref().map(|_| s.float_loss / n),
            float_test_accuracy,
            total_energy_pj: energy.values().sum(),
            energy_pj: energy,
            mcu_busy_ns: cost.latency_ns,
            simulated_ns,
            crs: a.crs - a0.crs,
            clip_events: diff(&a.clip_events, &a0.clip_events),
            clipped_levels: a
                .clipped_levels
                .iter()
                .zip(a0.clipped_levels.iter().chain(std::iter::repeat(&0.0)))
                .map(|(x, y)| x - y)
                .collect(),
            saturations: a.saturations - a0.saturations,
            adc_clips: a.adc_clips - a0.adc_clips,
            crs_saturations: a.crs_saturations - a0.crs_saturations,
            seconds: s.seconds + start.elapsed().as_secs_f64(),
        };
        let p = &mut self.progress;
        p.epoch += 1;
        p.so_far.counters = self.machine.counters();
        p.so_far.activity = self.machine.activity();
        p.so_far.machine_at_start = self.machine.machine_report();
        p.reports.push(r.clone());
        self.order.clear();
        Ok(r)
    }

    /// The engines' states (checkpoints).
    pub fn states(&self) -> Result<(TrainerState, Option<TrainerState>), String> {
        Ok((
            self.machine.state()?,
            self.reference.as_ref().map(Trainer::state).transpose()?,
        ))
    }

    /// Continue from saved states and progress.
    pub fn restore(
        &mut self,
        machine: &TrainerState,
        reference: Option<&TrainerState>,
        progress: &Progress,
    ) -> Result<(), String> {
        self.machine.restore(machine)?;
        match (&mut self.reference, reference) {
            (Some(r), Some(s)) => r.restore(s)?,
            (None, None) => {}
            (Some(_), None) => return Err("it was trained without the float reference".into()),
            (None, Some(_)) => return Err("it was trained with the float reference".into()),
        }
        self.progress = progress.clone();
        self.order.clear();
        Ok(())
    }
}

/// Train `model` on `data` for its epochs; `each` sees every epoch's report as it ends.
pub fn train(
    model: &Model,
    cfg: &Config,
    data: &Split,
    engine: Engine,
    mut each: impl FnMut(&EpochReport),
) -> Result<Vec<EpochReport>, String> {
    let mut s = Session::new(model, cfg, engine, false)?;
    while !s.finished() {
        if let Some(r) = s.step(data)? {
            each(&r);
        }
    }
    Ok(s.progress.reports)
}
