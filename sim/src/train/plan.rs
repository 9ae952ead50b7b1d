//! A network mapped onto MCUs, and its training step as a list of machine operations.
//!
//! Each layer's weight matrix, with its bias as one more input row, is tiled into
//! MCU-sized blocks (rows = inputs, columns = outputs); every block is one MCU and stays
//! there (PUMA's spatial mapping). A convolution's matrix is its unrolled kernel (taps x
//! out channels), applied at each output position to that position's window, which the
//! step gathers from the input map ([`super::window`]): the window loop, unrolled. One
//! training step is a fixed list of [`Op`]s over named vectors: MVMs with the partial sums
//! of row blocks added on the VFU, activations, the loss gradient, MTVMs with activation
//! derivatives (a convolution's window gradients added back into its input map), and the
//! OPAs (one per block and window) with the learning rate folded into the column input.
//! The `fast` engine runs this list on golden MCUs; a compiled program is the same list in
//! ISA instructions. Word arithmetic is the VFU's
//! (`arch::vfu`), in the config's fixed point.

use super::model::{Activation, Loss, Model, UpdateRounding};
use super::window::Window;
use crate::config::Config;
use crate::fixed;
use crate::isa::AluOp;

/// A run of one vector: `len` words of buffer `buf` from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub buf: usize,
    pub start: usize,
    pub len: usize,
}

impl Slice {
    pub fn sub(self, start: usize, len: usize) -> Slice {
        debug_assert!(start + len <= self.len);
        Slice {
            buf: self.buf,
            start: self.start + start,
            len,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.start + self.len
    }
}

/// The second operand of a VFU operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// Unary operations and reductions.
    None,
    /// Elementwise (binary) or its first word (broadcast).
    Vector(Slice),
    Imm(i16),
}

/// One machine operation of a training step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `y` (the block's live columns) = MVM of block `block` on `x` (its live rows).
    Mvm { block: usize, x: Slice, y: Slice },
    /// `z` (live rows) = MTVM of block `block` on `d` (live columns).
    Mtvm { block: usize, d: Slice, z: Slice },
    /// The block's weights += `x` (rows) outer `d` (columns), aligned.
    Opa { block: usize, x: Slice, d: Slice },
    /// A VFU operation (`alu` / `alui`).
    Alu {
        op: AluOp,
        dst: Slice,
        a: Slice,
        b: Operand,
    },
    /// Every word of `dst` = `imm` (`set`).
    Set { dst: Slice, imm: i16 },
    /// `dst` = `src` (`cp`): a convolution's window from its input map.
    Copy { dst: Slice, src: Slice },
    /// The operations that follow, up to the next mark, are convolution layer `layer` at
    /// output `position` (row-major): a comment in the listings, nothing to run.
    Window { layer: usize, position: usize },
}

/// One MCU-sized block of a layer's weight matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub layer: usize,
    /// Row block and column block within the layer.
    pub rb: usize,
    pub cb: usize,
    /// Live rows and columns (the rest of the array holds zeros).
    pub rows: usize,
    pub cols: usize,
}

/// One layer on the machine: its matrix (rows = the window's taps and the bias row,
/// columns = outputs), applied at each of its window's positions.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedLayer {
    /// Matrix rows without the bias: the window's taps.
    pub inputs: usize,
    /// Matrix columns: a dense layer's outputs, a convolution's out channels.
    pub outputs: usize,
    pub window: Window,
    pub bias: bool,
    pub activation: Activation,
    pub row_blocks: usize,
    pub col_blocks: usize,
    /// Index of its block (0, 0) in [`Plan::blocks`]; blocks are row-block major.
    pub first_block: usize,
}

impl MappedLayer {
    /// Weight rows: the inputs and the bias row.
    pub fn rows(&self) -> usize {
        self.inputs + self.bias as usize
    }

    /// Words of the output map: the outputs at every position.
    pub fn output_len(&self) -> usize {
        self.window.positions() * self.outputs
    }

    /// The layer gathers its windows from its input map (a convolution).
    pub fn gathers(&self) -> bool {
        !self.window.is_whole_input()
    }
}

/// Named buffers the runtime fills or reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Io {
    /// Input words, then 1.0 when the first layer has a bias.
    pub x: Slice,
    /// One-hot target (1.0 at the label).
    pub target: Slice,
    /// The last layer's outputs (pre-activation for softmax, activation for MSE).
    pub scores: Slice,
    /// The softmax probabilities (softmax loss) or the outputs (MSE).
    pub prediction: Slice,
}

/// Stochastic rounding of the updates: -lr * delta is formed with `bits` more fraction
/// bits, a random word in [-2^(bits-1), 2^(bits-1)) is added and the shift right by `bits`
/// (which rounds half up) drops them: it rounds up with the probability of the dropped
/// fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dither {
    pub bits: u32,
    pub seed: u64,
    /// The random words, written by the runtime before each training step
    /// ([`Plan::dither_words`]).
    pub words: Slice,
}

/// Random words per step: an update longer than this reuses them for each run of as many
/// columns (each column still rounds without bias; columns this far apart round alike
/// within a step). The leader's data memory is small (2048 words): 64 words keep the
/// Fashion-MNIST MLP in it.
pub const DITHER_WORDS: usize = 64;

/// Extra fraction bits of the dithered update: as many as keep -lr in a word, at most 4.
fn dither_bits(lr: f64, frac: u32) -> u32 {
    (0..=4u32)
        .rev()
        .find(|&s| (lr * (1u64 << (frac + s)) as f64).round() < i16::MAX as f64)
        .unwrap_or(0)
}

/// A network mapped onto MCUs and its training step.
#[derive(Debug, Clone)]
pub struct Plan {
    pub layers: Vec<MappedLayer>,
    pub blocks: Vec<Block>,
    pub buffers: Vec<(String, usize)>,
    pub io: Io,
    /// Inference: input to prediction.
    pub forward: Vec<Op>,
    /// Loss gradient, backward pass and the weight updates (after `forward`).
    pub backward: Vec<Op>,
    pub loss: Loss,
    /// 1.0 in the config's fixed point.
    pub one: i16,
    /// The updates' stochastic rounding; None when they round to nearest.
    pub dither: Option<Dither>,
}

struct Builder {
    buffers: Vec<(String, usize)>,
    ops: Vec<Op>,
    one: i16,
}

impl Builder {
    fn buffer(&mut self, name: String, len: usize) -> Slice {
        self.buffers.push((name, len));
        Slice {
            buf: self.buffers.len() - 1,
            start: 0,
            len,
        }
    }

    fn alu(&mut self, op: AluOp, dst: Slice, a: Slice, b: Operand) {
        self.ops.push(Op::Alu { op, dst, a, b });
    }

    /// `dst = a * imm` etc.
    fn alui(&mut self, op: AluOp, dst: Slice, a: Slice, imm: i16) {
        self.alu(op, dst, a, Operand::Imm(imm));
    }

    /// Window `p` of a convolution layer `l` into its vector: zeros where it overhangs
    /// the map, then one copy per kernel row. A dense layer's window is its input.
    fn gather(&mut self, l: usize, m: &MappedLayer, p: usize, input: Slice, window: Slice) {
        if !m.gathers() {
            return;
        }
        self.ops.push(Op::Window {
            layer: l,
            position: p,
        });
        let runs = m.window.runs(p);
        if runs.iter().map(|r| r.len).sum::<usize>() < m.inputs {
            self.ops.push(Op::Set {
                dst: window.sub(0, m.inputs),
                imm: 0,
            });
        }
        for r in runs {
            self.ops.push(Op::Copy {
                dst: window.sub(r.tap, r.len),
                src: input.sub(r.input, r.len),
            });
        }
    }

    /// `d = 0` where the MVM output `z` saturated (at the word's top or bottom): there the
    /// machine's function is flat, and a gradient through it would grow the weights without
    /// changing the output. `t` is scratch of the same length.
    fn stop_at_saturation(&mut self, d: Slice, z: Slice, t: Slice) {
        for (op, edge) in [(AluOp::Lt, i16::MAX), (AluOp::Gt, i16::MIN)] {
            self.alui(op, t, z, edge);
            self.alu(AluOp::Mul, d, d, Operand::Vector(t));
        }
    }

    /// The activation of `z` into `a`.
    fn activate(&mut self, f: Activation, a: Slice, z: Slice) {
        let op = match f {
            Activation::Sigmoid => AluOp::Sig,
            Activation::Tanh => AluOp::Tanh,
            Activation::Relu => AluOp::Relu,
            // `z + 0`: a copy through the VFU.
            Activation::None => return self.alui(AluOp::Add, a, z, 0),
        };
        self.alu(op, a, z, Operand::None);
    }

    /// `d = d * f'(z)`, the derivative from the activation `a` (or `z` for ReLU); `t` is
    /// scratch of the same length.
    fn derivative(&mut self, f: Activation, d: Slice, a: Slice, z: Slice, t: Slice) {
        let one = self.one;
        match f {
            Activation::None => {}
            Activation::Relu => {
                self.alu(AluOp::Relud, t, z, Operand::None);
                self.alu(AluOp::Mul, d, d, Operand::Vector(t));
            }
            // a (1 - a)
            Activation::Sigmoid => {
                self.alui(AluOp::Mul, t, a, -one);
                self.alui(AluOp::Add, t, t, one);
                self.alu(AluOp::Mul, t, t, Operand::Vector(a));
                self.alu(AluOp::Mul, d, d, Operand::Vector(t));
            }
            // 1 - a^2
            Activation::Tanh => {
                self.alu(AluOp::Mul, t, a, Operand::Vector(a));
                self.alui(AluOp::Mul, t, t, -one);
                self.alui(AluOp::Add, t, t, one);
                self.alu(AluOp::Mul, d, d, Operand::Vector(t));
            }
        }
    }
}

impl Plan {
    /// Map `model` onto MCUs of `cfg`'s array size and write its training step.
    pub fn new(model: &Model, cfg: &Config) -> Plan {
        let (rows, cols) = (cfg.array.rows, cfg.array.cols);
        let one = fixed::from_f64(1.0, cfg.format.frac_bits, 16) as i16;
        let mut layers = Vec::new();
        let mut blocks = Vec::new();
        for (l, s) in model.shapes().into_iter().enumerate() {
            let m = MappedLayer {
                inputs: s.window.taps(),
                outputs: s.outputs,
                bias: s.bias,
                activation: s.activation,
                window: s.window,
                row_blocks: s.rows().div_ceil(rows),
                col_blocks: s.outputs.div_ceil(cols),
                first_block: blocks.len(),
            };
            for rb in 0..m.row_blocks {
                for cb in 0..m.col_blocks {
                    blocks.push(Block {
                        layer: l,
                        rb,
                        cb,
                        rows: rows.min(m.rows() - rb * rows),
                        cols: cols.min(m.outputs - cb * cols),
                    });
                }
            }
            layers.push(m);
        }
        let mut b = Builder {
            buffers: Vec::new(),
            ops: Vec::new(),
            one,
        };
        // Each layer's input map; a dense layer's ends with its bias input (1.0) and is its
        // window. A convolution gathers each window into its own vector, which ends with
        // the bias input. The bias inputs are set once at the start of a step (`Set`), so
        // MVM and OPA see them like any input.
        let inputs: Vec<Slice> = layers
            .iter()
            .enumerate()
            .map(|(l, m)| {
                let len = if m.gathers() {
                    m.window.input.len()
                } else {
                    m.rows()
                };
                b.buffer(format!("x{l}"), len)
            })
            .collect();
        let windows: Vec<Slice> = layers
            .iter()
            .enumerate()
            .map(|(l, m)| {
                if m.gathers() {
                    b.buffer(format!("x{l}_window"), m.rows())
                } else {
                    inputs[l]
                }
            })
            .collect();
        let pre: Vec<Slice> = layers
            .iter()
            .enumerate()
            .map(|(l, m)| b.buffer(format!("z{l}"), m.output_len()))
            .collect();
        let partial: Vec<Slice> = layers
            .iter()
            .enumerate()
            .map(|(l, m)| b.buffer(format!("z{l}_part"), m.outputs))
            .collect();
        let outs = layers.len();
        let last = &layers[outs - 1];
        let scores = pre[outs - 1];
        let act_last = b.buffer("a_out".into(), last.output_len());
        let target = b.buffer("target".into(), last.output_len());
        // Forward.
        for (l, m) in layers.iter().enumerate() {
            if m.bias {
                b.ops.push(Op::Set {
                    dst: windows[l].sub(m.inputs, 1),
                    imm: one,
                });
            }
            for p in 0..m.window.positions() {
                b.gather(l, m, p, inputs[l], windows[l]);
                let z = pre[l].sub(p * m.outputs, m.outputs);
                for rb in 0..m.row_blocks {
                    for cb in 0..m.col_blocks {
                        let k = m.first_block + rb * m.col_blocks + cb;
                        let blk = blocks[k];
                        let x = windows[l].sub(rb * rows, blk.rows);
                        let dst = if rb == 0 { z } else { partial[l] };
                        b.ops.push(Op::Mvm {
                            block: k,
                            x,
                            y: dst.sub(cb * cols, blk.cols),
                        });
                    }
                    if rb > 0 {
                        b.alu(AluOp::Add, z, z, Operand::Vector(partial[l]));
                    }
                }
            }
            let a = if l + 1 < outs {
                inputs[l + 1].sub(0, m.output_len())
            } else {
                act_last
            };
            b.activate(m.activation, a, pre[l]);
        }
        // The loss gradient at the last layer's pre-activation.
        let grad = b.buffer("delta_out".into(), last.output_len());
        let prediction = match model.loss {
            Loss::SoftmaxCrossEntropy => {
                let n = last.output_len();
                let max = b.buffer("max".into(), 1);
                let sum = b.buffer("sum".into(), 1);
                let e = b.buffer("exp".into(), n);
                let sums = b.buffer("sums".into(), n);
                let p = b.buffer("p".into(), n);
                b.alu(AluOp::Redmax, max, scores, Operand::None);
                b.alu(AluOp::Bsub, e, scores, Operand::Vector(max));
                b.alu(AluOp::Exp, e, e, Operand::None);
                // exp <= 1; a sum of n of them must stay below the word's range (8.0 in
                // Q4.12): scale them by 2^-k first, the ratio does not change.
                let k = shift_for(n, cfg.format.frac_bits);
                if k > 0 {
                    b.alui(AluOp::Shr, e, e, k as i16);
                }
                b.alu(AluOp::Redsum, sum, e, Operand::None);
                b.ops.push(Op::Set {
                    dst: sums,
                    imm: one,
                });
                b.alu(AluOp::Bmul, sums, sums, Operand::Vector(sum));
                b.alu(AluOp::Div, p, e, Operand::Vector(sums));
                b.alu(AluOp::Sub, grad, p, Operand::Vector(target));
                p
            }
            Loss::Mse => {
                let t = b.buffer("t_out".into(), last.output_len());
                b.alu(AluOp::Sub, grad, act_last, Operand::Vector(target));
                b.derivative(last.activation, grad, act_last, scores, t);
                act_last
            }
        };
        let t_out = b.buffer("t_saturated".into(), last.output_len());
        b.stop_at_saturation(grad, scores, t_out);
        let forward = std::mem::take(&mut b.ops);
        // Backward: each layer's delta, then every update with -lr folded into the
        // columns. Every MTVM reads the weights before any OPA of the step changes them.
        let frac_in = cfg.format.input_frac_bits;
        let bits = dither_bits(model.training.lr, frac_in);
        let dither = (model.training.update_rounding == UpdateRounding::Stochastic && bits > 0)
            .then(|| {
                let widest = layers.iter().map(|m| m.output_len()).max().unwrap_or(0);
                Dither {
                    bits,
                    seed: model.training.seed,
                    words: b.buffer("dither".into(), widest.min(DITHER_WORDS)),
                }
            });
        let extra = dither.map_or(0, |d| d.bits);
        let neg_lr = -(fixed::from_f64(model.training.lr, frac_in + extra, 16) as i16);
        let mut delta = grad;
        let mut deltas = vec![grad; outs];
        for l in (1..outs).rev() {
            let m = &layers[l];
            let below = layers[l - 1].output_len();
            let back = b.buffer(format!("delta{}", l - 1), below);
            // A dense layer's MTVMs write the delta below directly; a convolution's write
            // each window's gradient, which adds into the map's delta at the window's runs.
            let (taps, taps_part) = if m.gathers() {
                b.ops.push(Op::Set { dst: back, imm: 0 });
                (
                    b.buffer(format!("x{l}_window_delta"), m.inputs),
                    b.buffer(format!("x{l}_window_delta_part"), m.inputs),
                )
            } else {
                (back, b.buffer(format!("delta{}_part", l - 1), below))
            };
            let t = b.buffer(format!("t{}", l - 1), below);
            for p in 0..m.window.positions() {
                if m.gathers() {
                    b.ops.push(Op::Window {
                        layer: l,
                        position: p,
                    });
                }
                for cb in 0..m.col_blocks {
                    for rb in 0..m.row_blocks {
                        let k = m.first_block + rb * m.col_blocks + cb;
                        let blk = blocks[k];
                        // Only the rows of real inputs: the bias row has no delta below.
                        let live = blk.rows.min(m.inputs.saturating_sub(rb * rows));
                        if live == 0 {
                            continue;
                        }
                        let dst = if cb == 0 { taps } else { taps_part };
                        b.ops.push(Op::Mtvm {
                            block: k,
                            d: delta.sub(p * m.outputs + cb * cols, blk.cols),
                            z: dst.sub(rb * rows, live),
                        });
                    }
                    if cb > 0 {
                        b.alu(AluOp::Add, taps, taps, Operand::Vector(taps_part));
                    }
                }
                if m.gathers() {
                    for r in m.window.runs(p) {
                        let dst = back.sub(r.input, r.len);
                        b.alu(
                            AluOp::Add,
                            dst,
                            dst,
                            Operand::Vector(taps.sub(r.tap, r.len)),
                        );
                    }
                }
            }
            b.derivative(
                layers[l - 1].activation,
                back,
                inputs[l].sub(0, below),
                pre[l - 1],
                t,
            );
            b.stop_at_saturation(back, pre[l - 1], t);
            deltas[l - 1] = back;
            delta = back;
        }
        for (l, m) in layers.iter().enumerate() {
            let cols_in = b.buffer(format!("update{l}"), m.output_len());
            b.alui(AluOp::Mul, cols_in, deltas[l], neg_lr);
            if let Some(Dither { words: r, .. }) = dither {
                for at in (0..cols_in.len).step_by(r.len) {
                    let part = cols_in.sub(at, r.len.min(cols_in.len - at));
                    b.alu(AluOp::Add, part, part, Operand::Vector(r.sub(0, part.len)));
                }
                b.alui(AluOp::Shr, cols_in, cols_in, extra as i16);
            }
            for p in 0..m.window.positions() {
                b.gather(l, m, p, inputs[l], windows[l]);
                for rb in 0..m.row_blocks {
                    for cb in 0..m.col_blocks {
                        let k = m.first_block + rb * m.col_blocks + cb;
                        let blk = blocks[k];
                        b.ops.push(Op::Opa {
                            block: k,
                            x: windows[l].sub(rb * rows, blk.rows),
                            d: cols_in.sub(p * m.outputs + cb * cols, blk.cols),
                        });
                    }
                }
            }
        }
        let backward = std::mem::take(&mut b.ops);
        Plan {
            io: Io {
                x: inputs[0],
                target,
                scores,
                prediction,
            },
            dither,
            layers,
            blocks,
            buffers: b.buffers,
            forward,
            backward,
            loss: model.loss,
            one,
        }
    }

    /// MCUs the network occupies.
    pub fn mcus(&self) -> usize {
        self.blocks.len()
    }

    /// The rows x cols weight image of block k (row-major; zeros outside its live part)
    /// from per-layer weights (rows = inputs then the bias row, columns = outputs).
    pub fn block_image(
        &self,
        k: usize,
        weights: &[Vec<Vec<i64>>],
        rows: usize,
        cols: usize,
    ) -> Vec<i64> {
        let b = self.blocks[k];
        let mut w = vec![0i64; rows * cols];
        for i in 0..b.rows {
            for j in 0..b.cols {
                w[i * cols + j] = weights[b.layer][b.rb * rows + i][b.cb * cols + j];
            }
        }
        w
    }

    /// The random words the runtime writes before training step `step` (None: the updates
    /// round to nearest): a pure function of the seed and the step, so every engine and a
    /// resumed run see the same.
    pub fn dither_words(&self, step: u64) -> Option<(Slice, Vec<i16>)> {
        let d = self.dither?;
        let slice = d.words;
        let key = crate::rng::Key::new(d.seed)
            .with(0x6469_7468_6572)
            .with(step);
        let half = 1i64 << (d.bits - 1);
        let words = (0..slice.len as u64)
            .map(|i| ((key.bits(i) % (2 * half) as u64) as i64 - half) as i16)
            .collect();
        Some((slice, words))
    }

    /// A sample as the runtime puts it in: the input words (`frac` fraction bits) and the
    /// one-hot target (1.0 at the label).
    pub fn sample_words(&self, x: &[f64], label: usize, frac: u32) -> (Vec<i16>, Vec<i16>) {
        let words = x
            .iter()
            .map(|&v| fixed::from_f64(v, frac, 16) as i16)
            .collect();
        let mut t = vec![0i16; self.io.target.len];
        if let Some(w) = t.get_mut(label) {
            *w = self.one;
        }
        (words, t)
    }
}

/// The right shift that keeps a sum of `n` values up to 1.0 below the word's top (2^(15 -
/// frac) in value).
fn shift_for(n: usize, frac: u32) -> u32 {
    let top = (1u64 << (15 - frac)) as f64;
    let mut k = 0;
    while n as f64 / (1u64 << k) as f64 >= top {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use crate::train::model::Model;

    #[test]
    fn layers_tile_into_blocks_with_their_bias_row() {
        let model = Model::from_toml_str(
            r#"
name = "t"
input = { size = 20 }
loss = "softmax_cross_entropy"
[[layers]]
type = "dense"
out = 17
activation = "relu"
[[layers]]
type = "dense"
out = 3
[training]
lr = 0.1
epochs = 1
crs_every = 4
"#,
            "t",
        )
        .unwrap();
        let plan = Plan::new(&model, &Preset::Small.config());
        // 21 rows (20 + bias) x 17 columns on 16 x 16 arrays: 2 x 2 blocks; then 18 x 3: 2 x 1.
        assert_eq!(plan.mcus(), 6);
        assert_eq!((plan.blocks[3].rows, plan.blocks[3].cols), (5, 1));
        assert_eq!((plan.blocks[5].rows, plan.blocks[5].cols), (2, 3));
        let mvms = plan
            .forward
            .iter()
            .filter(|o| matches!(o, Op::Mvm { .. }))
            .count();
        let opas = plan
            .backward
            .iter()
            .filter(|o| matches!(o, Op::Opa { .. }))
            .count();
        // The second layer's bias row has no MTVM below it.
        let mtvms = plan
            .backward
            .iter()
            .filter(|o| matches!(o, Op::Mtvm { .. }))
            .count();
        assert_eq!((mvms, opas, mtvms), (6, 6, 2));
        assert_eq!(shift_for(10, 12), 1);
        assert_eq!(shift_for(7, 12), 0);
    }
}

#[cfg(test)]
mod rounding_tests {
    use super::*;
    use crate::arch::vfu::alu_elem;
    use crate::config::Preset;
    use crate::train::model::Model;

    fn plan_with(rounding: &str, lr: f64) -> Plan {
        let text = format!(
            "name = \"m\"\ninput = {{ size = 3 }}\nloss = \"softmax_cross_entropy\"\n\
             [[layers]]\ntype = \"dense\"\nout = 4\n\
             [training]\nlr = {lr}\nepochs = 1\ncrs_every = 1\nupdate_rounding = \"{rounding}\"\n"
        );
        Plan::new(
            &Model::from_toml_str(&text, "m.toml").unwrap(),
            &Preset::Small.config(),
        )
    }

    /// The update words of one step for deltas `d`, by the plan's own update operations.
    fn updates(plan: &Plan, d: &[i16], step: u64) -> Vec<i16> {
        let mut bufs: Vec<Vec<i16>> = plan.buffers.iter().map(|b| vec![0; b.1]).collect();
        if let Some((s, w)) = plan.dither_words(step) {
            bufs[s.buf][s.range()].copy_from_slice(&w);
        }
        let ops: Vec<&Op> = plan
            .backward
            .iter()
            .filter(|o| matches!(o, Op::Alu { .. }))
            .collect();
        let Op::Alu {
            a: delta, dst: upd, ..
        } = ops[0]
        else {
            unreachable!()
        };
        bufs[delta.buf][delta.range()].copy_from_slice(d);
        for op in ops {
            let Op::Alu { op, dst, a, b } = *op else {
                unreachable!()
            };
            for k in 0..dst.len {
                let y = match b {
                    Operand::Imm(i) => i,
                    Operand::Vector(v) => bufs[v.buf][v.start + k],
                    Operand::None => 0,
                };
                bufs[dst.buf][dst.start + k] = alu_elem(op, bufs[a.buf][a.start + k], y, 12);
            }
        }
        bufs[upd.buf][upd.range()].to_vec()
    }

    /// Stochastic rounding of -lr * delta is unbiased over steps, down to updates of a
    /// small fraction of an LSB; to nearest they vanish. Each step's words differ.
    #[test]
    fn stochastic_update_rounding_is_unbiased_where_nearest_loses_small_updates() {
        let d = [3i16, -5, 40, 1];
        for lr in [0.02, 0.1, 0.5] {
            let stochastic = plan_with("stochastic", lr);
            let nearest = plan_with("nearest", lr);
            assert!(stochastic.dither.unwrap().bits >= 3, "{lr}");
            assert!(nearest.dither.is_none());
            let steps = 4000;
            let mut mean = [0f64; 4];
            for step in 1..=steps {
                for (m, u) in mean.iter_mut().zip(updates(&stochastic, &d, step)) {
                    *m += u as f64 / steps as f64;
                }
            }
            for (k, &dk) in d.iter().enumerate() {
                let exact = -lr * dk as f64;
                assert!(
                    (mean[k] - exact).abs() < 0.05,
                    "lr {lr} delta {dk}: mean update {} LSB, exact {exact}",
                    mean[k]
                );
            }
            let near = updates(&nearest, &d, 1);
            assert_eq!(near[3], 0, "lr {lr}: a delta of 1 LSB vanishes");
        }
        let p = plan_with("stochastic", 0.1);
        assert_ne!(p.dither_words(1).unwrap().1, p.dither_words(2).unwrap().1);
    }
}
