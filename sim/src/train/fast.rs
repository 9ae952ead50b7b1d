//! The `fast` engine: a plan's operations in order on golden MCUs (one per block, every bit,
//! slice and ADC conversion modelled) and the VFU's word arithmetic, without cores, tiles or
//! data movement. A compiled program performs the same operations, so the two give the same
//! weights, outputs and event counters.

use super::plan::{Op, Operand, Plan, Slice};
use crate::arch::core::cycles_for;
use crate::arch::vfu;
use crate::config::Config;
use crate::cost::Counters;
use crate::isa::{AluOp, Arity};
use crate::mcu::{DeadCells, Mcu, McuError, McuState};

/// What a step's operations did, beyond the MCUs' own counters.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Activity {
    /// VFU element operations: arithmetic and logic lanes, and the function unit.
    pub vfu_lane_ops: u64,
    pub vfu_transcendental_ops: u64,
    /// Per slice, cells whose OPA update hit the cell range, and the levels lost.
    pub clip_events: Vec<u64>,
    pub clipped_levels: Vec<f64>,
    /// MVM/MTVM output words that saturated, and ADC conversions that clipped.
    pub saturations: u64,
    pub adc_clips: u64,
    /// Weights a CRS clamped to the word range.
    pub crs_saturations: u64,
    pub crs: u64,
    /// Training steps run (one per training sample).
    #[serde(default)]
    pub steps: u64,
    /// Cycles of the CRS runs: per run, the slowest MCU's (the cores resolve in parallel;
    /// a CRS's time depends on the rows its updates touched).
    #[serde(default)]
    pub crs_cycles: u64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FastState {
    pub mcus: Vec<McuState>,
    pub buffers: Vec<Vec<i16>>,
    pub activity: Activity,
}

pub struct FastNet {
    /// The compiled programs' cost outside the MCUs, when the network compiles.
    pub machine_cost: Option<super::arch::ProgramCost>,
    clock_ns: f64,
    pub plan: Plan,
    pub mcus: Vec<Mcu>,
    bufs: Vec<Vec<i16>>,
    frac: u32,
    pub activity: Activity,
}

impl FastNet {
    /// The MCUs of `plan` under `cfg` (MCU k is block k, its device maps seeded by k), each
    /// programmed with its block of `weights` (per layer, rows = inputs then the bias row,
    /// columns = outputs; values as fixed-point words). Counters start at 0 after it.
    pub fn new(plan: Plan, cfg: &Config, weights: &[Vec<Vec<i64>>]) -> Result<FastNet, McuError> {
        let (rows, cols) = (cfg.array.rows, cfg.array.cols);
        let mut mcus = Vec::with_capacity(plan.blocks.len());
        for k in 0..plan.blocks.len() {
            let mut m = Mcu::new(cfg, k as u64);
            m.write_weights(&plan.block_image(k, weights, rows, cols))?;
            m.reset_counters();
            let b = plan.blocks[k];
            m.set_live_window(b.rows, b.cols, DeadCells::Kept);
            mcus.push(m);
        }
        let slices = cfg.slicing.slices;
        Ok(FastNet {
            machine_cost: None,
            clock_ns: cfg.timing.clock_ns,
            bufs: plan.buffers.iter().map(|(_, n)| vec![0; *n]).collect(),
            plan,
            mcus,
            frac: cfg.format.frac_bits,
            activity: Activity {
                clip_events: vec![0; slices],
                clipped_levels: vec![0.0; slices],
                ..Activity::default()
            },
        })
    }

    /// Every MCU, the buffers and the activity so far (checkpoints).
    pub fn state(&self) -> FastState {
        FastState {
            mcus: self.mcus.iter().map(|m| m.state()).collect(),
            buffers: self.bufs.clone(),
            activity: self.activity.clone(),
        }
    }

    pub fn restore(&mut self, s: &FastState) -> Result<(), String> {
        if s.mcus.len() != self.mcus.len() {
            return Err(format!(
                "{} MCUs saved, the network maps onto {}",
                s.mcus.len(),
                self.mcus.len()
            ));
        }
        for (k, (m, st)) in self.mcus.iter_mut().zip(&s.mcus).enumerate() {
            m.restore(st).map_err(|e| format!("MCU {k}: {e}"))?;
        }
        let lens = |b: &[Vec<i16>]| b.iter().map(Vec::len).collect::<Vec<_>>();
        if lens(&s.buffers) != lens(&self.bufs)
            || s.activity.clip_events.len() != self.activity.clip_events.len()
        {
            return Err("the saved buffers do not fit the network's plan".into());
        }
        self.bufs = s.buffers.clone();
        self.activity = s.activity.clone();
        Ok(())
    }

    /// The words of a slice.
    pub fn read(&self, s: Slice) -> &[i16] {
        &self.bufs[s.buf][s.range()]
    }

    pub fn write(&mut self, s: Slice, words: &[i16]) {
        self.bufs[s.buf][s.range()].copy_from_slice(words);
    }

    /// Put a sample in: features as input words, the label as a one-hot target.
    pub fn load(&mut self, x: &[f64], label: usize) {
        let io = self.plan.io;
        let (words, t) = self.plan.sample_words(x, label, self.frac);
        self.write(io.x.sub(0, words.len()), &words);
        self.write(io.target, &t);
    }

    /// Inference: the class with the highest score.
    pub fn predict(&mut self) -> Result<usize, McuError> {
        let ops = std::mem::take(&mut self.plan.forward);
        let r = self.run(&ops);
        self.plan.forward = ops;
        r?;
        Ok(argmax(self.read(self.plan.io.scores)))
    }

    /// One training sample (forward, loss gradient, backward, updates): the loss (from the
    /// prediction words) and whether the prediction was right.
    pub fn train_sample(&mut self, label: usize) -> Result<(f64, bool), McuError> {
        self.activity.steps += 1;
        if let Some((s, words)) = self.plan.dither_words(self.activity.steps) {
            self.write(s, &words);
        }
        let predicted = self.predict()?;
        let ops = std::mem::take(&mut self.plan.backward);
        let r = self.run(&ops);
        self.plan.backward = ops;
        r?;
        let one = self.plan.one as f64;
        let p: Vec<f64> = self
            .read(self.plan.io.prediction)
            .iter()
            .map(|&w| w as f64 / one)
            .collect();
        let loss = loss(self.plan.loss, &p, label, one);
        Ok((loss, predicted == label))
    }

    /// A CRS on every MCU.
    pub fn crs(&mut self) {
        let mut cycles = 1;
        for m in self.mcus.iter_mut() {
            let before = m.counters.busy_ns;
            self.activity.crs_saturations += m.crs().saturations;
            cycles = cycles.max(cycles_for(m.counters.busy_ns - before, self.clock_ns));
        }
        self.activity.crs += 1;
        self.activity.crs_cycles += cycles;
    }

    /// Event counters of every MCU, summed.
    pub fn counters(&self) -> Counters {
        let mut c = Counters::default();
        for m in &self.mcus {
            c.add(&m.counters);
        }
        c
    }

    /// Run operations in order.
    pub fn run(&mut self, ops: &[Op]) -> Result<(), McuError> {
        for op in ops {
            self.op(op)?;
        }
        Ok(())
    }

    fn line(&self, s: Slice, n: usize) -> Vec<i64> {
        let mut v = vec![0i64; n];
        for (d, &w) in v.iter_mut().zip(self.read(s)) {
            *d = w as i64;
        }
        v
    }

    fn op(&mut self, op: &Op) -> Result<(), McuError> {
        match *op {
            Op::Mvm { block, x, y } => {
                let xv = self.line(x, self.mcus[block].rows());
                let out = self.mcus[block].mvm(&xv)?;
                self.activity.saturations += out.saturations;
                self.activity.adc_clips += out.adc_clips;
                let words: Vec<i16> = out.words[..y.len].iter().map(|&w| w as i16).collect();
                self.write(y, &words);
            }
            Op::Mtvm { block, d, z } => {
                let dv = self.line(d, self.mcus[block].cols());
                let out = self.mcus[block].mtvm(&dv)?;
                self.activity.saturations += out.saturations;
                self.activity.adc_clips += out.adc_clips;
                let words: Vec<i16> = out.words[..z.len].iter().map(|&w| w as i16).collect();
                self.write(z, &words);
            }
            Op::Opa { block, x, d } => {
                let (rows, cols) = (self.mcus[block].rows(), self.mcus[block].cols());
                let (xv, dv) = (self.line(x, rows), self.line(d, cols));
                let out = self.mcus[block].opa(&xv, &dv)?;
                for (k, (e, l)) in out.clip_events.iter().zip(&out.clipped_levels).enumerate() {
                    self.activity.clip_events[k] += e;
                    self.activity.clipped_levels[k] += l;
                }
            }
            Op::Set { dst, imm } => self.bufs[dst.buf][dst.range()].fill(imm),
            Op::Copy { dst, src } => {
                let words = self.read(src).to_vec();
                self.write(dst, &words);
            }
            Op::Window { .. } => {}
            Op::Alu { op, dst, a, b } => self.alu(op, dst, a, b),
        }
        Ok(())
    }

    /// The VFU's semantics (`arch::core`): elementwise, broadcast of `b`'s first word, an
    /// immediate, or a reduction into `dst`'s first word.
    fn alu(&mut self, op: AluOp, dst: Slice, a: Slice, b: Operand) {
        let n = a.len;
        if vfu::is_transcendental(op) {
            self.activity.vfu_transcendental_ops += n as u64;
        } else {
            self.activity.vfu_lane_ops += n as u64;
        }
        let av = self.read(a).to_vec();
        if op.arity() == Arity::Reduction {
            self.bufs[dst.buf][dst.start] = vfu::reduce(op, &av);
            return;
        }
        let second = |k: usize, bufs: &Vec<Vec<i16>>| match b {
            Operand::None => 0,
            Operand::Imm(i) => i,
            Operand::Vector(s) if op.arity() == Arity::Broadcast => bufs[s.buf][s.start],
            Operand::Vector(s) => bufs[s.buf][s.start + k],
        };
        let out: Vec<i16> = (0..n)
            .map(|k| vfu::alu_elem(op, av[k], second(k, &self.bufs), self.frac))
            .collect();
        self.write(dst.sub(0, n), &out);
    }
}

/// A sample's loss from the prediction words (as values): softmax cross-entropy (the
/// probability floored at one LSB) or half the squared error.
pub fn loss(kind: super::model::Loss, p: &[f64], label: usize, one: f64) -> f64 {
    match kind {
        super::model::Loss::SoftmaxCrossEntropy => -(p[label].max(1.0 / one)).ln(),
        super::model::Loss::Mse => {
            p.iter()
                .enumerate()
                .map(|(j, v)| (v - (j == label) as u8 as f64).powi(2))
                .sum::<f64>()
                / 2.0
        }
    }
}

/// The index of the highest value (the first of equals).
pub fn argmax<T: PartialOrd>(v: &[T]) -> usize {
    let mut best = 0;
    for (k, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = k;
        }
    }
    best
}
