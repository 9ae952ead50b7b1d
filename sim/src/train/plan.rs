//! A network mapped onto MCUs, and its training step as a list of machine operations.
//!
//! Each dense layer's weight matrix, with its bias as one more input row, is tiled into
//! MCU-sized blocks (rows = inputs, columns = outputs); every block is one MCU and stays
//! there (PUMA's spatial mapping). One training step is a fixed list of [`Op`]s over named
//! vectors: MVMs with the partial sums of row blocks added on the VFU, activations, the
//! loss gradient, MTVMs with activation derivatives, and the OPAs with the learning rate
//! folded into the column input. The `fast` engine runs this list on golden MCUs; a
//! compiled program is the same list in ISA instructions. Word arithmetic is the VFU's
//! (`arch::vfu`), in the config's fixed point.

use super::model::{Activation, Layer, Loss, Model};
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

/// One layer on the machine.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedLayer {
    pub inputs: usize,
    pub outputs: usize,
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
        let widths = model.widths();
        let mut layers = Vec::new();
        let mut blocks = Vec::new();
        for (l, layer) in model.layers.iter().enumerate() {
            let Layer::Dense {
                out,
                activation,
                bias,
            } = *layer;
            let m = MappedLayer {
                inputs: widths[l],
                outputs: out,
                bias,
                activation,
                row_blocks: (widths[l] + bias as usize).div_ceil(rows),
                col_blocks: out.div_ceil(cols),
                first_block: blocks.len(),
            };
            for rb in 0..m.row_blocks {
                for cb in 0..m.col_blocks {
                    blocks.push(Block {
                        layer: l,
                        rb,
                        cb,
                        rows: rows.min(m.rows() - rb * rows),
                        cols: cols.min(out - cb * cols),
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
        // Each layer's input vector ends with its bias input (1.0), set once at the start
        // of a step (`Set`), so MVM and OPA see it like any input.
        let inputs: Vec<Slice> = layers
            .iter()
            .enumerate()
            .map(|(l, m)| b.buffer(format!("x{l}"), m.rows()))
            .collect();
        let pre: Vec<Slice> = layers
            .iter()
            .enumerate()
            .map(|(l, m)| b.buffer(format!("z{l}"), m.outputs))
            .collect();
        let partial: Vec<Slice> = layers
            .iter()
            .enumerate()
            .map(|(l, m)| b.buffer(format!("z{l}_part"), m.outputs))
            .collect();
        let outs = layers.len();
        let last = &layers[outs - 1];
        let scores = pre[outs - 1];
        let act_last = b.buffer("a_out".into(), last.outputs);
        let target = b.buffer("target".into(), last.outputs);
        // Forward.
        for (l, m) in layers.iter().enumerate() {
            if m.bias {
                b.ops.push(Op::Set {
                    dst: inputs[l].sub(m.inputs, 1),
                    imm: one,
                });
            }
            for rb in 0..m.row_blocks {
                for cb in 0..m.col_blocks {
                    let k = m.first_block + rb * m.col_blocks + cb;
                    let blk = blocks[k];
                    let x = inputs[l].sub(rb * rows, blk.rows);
                    let dst = if rb == 0 { pre[l] } else { partial[l] };
                    b.ops.push(Op::Mvm {
                        block: k,
                        x,
                        y: dst.sub(cb * cols, blk.cols),
                    });
                }
                if rb > 0 {
                    b.alu(AluOp::Add, pre[l], pre[l], Operand::Vector(partial[l]));
                }
            }
            let a = if l + 1 < outs {
                inputs[l + 1].sub(0, m.outputs)
            } else {
                act_last
            };
            b.activate(m.activation, a, pre[l]);
        }
        // The loss gradient at the last layer's pre-activation.
        let grad = b.buffer("delta_out".into(), last.outputs);
        let prediction = match model.loss {
            Loss::SoftmaxCrossEntropy => {
                let n = last.outputs;
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
                let t = b.buffer("t_out".into(), last.outputs);
                b.alu(AluOp::Sub, grad, act_last, Operand::Vector(target));
                b.derivative(last.activation, grad, act_last, scores, t);
                act_last
            }
        };
        let forward = std::mem::take(&mut b.ops);
        // Backward: each layer's delta, then every update with -lr folded into the
        // columns. Every MTVM reads the weights before any OPA of the step changes them.
        let neg_lr = -(fixed::from_f64(model.training.lr, cfg.format.input_frac_bits, 16) as i16);
        let mut delta = grad;
        let mut deltas = vec![grad; outs];
        for l in (1..outs).rev() {
            let m = &layers[l];
            let below = &layers[l - 1];
            let back = b.buffer(format!("delta{}", l - 1), below.outputs);
            let part = b.buffer(format!("delta{}_part", l - 1), below.outputs);
            let t = b.buffer(format!("t{}", l - 1), below.outputs);
            for cb in 0..m.col_blocks {
                for rb in 0..m.row_blocks {
                    let k = m.first_block + rb * m.col_blocks + cb;
                    let blk = blocks[k];
                    // Only the rows of real inputs: the bias row has no delta below.
                    let live = blk.rows.min(below.outputs.saturating_sub(rb * rows));
                    if live == 0 {
                        continue;
                    }
                    let dst = if cb == 0 { back } else { part };
                    b.ops.push(Op::Mtvm {
                        block: k,
                        d: delta.sub(cb * cols, blk.cols),
                        z: dst.sub(rb * rows, live),
                    });
                }
                if cb > 0 {
                    b.alu(AluOp::Add, back, back, Operand::Vector(part));
                }
            }
            b.derivative(
                below.activation,
                back,
                inputs[l].sub(0, below.outputs),
                pre[l - 1],
                t,
            );
            deltas[l - 1] = back;
            delta = back;
        }
        for (l, m) in layers.iter().enumerate() {
            let cols_in = b.buffer(format!("update{l}"), m.outputs);
            b.alui(AluOp::Mul, cols_in, deltas[l], neg_lr);
            for rb in 0..m.row_blocks {
                for cb in 0..m.col_blocks {
                    let k = m.first_block + rb * m.col_blocks + cb;
                    let blk = blocks[k];
                    b.ops.push(Op::Opa {
                        block: k,
                        x: inputs[l].sub(rb * rows, blk.rows),
                        d: cols_in.sub(cb * cols, blk.cols),
                    });
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
