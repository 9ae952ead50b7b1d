//! The compiler: a network's [`Plan`] as programs in the project's ISA, placed on the
//! machine (docs/compiler.md).
//!
//! - Placement: block k sits on MCU k ([`place`]: tile k / (2 * cores_per_tile), core
//!   (k / 2) mod cores_per_tile, MCU k mod 2), the MCU id the `fast` engine seeds block k
//!   with. Its weights stay there (PUMA's spatial mapping).
//! - The leader core (tile 0, core 0) holds every vector of the step ([`memory`]) and runs
//!   the VFU operations in the plan's order: partial sums of row blocks, activations, the
//!   loss gradient, derivatives. An MCU operation on its own MCUs copies the operands into
//!   the XbarIn/XbarOut slots (docs/isa.md), runs `train` and copies the result out; one on
//!   another core goes through that core's [`mailbox`] in the shared memory (`st`/`ld`),
//!   and through the tile control units (`send`/`receive`) when the core is on another tile.
//! - Three programs on every core and tile control unit: `step` (one training sample:
//!   forward, loss gradient, backward, updates), `predict` (forward only) and `crs`.

pub mod mailbox;
pub mod memory;

use super::plan::{Op, Operand, Plan, Slice};
use crate::config::Config;
use crate::isa::addr::{self, OpSlot};
use crate::isa::{self, Arity, Instr, TrainMask};
use mailbox::{segments, BoxKind, Mailbox, MAILBOX_WORDS};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The listings of one program on one tile: its control unit's and each present core's.
#[derive(Debug, Clone)]
pub struct TilePrograms {
    pub tile: usize,
    pub tcu: String,
    /// (core id, listing), in core id order.
    pub cores: Vec<(usize, String)>,
}

/// One program of the runtime on every agent of the machine, tiles in id order.
#[derive(Debug, Clone)]
pub struct Programs {
    pub tiles: Vec<TilePrograms>,
}

impl TilePrograms {
    /// The file of the control unit's listing of program `name`: `step/tile0.s`.
    pub fn tcu_file(&self, name: &str) -> String {
        format!("{name}/tile{}.s", self.tile)
    }

    /// The file of core `core`'s listing of program `name`: `step/tile0.core0.s`.
    pub fn core_file(&self, name: &str, core: usize) -> String {
        format!("{name}/tile{}.core{core}.s", self.tile)
    }
}

/// Instructions in a listing: the indented lines (labels, names and comments are not).
fn instruction_count(listing: &str) -> usize {
    listing
        .lines()
        .filter(|l| l.starts_with("        "))
        .count()
}

impl Programs {
    /// The listings as files of folder `name`: `tile0.s` (the tile control unit),
    /// `tile0.core0.s`, ...
    pub fn files(&self, name: &str) -> Vec<(String, &str)> {
        let mut f = Vec::new();
        for t in &self.tiles {
            f.push((t.tcu_file(name), t.tcu.as_str()));
            for (c, text) in &t.cores {
                f.push((t.core_file(name, *c), text.as_str()));
            }
        }
        f
    }

    /// Each listing of program `name` must fit its instruction memory.
    fn check_imem(&self, name: &str, cfg: &Config) -> Result<(), CompileError> {
        for t in &self.tiles {
            let tcu = (
                t.tcu_file(name),
                &t.tcu,
                "arch.tile_imem_entries",
                cfg.arch.tile_imem_entries,
            );
            let cores = t.cores.iter().map(|(c, text)| {
                (
                    t.core_file(name, *c),
                    text,
                    "arch.core_imem_entries",
                    cfg.arch.core_imem_entries,
                )
            });
            for (file, text, field, limit) in std::iter::once(tcu).chain(cores) {
                let n = instruction_count(text);
                if n > limit {
                    return Err(CompileError(format!(
                        "{file} has {n} instructions; the instruction memory holds {limit} ({field})"
                    )));
                }
            }
        }
        Ok(())
    }

    /// The leader core's listing (tile 0, core 0).
    pub fn leader(&self) -> &str {
        &self.tiles[0].cores[0].1
    }

    /// Instructions over every listing.
    pub fn instructions(&self) -> usize {
        self.files("")
            .iter()
            .map(|(_, t)| instruction_count(t))
            .sum()
    }
}

/// A compiled network: its programs, where the runtime's vectors are, and the mapping.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub step: Programs,
    pub predict: Programs,
    pub crs: Programs,
    /// Data-memory address of every plan buffer on the leader core.
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

fn op_name(slot: OpSlot) -> &'static str {
    match slot {
        OpSlot::Mvm => "MVM",
        OpSlot::Mtvm => "MTVM",
        OpSlot::Opa => "OPA",
    }
}

/// The listing's name of an XbarIn (`IN`) or XbarOut (`OUT`) slot, e.g. `IN1_MVM`.
fn slot_symbol(side: &str, p: usize, slot: OpSlot) -> String {
    format!("{side}{p}_{}", op_name(slot))
}

/// Why a network cannot be compiled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct CompileError(pub String);

/// An agent that runs a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Agent {
    Core { tile: usize, core: usize },
    Tcu { tile: usize },
}

const LEADER: Agent = Agent::Core { tile: 0, core: 0 };

impl std::fmt::Display for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Agent::Core { tile, core } => write!(f, "tile {tile} core {core}"),
            Agent::Tcu { tile } => write!(f, "tile {tile}'s control unit"),
        }
    }
}

/// A vector's way between the leader and a worker's slot.
#[derive(Clone, Copy)]
struct Transfer {
    mb: Mailbox,
    kind: BoxKind,
    to_worker: bool,
}

/// `name+off` (just `name` at 0).
fn plus(name: String, off: usize) -> String {
    match off {
        0 => name,
        o => format!("{name}+{o}"),
    }
}

/// One agent's listing as it is built: names it defines, address registers it sets at
/// the start, and the body.
#[derive(Default)]
struct Listing {
    equs: BTreeMap<String, (usize, String)>,
    /// (register name, the eDRAM address expression it holds), in first-use order.
    regs: Vec<(String, String)>,
    body: String,
}

impl Listing {
    fn line(&mut self, code: String, comment: &str) {
        if comment.is_empty() {
            let _ = writeln!(self.body, "        {code}");
        } else {
            let _ = writeln!(self.body, "        {code:<40} ; {comment}");
        }
    }

    /// A comment on its own line (not an instruction).
    fn note(&mut self, text: &str) {
        let _ = writeln!(self.body, "; {text}");
    }

    fn equ(&mut self, name: String, value: usize, comment: String) {
        self.equs.entry(name).or_insert((value, comment));
    }
}

struct Emitter<'a> {
    plan: &'a Plan,
    cpt: usize,
    /// The convolution window the operations are at (layer, position), from the last mark.
    window: Option<(usize, usize)>,
    /// Data-memory address of every plan buffer on the leader (None: unused).
    buffer_addr: &'a [Option<usize>],
    /// First free data-memory word of the leader after its vectors.
    leader_free: usize,
    agents: BTreeMap<Agent, Listing>,
}

impl Emitter<'_> {
    fn agent(&mut self, a: Agent) -> &mut Listing {
        self.agents.entry(a).or_default()
    }

    /// Words `off..` of vector `s` in the listing: its buffer's name plus the offset.
    fn at(&self, s: Slice, off: usize) -> String {
        plus(buffer_symbol(&self.plan.buffers[s.buf].0), s.start + off)
    }

    fn slot(&mut self, a: Agent, side: &str, p: usize, slot: OpSlot) -> String {
        let name = slot_symbol(side, p, slot);
        let value = match side {
            "IN" => addr::xbar_in(p, slot),
            _ => addr::xbar_out(p, slot),
        };
        let what = format!(
            "MCU {p} {} {}",
            op_name(slot),
            if side == "IN" { "XbarIn" } else { "XbarOut" }
        );
        self.agent(a).equ(name.clone(), value as usize, what);
        name
    }

    /// The box's eDRAM address at `off` in the listing of `a` (defining its name).
    fn box_at(&mut self, a: Agent, mb: Mailbox, kind: BoxKind, off: usize) -> String {
        let (name, value) = (mb.symbol(kind), mb.addr(kind, self.cpt));
        let what = format!("eDRAM: mailbox of tile {} core {}", mb.tile, mb.core);
        self.agent(a).equ(name.clone(), value, what);
        plus(name, off)
    }

    /// A core's register that holds the box's eDRAM address at `off` (ld/st take the
    /// address from a register); set once at the start of the program.
    fn reg(&mut self, a: Agent, mb: Mailbox, kind: BoxKind, off: usize) -> String {
        let value = self.box_at(a, mb, kind, off);
        let name = format!("r_{}", value.replace('+', "_"));
        let l = self.agent(a);
        if !l.regs.iter().any(|(n, _)| *n == name) {
            l.regs.push((name.clone(), value));
        }
        name
    }

    /// One MCU operation of block `block`: the operands into their XbarIn/XbarOut slots,
    /// `train` with the operation's mask on the block's MCU, the result out.
    fn mcu_op(
        &mut self,
        block: usize,
        slot: OpSlot,
        operands: &[(&str, Slice, &str)],
        result: Option<(Slice, &str)>,
    ) {
        let b = self.plan.blocks[block];
        let (tile, core, p) = place(block, self.cpt);
        let at = match self.window {
            Some((layer, position)) if layer == b.layer => {
                format!(" window {}", self.position_text(layer, position))
            }
            _ => String::new(),
        };
        let title = format!(
            "{} layer {}{at} row block {} col block {}",
            op_name(slot),
            b.layer,
            b.rb,
            b.cb
        );
        let mut masks = [TrainMask::default(); addr::MCUS_PER_CORE];
        masks[p] = TrainMask {
            mvm: slot == OpSlot::Mvm,
            mtvm: slot == OpSlot::Mtvm,
            opa: slot == OpSlot::Opa,
        };
        let masks: Vec<String> = masks.iter().map(|m| m.text()).collect();
        let train = format!("train {}", masks.join(", "));
        let worker = Agent::Core { tile, core };
        if worker == LEADER {
            for (k, &(side, v, what)) in operands.iter().enumerate() {
                let comment = match k {
                    0 => format!("{title}: {what}"),
                    _ => what.to_string(),
                };
                let code = format!(
                    "cp {}, {}, {}",
                    self.slot(LEADER, side, p, slot),
                    self.at(v, 0),
                    v.len
                );
                self.agent(LEADER).line(code, &comment);
            }
            self.agent(LEADER).line(train, "");
            if let Some((v, what)) = result {
                let code = format!(
                    "cp {}, {}, {}",
                    self.at(v, 0),
                    self.slot(LEADER, "OUT", p, slot),
                    v.len
                );
                self.agent(LEADER).line(code, what);
            }
            return;
        }
        let mb = Mailbox { tile, core };
        let here = format!("t{tile}.c{core}.m{p}");
        for (j, &(side, v, what)) in operands.iter().enumerate() {
            let to = Transfer {
                mb,
                kind: [BoxKind::A, BoxKind::B][j],
                to_worker: true,
            };
            let slot_name = self.slot(worker, side, p, slot);
            self.transfer(to, v, &slot_name, &format!("{title} on {here}: {what}"));
        }
        self.agent(worker).line(train, "");
        if let Some((v, what)) = result {
            let back = Transfer {
                mb,
                kind: BoxKind::Result,
                to_worker: false,
            };
            let slot_name = self.slot(worker, "OUT", p, slot);
            self.transfer(back, v, &slot_name, &format!("{title} on {here}: {what}"));
        }
    }

    /// Vector `v` of the leader to or from slot `slot` of a worker, through the worker's
    /// box: `st` into it, across the tiles' control units when the worker is on another
    /// tile, `ld` from it; 16 words per access.
    fn transfer(&mut self, t: Transfer, v: Slice, slot: &str, comment: &str) {
        let Transfer {
            mb,
            kind,
            to_worker,
        } = t;
        let worker = Agent::Core {
            tile: mb.tile,
            core: mb.core,
        };
        let (tcu0, tcu) = (Agent::Tcu { tile: 0 }, Agent::Tcu { tile: mb.tile });
        for (i, (o, w, n)) in segments(v.len).into_iter().enumerate() {
            let note = if i == 0 { comment } else { "" };
            let at_slot = plus(slot.to_string(), o);
            let (leader_reg, worker_reg) =
                (self.reg(LEADER, mb, kind, o), self.reg(worker, mb, kind, o));
            let at_v = self.at(v, o);
            // (agent, instruction) in the order the words travel.
            let mut hops = vec![];
            let (st, ld) = if to_worker {
                (
                    (LEADER, format!("st {leader_reg}, {at_v}, 1, {w}, {n}")),
                    (worker, format!("ld {at_slot}, {worker_reg}, {w}, {n}")),
                )
            } else {
                (
                    (worker, format!("st {worker_reg}, {at_slot}, 1, {w}, {n}")),
                    (LEADER, format!("ld {at_v}, {leader_reg}, {w}, {n}")),
                )
            };
            hops.push(st);
            if mb.tile != 0 {
                let (from, to, far) = if to_worker {
                    (tcu0, tcu, mb.tile)
                } else {
                    (tcu, tcu0, 0)
                };
                let near = if to_worker { 0 } else { mb.tile };
                let (b_from, b_to) = (self.box_at(from, mb, kind, o), self.box_at(to, mb, kind, o));
                hops.push((from, format!("send {b_from}, {far}, {w}, {n}")));
                hops.push((to, format!("receive {b_to}, {near}, {w}, 1, {n}")));
            }
            hops.push(ld);
            for (agent, code) in hops {
                self.agent(agent).line(code, note);
            }
        }
    }

    /// Output position `position` of layer `layer` as (row, column).
    fn position_text(&self, layer: usize, position: usize) -> String {
        let w = self.plan.layers[layer].window;
        let (_, cols) = w.output_size().expect("a mapped window fits");
        format!("({}, {})", position / cols, position % cols)
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
                let code = format!("set {}, {imm}, {}", self.at(dst, 0), dst.len);
                self.agent(LEADER).line(code, "")
            }
            Op::Copy { dst, src } => {
                let code = format!("cp {}, {}, {}", self.at(dst, 0), self.at(src, 0), dst.len);
                self.agent(LEADER).line(code, "")
            }
            Op::Window { layer, position } => {
                self.window = Some((layer, position));
                let text = format!(
                    "layer {layer}, window {}",
                    self.position_text(layer, position)
                );
                self.agent(LEADER).note(&text);
            }
            Op::Alu { op, dst, a, b } => {
                let m = op.mnemonic();
                let (d, s) = (self.at(dst, 0), self.at(a, 0));
                let code = match (op.arity(), b) {
                    (_, Operand::Imm(i)) => format!("alui {m}, {d}, {s}, {i}, {}", a.len),
                    (Arity::Unary | Arity::Reduction, _) => format!("alu {m}, {d}, {s}, {}", a.len),
                    (_, Operand::Vector(v)) => {
                        format!("alu {m}, {d}, {s}, {}, {}", self.at(v, 0), a.len)
                    }
                    (_, Operand::None) => format!("alu {m}, {d}, {s}, 0, {}", a.len),
                };
                self.agent(LEADER).line(code, "");
            }
        }
    }

    /// Every agent's listing: title, names, the address registers, the body, the end.
    fn finish(self, title: &str, layout: &[Vec<usize>]) -> Result<Programs, CompileError> {
        let Emitter {
            plan,
            buffer_addr,
            leader_free,
            mut agents,
            ..
        } = self;
        let mut text = |a: Agent| -> Result<String, CompileError> {
            let l = agents.remove(&a).unwrap_or_default();
            let mut s = format!("; {title}\n");
            let core = matches!(a, Agent::Core { .. });
            let mut regs_at = match a {
                LEADER => leader_free,
                _ => addr::DATA_MEM_BASE as usize,
            };
            for (name, (v, what)) in &l.equs {
                let _ = writeln!(s, ".equ {name}, {v}   ; {what}");
            }
            if a == LEADER {
                s.push_str("; the step's vectors (general registers; vectors whose lives do not overlap share words)\n");
                for ((name, n), at) in plan.buffers.iter().zip(buffer_addr) {
                    if let Some(at) = at {
                        let _ = writeln!(s, ".equ {}, {at}   ; {n} words", buffer_symbol(name));
                    }
                }
            }
            if !l.regs.is_empty() {
                s.push_str("; registers holding mailbox addresses for ld/st\n");
            }
            for (name, _) in &l.regs {
                let _ = writeln!(s, ".equ {name}, {regs_at}");
                regs_at += 1;
            }
            if regs_at > addr::ADDRESS_SPACE_WORDS as usize {
                return Err(CompileError(format!(
                    "the step's vectors and mailbox registers need {} words of data memory on {a}; a core has {}",
                    regs_at - addr::DATA_MEM_BASE as usize,
                    addr::DATA_MEM_WORDS
                )));
            }
            for (name, value) in &l.regs {
                let _ = writeln!(s, "        set {name}, {value}, 1");
            }
            s.push_str(&l.body);
            s.push_str(if core {
                "        hlt\n"
            } else {
                "        halt\n"
            });
            Ok(s)
        };
        let mut tiles = Vec::new();
        for (t, cores) in layout.iter().enumerate() {
            let tcu = text(Agent::Tcu { tile: t })?;
            let mut list = Vec::new();
            for &c in cores {
                list.push((c, text(Agent::Core { tile: t, core: c })?));
            }
            tiles.push(TilePrograms {
                tile: t,
                tcu,
                cores: list,
            });
        }
        Ok(Programs { tiles })
    }
}

/// Compile `plan` for `cfg`'s machine.
pub fn compile(plan: &Plan, cfg: &Config) -> Result<Compiled, CompileError> {
    let cpt = cfg.arch.cores_per_tile;
    // The cores holding blocks, per tile (the leader always).
    let mut layout: Vec<Vec<usize>> = vec![vec![0]];
    for k in 0..plan.mcus() {
        let (t, c, _) = place(k, cpt);
        if layout.len() <= t {
            layout.resize(t + 1, Vec::new());
        }
        if !layout[t].contains(&c) {
            layout[t].push(c);
        }
    }
    let cores: usize = layout.iter().map(Vec::len).sum();
    let last = place(plan.mcus().saturating_sub(1), cpt);
    let mailbox_end = Mailbox {
        tile: last.0,
        core: last.1,
    }
    .base(cpt)
        + MAILBOX_WORDS;
    // `set` writes a 16-bit immediate: every mailbox address must be below 2^15.
    let reach = cfg.arch.edram_words.min(1 << 15);
    if mailbox_end > reach {
        return Err(CompileError(format!(
            "the network takes {} MCUs on {cores} cores; their mailboxes need {mailbox_end} words of a tile's shared memory, which has {} (arch.edram_words; addressable from a register: 32768)",
            plan.mcus(),
            cfg.arch.edram_words
        )));
    }
    let (addr, top) = memory::allocate(plan, addr::DATA_MEM_BASE as usize);

    let program = |ops: &[&[Op]], title: &str| -> Result<Programs, CompileError> {
        let mut e = Emitter {
            plan,
            cpt,
            window: None,
            buffer_addr: &addr,
            leader_free: top,
            agents: BTreeMap::new(),
        };
        for list in ops {
            for op in list.iter() {
                e.op(op);
            }
        }
        e.finish(title, &layout)
    };
    let step = program(
        &[&plan.forward, &plan.backward],
        "one training sample: forward, loss gradient, backward, updates",
    )?;
    let predict = program(&[&plan.forward], "inference: the forward pass")?;
    let crs = crs_programs(plan, cpt, &layout);
    for (name, p) in [("step", &step), ("predict", &predict), ("crs", &crs)] {
        p.check_imem(name, cfg)?;
    }
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
        // An unused vector has no words and no name in the listings.
        buffer_addr: addr.iter().map(|a| a.unwrap_or(0) as u16).collect(),
        mapping,
    })
}

/// `crs` on every MCU that holds a block, every core at once (no data moves).
fn crs_programs(plan: &Plan, cpt: usize, layout: &[Vec<usize>]) -> Programs {
    let tiles = layout
        .iter()
        .enumerate()
        .map(|(t, cores)| TilePrograms {
            tile: t,
            tcu: "; carry resolution: nothing to move\n        halt\n".into(),
            cores: cores
                .iter()
                .map(|&c| {
                    let mask = |p: usize| {
                        let k = (t * cpt + c) * addr::MCUS_PER_CORE + p;
                        (k < plan.mcus()) as u8
                    };
                    (
                        c,
                        format!(
                            "; carry resolution on the core's MCUs that hold blocks\n        crs {}, {}\n        hlt\n",
                            mask(0),
                            mask(1)
                        ),
                    )
                })
                .collect(),
        })
        .collect();
    Programs { tiles }
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

    /// A network compiles to listings that assemble, with a comment per MCU operation
    /// naming its block and names for every vector; the mapping counts MCUs and
    /// utilisation.
    #[test]
    fn networks_compile_to_listings_with_a_comment_per_block() {
        let cfg = Preset::Small.config();
        let plan = Plan::new(&model(10), &cfg);
        let c = compile(&plan, &cfg).unwrap();
        for p in [&c.step, &c.predict, &c.crs] {
            for (name, text) in p.files("x") {
                assert!(!assemble(text, &name).is_empty());
            }
        }
        let step = c.step.leader();
        assert!(step.contains("; MVM layer 1 row block 0 col block 0: inputs"));
        assert!(step.contains("; OPA layer 0 row block 0 col block 0: rows"));
        assert!(step.contains(".equ v_delta0, "));
        assert!(!c.predict.leader().contains("OPA layer"));
        assert_eq!(c.mapping.len(), 2);
        assert_eq!(c.mapping[0].mcus, vec![(0, 0, 0)]);
        assert!((c.mapping[0].utilisation - 13.0 * 10.0 / 256.0).abs() < 1e-12);
        assert_eq!(place(5, 8), (0, 2, 1));
        assert_eq!(place(17, 8), (1, 0, 1));
    }

    /// A convolution's window loop: each window is gathered with `cp` (zeros first where it
    /// overhangs the map), marked in the listing, and its MVM and OPA say which window.
    #[test]
    fn a_convolution_runs_its_window_loop_with_a_mark_per_window() {
        let cfg = Preset::Small.config();
        let model = Model::from_toml_str(
            "name = \"c\"\ninput = { shape = [4, 4, 2] }\nloss = \"softmax_cross_entropy\"\n\
             [[layers]]\ntype = \"conv2d\"\nout_channels = 3\nkernel = 3\nstride = 1\npadding = 1\n\
             [[layers]]\ntype = \"dense\"\nout = 2\n\
             [training]\nlr = 0.1\nepochs = 1\ncrs_every = 1\n",
            "c.toml",
        )
        .unwrap();
        let plan = Plan::new(&model, &cfg);
        let c = compile(&plan, &cfg).unwrap();
        let step = c.step.leader();
        assert!(!assemble(step, "step").is_empty());
        // 16 windows gathered forward and again for the updates.
        assert_eq!(step.matches("; layer 0, window (").count(), 32, "{step}");
        assert!(step.contains("; layer 0, window (3, 3)"));
        assert!(step.contains("; MVM layer 0 window (1, 2) row block 0 col block 0: inputs"));
        assert!(step.contains("; OPA layer 0 window (3, 0) row block 1 col block 0: rows"));
        // The corner window: zeros, then two kernel rows of two pixels of 2 channels.
        let corner = step.split("; layer 0, window (0, 0)").nth(1).unwrap();
        let lines: Vec<&str> = corner.lines().skip(1).take(3).map(str::trim).collect();
        assert!(lines[0].starts_with("set v_x0_window, 0, 18"), "{lines:?}");
        assert!(
            lines[1].starts_with("cp v_x0_window+8, v_x0, 4"),
            "{lines:?}"
        );
        assert!(
            lines[2].starts_with("cp v_x0_window+14, v_x0+8, 4"),
            "{lines:?}"
        );
        assert_eq!(c.mapping[0].rows, 19);
        assert_eq!(c.mapping[0].mcus.len(), 2);
        // The predict program gathers each window once.
        assert_eq!(
            c.predict.leader().matches("; layer 0, window (").count(),
            16
        );
    }

    /// A network over several cores and tiles: the leader stores the operands of another
    /// core's blocks into its mailbox and loads the results; tile 0's control unit sends
    /// and receives for the other tile's; each worker runs only its own blocks.
    #[test]
    fn blocks_on_other_cores_and_tiles_go_through_mailboxes() {
        let mut cfg = Preset::Small.config();
        cfg.arch.cores_per_tile = 2;
        // 13 x 40 (1 x 3 blocks) and 41 x 3 (3 x 1): 6 MCUs on t0.c0, t0.c1, t1.c0.
        let plan = Plan::new(&model(40), &cfg);
        let c = compile(&plan, &cfg).unwrap();
        let files: Vec<String> = c.step.files("step").into_iter().map(|f| f.0).collect();
        assert_eq!(
            files,
            [
                "step/tile0.s",
                "step/tile0.core0.s",
                "step/tile0.core1.s",
                "step/tile1.s",
                "step/tile1.core0.s"
            ]
        );
        let leader = c.step.leader();
        assert!(
            leader.contains("st r_box_t0c1_a, v_x0, 1, 13, 1"),
            "{leader}"
        );
        assert!(
            leader.contains("ld v_z1_part, r_box_t1c0_result, 3, 1"),
            "{leader}"
        );
        let t0 = &c.step.tiles[0].tcu;
        assert!(t0.contains("send box_t1c0_a, 1, 16, 1"), "{t0}");
        assert!(t0.contains("receive box_t1c0_result, 1, 3, 1, 1"), "{t0}");
        let w = &c.step.tiles[1].cores[0].1;
        assert!(w.contains("ld IN0_MVM, r_box_t1c0_a, 16, 1"), "{w}");
        assert!(!w.contains("alu"), "{w}");
        assert_eq!(c.mapping[1].mcus, vec![(0, 1, 1), (1, 0, 0), (1, 0, 1)]);
        // Too little shared memory for the mailboxes is refused, naming the field.
        cfg.arch.edram_words = 512;
        let e = compile(&plan, &cfg).unwrap_err();
        assert!(e.0.contains("arch.edram_words"), "{e}");
    }
}
