//! The compiler: a network's [`Plan`] as programs in the project's ISA, placed on the
//! machine. Block k sits on MCU k (tile k / (2 * cores_per_tile), core (k / 2) mod
//! cores_per_tile, MCU k mod 2), which is the MCU id the `fast` engine seeds block k with.
//! Every buffer of the plan gets general registers; an MVM, MTVM or OPA copies its operands
//! into the MCU's XbarIn/XbarOut slots (docs/isa.md), runs `train`, and copies the result
//! out; VFU operations are `alu`, `alui` and `set` with the plan's operands. Three programs
//! per core: `step` (one training sample: forward, loss gradient, backward, updates),
//! `predict` (forward only) and `crs`. docs/compiler.md.
//!
//! This first version places networks that fit one core (two MCUs); larger networks need
//! the tile send/receive between cores and tiles and are refused with a clear error.

use super::plan::{Op, Operand, Plan, Slice};
use crate::config::Config;
use crate::isa::addr::{self, OpSlot};
use crate::isa::{self, Arity, Instr, TrainMask};
use std::fmt::Write;

/// A compiled network: the listing of each program (assembly with a comment per block)
/// and the addresses of the buffers the runtime fills and reads.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub step: String,
    pub predict: String,
    pub crs: String,
    /// Data-memory address of every plan buffer.
    pub buffer_addr: Vec<u16>,
    /// Per layer: MCUs and the share of their cells that hold weights.
    pub mapping: Vec<LayerMapping>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LayerMapping {
    pub layer: usize,
    pub rows: usize,
    pub cols: usize,
    /// (tile, core, MCU) of every block, row-block major.
    pub mcus: Vec<(usize, usize, usize)>,
    /// Live cells over the cells of the layer's arrays.
    pub utilisation: f64,
}

/// Where block k sits.
pub fn place(k: usize, cores_per_tile: usize) -> (usize, usize, usize) {
    let per_tile = cores_per_tile * addr::MCUS_PER_CORE;
    (
        k / per_tile,
        (k / addr::MCUS_PER_CORE) % cores_per_tile,
        k % addr::MCUS_PER_CORE,
    )
}

/// The listing's name of a plan buffer (`v_` keeps it apart from mnemonics and operations).
fn buffer_symbol(name: &str) -> String {
    format!("v_{name}")
}

/// The listing's name of an XbarIn (`IN`) or XbarOut (`OUT`) slot, e.g. `IN1_MVM`.
fn slot_symbol(side: &str, p: usize, slot: OpSlot) -> String {
    let op = match slot {
        OpSlot::Mvm => "MVM",
        OpSlot::Mtvm => "MTVM",
        OpSlot::Opa => "OPA",
    };
    format!("{side}{p}_{op}")
}

/// Why a network cannot be compiled (yet).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct CompileError(pub String);

struct Emitter<'a> {
    plan: &'a Plan,
    text: String,
}

impl Emitter<'_> {
    /// A vector's address in the listing: its buffer's name, plus the offset.
    fn at(&self, s: Slice) -> String {
        let name = buffer_symbol(&self.plan.buffers[s.buf].0);
        match s.start {
            0 => name,
            k => format!("{name}+{k}"),
        }
    }

    fn line(&mut self, code: String, comment: &str) {
        if comment.is_empty() {
            let _ = writeln!(self.text, "        {code}");
        } else {
            let _ = writeln!(self.text, "        {code:<40} ; {comment}");
        }
    }

    /// One MCU operation of block `block`: copy each operand into its XbarIn/XbarOut slot,
    /// `train` with the operation's mask on the block's MCU, copy the result out.
    fn mcu_op(
        &mut self,
        block: usize,
        slot: OpSlot,
        operands: &[(&str, Slice, &str)],
        result: Option<(Slice, &str)>,
    ) {
        let b = self.plan.blocks[block];
        let p = block % addr::MCUS_PER_CORE;
        let name = match slot {
            OpSlot::Mvm => "MVM",
            OpSlot::Mtvm => "MTVM",
            OpSlot::Opa => "OPA",
        };
        for (k, &(side, v, what)) in operands.iter().enumerate() {
            let comment = match k {
                0 => format!(
                    "{name} layer {} row block {} col block {}: {what}",
                    b.layer, b.rb, b.cb
                ),
                _ => what.to_string(),
            };
            let code = format!(
                "cp {}, {}, {}",
                slot_symbol(side, p, slot),
                self.at(v),
                v.len
            );
            self.line(code, &comment);
        }
        let mut masks = [TrainMask::default(); addr::MCUS_PER_CORE];
        masks[p] = TrainMask {
            mvm: slot == OpSlot::Mvm,
            mtvm: slot == OpSlot::Mtvm,
            opa: slot == OpSlot::Opa,
        };
        let masks: Vec<String> = masks.iter().map(|m| m.text()).collect();
        self.line(format!("train {}", masks.join(", ")), "");
        if let Some((v, what)) = result {
            let code = format!(
                "cp {}, {}, {}",
                self.at(v),
                slot_symbol("OUT", p, slot),
                v.len
            );
            self.line(code, what);
        }
    }

    fn op(&mut self, op: &Op) {
        match *op {
            Op::Mvm { block, x, y } => self.mcu_op(
                block,
                OpSlot::Mvm,
                &[("IN", x, "inputs")],
                Some((y, "outputs")),
            ),
            Op::Mtvm { block, d, z } => self.mcu_op(
                block,
                OpSlot::Mtvm,
                &[("IN", d, "deltas")],
                Some((z, "row sums")),
            ),
            Op::Opa { block, x, d } => self.mcu_op(
                block,
                OpSlot::Opa,
                &[("IN", x, "rows"), ("OUT", d, "columns (-lr delta)")],
                None,
            ),
            Op::Set { dst, imm } => {
                self.line(format!("set {}, {imm}, {}", self.at(dst), dst.len), "")
            }
            Op::Alu { op, dst, a, b } => {
                let m = op.mnemonic();
                let (d, s) = (self.at(dst), self.at(a));
                let code = match (op.arity(), b) {
                    (_, Operand::Imm(i)) => format!("alui {m}, {d}, {s}, {i}, {}", a.len),
                    (Arity::Unary | Arity::Reduction, _) => format!("alu {m}, {d}, {s}, {}", a.len),
                    (_, Operand::Vector(v)) => {
                        format!("alu {m}, {d}, {s}, {}, {}", self.at(v), a.len)
                    }
                    (_, Operand::None) => format!("alu {m}, {d}, {s}, 0, {}", a.len),
                };
                self.line(code, "");
            }
        }
    }
}

/// Compile `plan` for `cfg`'s machine.
pub fn compile(plan: &Plan, cfg: &Config) -> Result<Compiled, CompileError> {
    if plan.mcus() > addr::MCUS_PER_CORE {
        return Err(CompileError(format!(
            "the network takes {} MCUs; this compiler places networks on one core ({} MCUs) so far (the `fast` engine trains any size)",
            plan.mcus(),
            addr::MCUS_PER_CORE
        )));
    }
    let mut addr = Vec::new();
    let mut next = addr::DATA_MEM_BASE as usize;
    for (_, n) in &plan.buffers {
        addr.push(next as u16);
        next += n;
    }
    if next > addr::ADDRESS_SPACE_WORDS as usize {
        return Err(CompileError(format!(
            "the step's vectors need {} words of data memory; a core has {}",
            next - addr::DATA_MEM_BASE as usize,
            addr::DATA_MEM_WORDS
        )));
    }
    let program = |ops: &[&[Op]], title: &str| {
        let mut e = Emitter {
            plan,
            text: format!("; {title}\n"),
        };
        for list in ops {
            for op in list.iter() {
                e.op(op);
            }
        }
        e.line("hlt".into(), "");
        e.text
    };
    let mut header = String::from(
        "; XbarIn / XbarOut slots: (3p + t) * 128, t = 0 MVM, 1 MTVM, 2 OPA (docs/isa.md)\n",
    );
    for p in 0..plan.mcus() {
        for slot in [OpSlot::Mvm, OpSlot::Mtvm, OpSlot::Opa] {
            let _ = writeln!(
                header,
                ".equ {}, {}",
                slot_symbol("IN", p, slot),
                addr::xbar_in(p, slot)
            );
            let _ = writeln!(
                header,
                ".equ {}, {}",
                slot_symbol("OUT", p, slot),
                addr::xbar_out(p, slot)
            );
        }
    }
    header.push_str("; the step's vectors (general registers)\n");
    for ((name, n), a) in plan.buffers.iter().zip(&addr) {
        let _ = writeln!(header, ".equ {}, {a}   ; {n} words", buffer_symbol(name));
    }
    let step = header.clone()
        + &program(
            &[&plan.forward, &plan.backward],
            "one training sample: forward, loss gradient, backward, updates",
        );
    let predict = header + &program(&[&plan.forward], "inference: the forward pass");
    let mut crs = String::from("; carry resolution on every MCU of the core\n");
    let mask = |p: usize| (p < plan.mcus()) as u8;
    let _ = writeln!(crs, "        crs {}, {}\n        hlt", mask(0), mask(1));
    let cpt = cfg.arch.cores_per_tile;
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let mapping = plan
        .layers
        .iter()
        .enumerate()
        .map(|(l, m)| {
            let blocks: Vec<usize> = (0..plan.blocks.len())
                .filter(|&k| plan.blocks[k].layer == l)
                .collect();
            let live: usize = blocks
                .iter()
                .map(|&k| plan.blocks[k].rows * plan.blocks[k].cols)
                .sum();
            LayerMapping {
                layer: l,
                rows: m.rows(),
                cols: m.outputs,
                mcus: blocks.iter().map(|&k| place(k, cpt)).collect(),
                utilisation: live as f64 / (blocks.len() * rows * cols) as f64,
            }
        })
        .collect();
    Ok(Compiled {
        step,
        predict,
        crs,
        buffer_addr: addr,
        mapping,
    })
}

/// Assemble a listing (the compiler's own output: an error is a compiler bug).
pub fn assemble(listing: &str, name: &str) -> Vec<Instr> {
    isa::assemble(listing, name)
        .unwrap_or_else(|e| panic!("the compiler wrote invalid assembly: {e}"))
        .instrs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use crate::train::model::Model;

    fn model(hidden: usize) -> Model {
        Model::from_toml_str(
            &format!(
                "name = \"m\"\ninput = {{ size = 12 }}\nloss = \"softmax_cross_entropy\"\n\
                 [[layers]]\ntype = \"dense\"\nout = {hidden}\nactivation = \"sigmoid\"\n\
                 [[layers]]\ntype = \"dense\"\nout = 3\n\
                 [training]\nlr = 0.1\nepochs = 1\ncrs_every = 1\n"
            ),
            "m.toml",
        )
        .unwrap()
    }

    /// A network on one core compiles to listings that assemble, with a comment per MCU
    /// operation naming its block and names for every vector; the mapping counts MCUs and
    /// utilisation; a network on more MCUs than a core has is refused with the reason.
    #[test]
    fn one_core_networks_compile_and_larger_ones_are_refused() {
        let cfg = Preset::Small.config();
        let plan = Plan::new(&model(10), &cfg);
        let c = compile(&plan, &cfg).unwrap();
        for text in [&c.step, &c.predict, &c.crs] {
            assert!(!assemble(text, "t.s").is_empty());
        }
        assert!(c
            .step
            .contains("; MVM layer 1 row block 0 col block 0: inputs"));
        assert!(c
            .step
            .contains("; OPA layer 0 row block 0 col block 0: rows"));
        assert!(c.step.contains(".equ v_delta0, "));
        assert!(!c.predict.contains("OPA layer"));
        assert_eq!(c.mapping.len(), 2);
        assert_eq!(c.mapping[0].mcus, vec![(0, 0, 0)]);
        assert!((c.mapping[0].utilisation - 13.0 * 10.0 / 256.0).abs() < 1e-12);
        // 13 x 17 and 18 x 3 on 16 x 16 arrays: 2 + 2 MCUs.
        let big = Plan::new(&model(17), &cfg);
        let e = compile(&big, &cfg).unwrap_err();
        assert!(
            e.0.contains("takes 4 MCUs") && e.0.contains("one core"),
            "{e}"
        );
        assert_eq!(place(5, 8), (0, 2, 1));
        assert_eq!(place(17, 8), (1, 0, 1));
    }
}
