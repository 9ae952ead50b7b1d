//! One core: a 3-stage in-order pipeline (fetch, decode, execute), data memory with the
//! XbarIn/XbarOut regions, VFU lanes, the scalar ALU and two golden MCUs.
//! The cycle model is specified in docs/timing.md; this file implements it literally.

use super::params::ArchConfig;
use super::vfu;
use crate::config::Config;
use crate::isa::addr::{self, OpSlot, ADDRESS_SPACE_WORDS};
use crate::isa::{AluOp, Arity, Instr, FORMS};
use crate::mcu::Mcu;
use serde::Serialize;

/// Event counts of one core.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct CoreStats {
    /// Executed instructions per row of the instruction table.
    #[serde(skip)]
    pub by_mnemonic: [u64; FORMS.len()],
    pub instructions: u64,
    /// Instructions other than train and crs.
    pub non_mcu_instructions: u64,
    /// Execute cycles spent waiting for the attribute condition of ld/st (valid/invalid).
    pub stall_attribute_cycles: u64,
    /// Execute cycles spent waiting for the eDRAM arbiter (condition met, not granted).
    pub stall_arbitration_cycles: u64,
    /// Cycles with an empty execute stage before the core halted (fill, branch penalty).
    pub bubble_cycles: u64,
    pub imem_fetches: u64,
    pub dmem_word_reads: u64,
    pub dmem_word_writes: u64,
    pub vfu_lane_ops: u64,
    pub vfu_transcendental_ops: u64,
    pub scalar_alu_ops: u64,
    /// Cycle in which hlt executed.
    pub halted_at_cycle: Option<u64>,
    /// What the MCU operations reported: per slice (LSB first) the OPA's clip events and
    /// lost levels, MVM/MTVM output words that saturated and conversions that clipped,
    /// weights a CRS clamped.
    pub opa_clip_events: Vec<u64>,
    pub opa_clipped_levels: Vec<f64>,
    pub output_saturations: u64,
    pub output_adc_clips: u64,
    pub crs_saturations: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemKind {
    Load,
    Store,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemPhase {
    /// Requesting the eDRAM this cycle.
    Request,
    /// Granted; this many access cycles remain.
    Access(u64),
}

/// A ld/st in execute: one eDRAM access per iteration.
#[derive(Debug, Clone, Copy)]
pub struct MemOp {
    pub kind: MemKind,
    /// Shared-memory address of iteration 0 (the word in the address register).
    pub base: usize,
    /// Data-memory address of iteration 0.
    pub reg: usize,
    pub counter: u8,
    pub width: usize,
    pub vec: usize,
    pub iter: usize,
    pub phase: MemPhase,
}

impl MemOp {
    pub fn edram_addr(&self) -> usize {
        self.base + self.iter * self.width
    }
    pub fn reg_addr(&self) -> usize {
        self.reg + self.iter * self.width
    }
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    pc: usize,
    /// None: the fetch was past the end of the program (a fault only if it executes).
    ins: Option<Instr>,
}

#[derive(Debug, Clone, Copy)]
struct Exec {
    pc: usize,
    ins: Instr,
    /// Remaining execute cycles of a fixed-latency instruction.
    remaining: u64,
    mem: Option<MemOp>,
    /// Branch target when taken (jmp, beq).
    redirect: Option<usize>,
}

/// What the core did in the last cycle (deadlock detection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Busy,
    /// Waiting on a condition only another agent can change.
    Blocked,
    Halted,
}

#[derive(Debug, Clone)]
pub struct Core {
    pub id: usize,
    pub program: Vec<Instr>,
    pub dmem: Vec<i16>,
    pub mcus: Vec<Mcu>,
    pub stats: CoreStats,
    pub halted: bool,
    pub activity: Activity,
    pc: usize,
    fetch: Option<Slot>,
    decode: Option<Slot>,
    exec: Option<Exec>,
    frac: u32,
    lanes: u64,
    clock_ns: f64,
    rows: usize,
    cols: usize,
    /// (cycle, pc, instruction) of each instruction entering execute, when tracing.
    pub trace: Option<Vec<(u64, usize, Instr)>>,
}

/// Whole cycles for an MCU busy time, at least 1 (docs/timing.md, `train` and `crs`).
pub fn cycles_for(ns: f64, clock_ns: f64) -> u64 {
    // Tolerate float noise in sums of ns: 1800.0000000001 ns is 1800 cycles.
    ((ns / clock_ns) - 1e-9).ceil().max(1.0) as u64
}

fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b)
}

impl Core {
    pub fn new(
        cfg: &Config,
        arch: &ArchConfig,
        tile: usize,
        id: usize,
        program: Vec<Instr>,
    ) -> Core {
        let mcu_id =
            |p: usize| ((tile * arch.cores_per_tile + id) * addr::MCUS_PER_CORE + p) as u64;
        Core {
            id,
            program,
            dmem: vec![0; ADDRESS_SPACE_WORDS as usize],
            mcus: (0..addr::MCUS_PER_CORE)
                .map(|p| Mcu::new(cfg, mcu_id(p)))
                .collect(),
            stats: CoreStats::default(),
            halted: false,
            activity: Activity::Busy,
            pc: 0,
            fetch: None,
            decode: None,
            exec: None,
            frac: cfg.format.frac_bits,
            lanes: arch.vfu_lanes as u64,
            clock_ns: cfg.timing.clock_ns,
            rows: cfg.array.rows,
            cols: cfg.array.cols,
            trace: None,
        }
    }

    /// Start `program` from its first instruction, keeping the data memory, the MCUs and
    /// the statistics (a runtime running one program after another on the same machine).
    pub fn restart(&mut self, program: &[Instr]) {
        self.program.clear();
        self.program.extend_from_slice(program);
        self.pc = 0;
        self.fetch = None;
        self.decode = None;
        self.exec = None;
        self.halted = false;
        self.activity = Activity::Busy;
    }

    /// The ld/st waiting for the eDRAM this cycle, if any.
    pub fn mem_request(&self) -> Option<MemOp> {
        self.exec
            .and_then(|e| e.mem)
            .filter(|m| m.phase == MemPhase::Request)
    }

    /// Perform the granted access's data movement (the tile moved or will move the words).
    pub fn mem_op_mut(&mut self) -> Option<&mut MemOp> {
        self.exec.as_mut().and_then(|e| e.mem.as_mut())
    }

    /// Cycles in which nothing can change in the core, with fetch and decode full, for
    /// fast-forward: the rest of a fixed-latency instruction in execute, or any number
    /// while a ld/st waits on its attribute condition (only another agent's eDRAM access
    /// can change that, and the node fast-forwards only while no access is in progress).
    pub fn quiet_cycles(&self) -> Option<u64> {
        if self.halted {
            return Some(u64::MAX);
        }
        let e = self.exec?;
        if self.fetch.is_none() || self.decode.is_none() {
            return None;
        }
        match e.mem {
            None => Some(e.remaining),
            Some(m) if m.phase == MemPhase::Request && self.activity == Activity::Blocked => {
                Some(u64::MAX)
            }
            Some(_) => None,
        }
    }

    /// Account `k` quiet cycles without stepping: execute cycles of a fixed-latency
    /// instruction, or attribute stall cycles of a waiting ld/st.
    pub fn skip(&mut self, k: u64) {
        if let Some(e) = self.exec.as_mut() {
            if e.mem.is_some() {
                self.stats.stall_attribute_cycles += k;
            } else {
                debug_assert!(e.remaining > k);
                e.remaining -= k;
            }
        }
    }

    /// One clock cycle. `granted`: the tile's arbiter granted this core's eDRAM request
    /// (and already moved the data). `attr_ok`: the request's attribute condition held.
    pub fn step(
        &mut self,
        now: u64,
        granted: bool,
        attr_ok: bool,
        edram_access_cycles: u64,
    ) -> Result<(), String> {
        if self.halted {
            self.activity = Activity::Halted;
            return Ok(());
        }
        self.activity = Activity::Busy;
        // Fetch: the F stage is free at the start of this cycle.
        if self.fetch.is_none() {
            self.fetch = Some(Slot {
                pc: self.pc,
                ins: self.program.get(self.pc).copied(),
            });
            self.stats.imem_fetches += 1;
            self.pc += 1;
        }
        // Execute.
        let mut done = false;
        match self.exec.as_mut() {
            None => self.stats.bubble_cycles += 1,
            Some(e) => match e.mem.as_mut() {
                None => {
                    e.remaining -= 1;
                    done = e.remaining == 0;
                }
                Some(m) => match m.phase {
                    MemPhase::Request => {
                        if granted {
                            m.phase = MemPhase::Access(edram_access_cycles);
                        } else if attr_ok {
                            self.stats.stall_arbitration_cycles += 1;
                        } else {
                            self.stats.stall_attribute_cycles += 1;
                            self.activity = Activity::Blocked;
                        }
                    }
                    MemPhase::Access(k) => {
                        if k == 1 {
                            m.iter += 1;
                            if m.iter == m.vec {
                                done = true;
                            } else {
                                m.phase = MemPhase::Request;
                            }
                        } else {
                            m.phase = MemPhase::Access(k - 1);
                        }
                    }
                },
            },
        }
        // End of cycle: completion, then D -> E, then F -> D.
        if done {
            let e = self.exec.take().expect("executing");
            self.stats.instructions += 1;
            self.stats.by_mnemonic[e.ins.form_index()] += 1;
            if !matches!(e.ins, Instr::Train { .. } | Instr::Crs { .. }) {
                self.stats.non_mcu_instructions += 1;
            }
            if e.ins == Instr::Hlt {
                self.halted = true;
                self.stats.halted_at_cycle = Some(now);
                self.fetch = None;
                self.decode = None;
                return Ok(());
            }
            if let Some(t) = e.redirect {
                // Branches resolve in execute: squash decode and fetch.
                self.fetch = None;
                self.decode = None;
                self.pc = t;
                return Ok(());
            }
        }
        if self.exec.is_none() {
            if let Some(d) = self.decode.take() {
                let ins = d.ins.ok_or_else(|| {
                    format!(
                        "pc {} is past the end of the program ({} instructions); a core program must end with hlt",
                        d.pc,
                        self.program.len()
                    )
                })?;
                if let Some(t) = self.trace.as_mut() {
                    t.push((now + 1, d.pc, ins));
                }
                let e = self
                    .start(d.pc, ins)
                    .map_err(|m| format!("pc {} `{}`: {m}", d.pc, crate::isa::disassemble(&ins)))?;
                self.exec = Some(e);
            }
        }
        if self.decode.is_none() {
            self.decode = self.fetch.take();
        }
        Ok(())
    }

    fn range(&self, name: &str, start: usize, len: usize) -> Result<(), String> {
        if start + len > ADDRESS_SPACE_WORDS as usize {
            Err(format!(
                "{name} words {start}..{} leave the {}-word address space",
                start + len,
                ADDRESS_SPACE_WORDS
            ))
        } else {
            Ok(())
        }
    }

    fn word(&mut self, a: u16) -> i16 {
        self.stats.dmem_word_reads += 1;
        self.dmem[a as usize]
    }

    /// Issue into execute: functional effects of core-private instructions happen here
    /// (nothing else reads the data memory until the instruction completes); returns the
    /// execute-stage state with its latency.
    fn start(&mut self, pc: usize, ins: Instr) -> Result<Exec, String> {
        let fixed = |remaining: u64| Exec {
            pc,
            ins,
            remaining: remaining.max(1),
            mem: None,
            redirect: None,
        };
        let lanes = self.lanes;
        Ok(match ins {
            Instr::Nop | Instr::Hlt => fixed(1),
            Instr::Jmp { target } => Exec {
                redirect: Some(target as usize),
                ..fixed(1)
            },
            Instr::Beq { a, b, target } => {
                let taken = self.word(a) == self.word(b);
                self.stats.scalar_alu_ops += 1;
                Exec {
                    redirect: taken.then_some(target as usize),
                    ..fixed(1)
                }
            }
            Instr::AluInt { op, dst, a, b } => {
                let v = vfu::int_op(op, self.word(a), self.word(b));
                self.dmem[dst as usize] = v;
                self.stats.dmem_word_writes += 1;
                self.stats.scalar_alu_ops += 1;
                fixed(1)
            }
            Instr::Set { dst, imm, vec } => {
                self.range("set d1", dst as usize, vec as usize)?;
                self.dmem[dst as usize..][..vec as usize].fill(imm);
                self.stats.dmem_word_writes += vec as u64;
                fixed(ceil_div(vec as u64, lanes))
            }
            Instr::Cp { dst, src, vec } => {
                self.range("cp d1", dst as usize, vec as usize)?;
                self.range("cp r1", src as usize, vec as usize)?;
                // Groups of `lanes` words: read a group, then write it.
                let (d, s, n) = (dst as usize, src as usize, vec as usize);
                for g in (0..n).step_by(lanes as usize) {
                    let end = (g + lanes as usize).min(n);
                    let group: Vec<i16> = self.dmem[s + g..s + end].to_vec();
                    self.dmem[d + g..d + end].copy_from_slice(&group);
                }
                self.stats.dmem_word_reads += vec as u64;
                self.stats.dmem_word_writes += vec as u64;
                fixed(ceil_div(vec as u64, lanes))
            }
            Instr::Alu { op, dst, a, b, vec } => {
                self.vector_op(pc, ins, op, dst, a, Operand::Reg(b), vec)?
            }
            Instr::Alui {
                op,
                dst,
                a,
                imm,
                vec,
            } => self.vector_op(pc, ins, op, dst, a, Operand::Imm(imm), vec)?,
            Instr::Ld {
                dst,
                addr_reg,
                width,
                vec,
            }
            | Instr::St {
                addr_reg,
                src: dst,
                width,
                vec,
                ..
            } => {
                let kind = if matches!(ins, Instr::Ld { .. }) {
                    MemKind::Load
                } else {
                    MemKind::Store
                };
                let counter = if let Instr::St { counter, .. } = ins {
                    counter
                } else {
                    0
                };
                let n = width as usize * vec as usize;
                self.range(
                    if kind == MemKind::Load {
                        "ld d1"
                    } else {
                        "st r1"
                    },
                    dst as usize,
                    n,
                )?;
                let base = self.word(addr_reg) as u16 as usize;
                Exec {
                    pc,
                    ins,
                    remaining: 0,
                    redirect: None,
                    mem: Some(MemOp {
                        kind,
                        base,
                        reg: dst as usize,
                        counter,
                        width: width as usize,
                        vec: vec as usize,
                        iter: 0,
                        phase: MemPhase::Request,
                    }),
                }
            }
            Instr::Train { masks } => fixed(self.train(masks)?),
            Instr::Crs { mask } => {
                let mut cycles = 1;
                for (p, &on) in mask.iter().enumerate() {
                    if on {
                        let before = self.mcus[p].counters.busy_ns;
                        self.stats.crs_saturations += self.mcus[p].crs().saturations;
                        cycles =
                            cycles.max(self.ns_to_cycles(self.mcus[p].counters.busy_ns - before));
                    }
                }
                fixed(cycles)
            }
            Instr::Send { .. } | Instr::Receive { .. } | Instr::Halt => {
                return Err("tile instructions cannot run on a core".into())
            }
        })
    }

    fn ns_to_cycles(&self, ns: f64) -> u64 {
        cycles_for(ns, self.clock_ns)
    }

    #[allow(clippy::too_many_arguments)]
    fn vector_op(
        &mut self,
        pc: usize,
        ins: Instr,
        op: AluOp,
        dst: u16,
        a: u16,
        b: Operand,
        vec: u16,
    ) -> Result<Exec, String> {
        let n = vec as usize;
        let (d, s) = (dst as usize, a as usize);
        self.range("alu r1", s, n)?;
        let lanes = self.lanes as usize;
        let groups = ceil_div(n as u64, self.lanes);
        let arity = op.arity();
        let mut cycles = groups;
        match arity {
            Arity::Reduction => {
                self.range("alu d1", d, 1)?;
                let v = vfu::reduce(op, &self.dmem[s..s + n]);
                self.dmem[d] = v;
                self.stats.dmem_word_reads += n as u64;
                self.stats.dmem_word_writes += 1;
                // Lane-local accumulation, then a tree across the lanes.
                cycles += (usize::BITS - (lanes - 1).leading_zeros()) as u64;
            }
            _ => {
                self.range("alu d1", d, n)?;
                let scalar = match (arity, b) {
                    (_, Operand::Imm(i)) => Some(i),
                    (Arity::Broadcast, Operand::Reg(r)) => {
                        self.range("alu r2", r as usize, 1)?;
                        Some(self.word(r))
                    }
                    _ => None,
                };
                if let (Arity::Binary, Operand::Reg(r), None) = (arity, b, scalar) {
                    self.range("alu r2", r as usize, n)?;
                }
                for g in (0..n).step_by(lanes) {
                    let end = (g + lanes).min(n);
                    let mut out = [0i16; 64];
                    for k in g..end {
                        let x = self.dmem[s + k];
                        let y = match (scalar, b) {
                            (Some(v), _) => v,
                            (None, Operand::Reg(r)) if arity == Arity::Binary => {
                                self.dmem[r as usize + k]
                            }
                            _ => 0,
                        };
                        out[k - g] = vfu::alu_elem(op, x, y, self.frac);
                    }
                    self.dmem[d + g..d + end].copy_from_slice(&out[..end - g]);
                }
                let reads = if arity == Arity::Binary && matches!(b, Operand::Reg(_)) {
                    2
                } else {
                    1
                };
                self.stats.dmem_word_reads += (reads * n) as u64;
                self.stats.dmem_word_writes += n as u64;
            }
        }
        if vfu::is_transcendental(op) {
            self.stats.vfu_transcendental_ops += n as u64;
        } else {
            self.stats.vfu_lane_ops += n as u64;
        }
        Ok(Exec {
            pc,
            ins,
            remaining: cycles.max(1),
            mem: None,
            redirect: None,
        })
    }

    /// Run the MCU operations of a train instruction; returns its execute cycles.
    /// Per MCU, MVM and MTVM read the weights before OPA updates them; operations on the
    /// same weight copy are serialised, operations on different copies overlap.
    fn train(&mut self, masks: [crate::isa::TrainMask; 2]) -> Result<u64, String> {
        let (rows, cols) = (self.rows, self.cols);
        let mut cycles = 1u64;
        for (p, m) in masks.iter().enumerate() {
            if !m.any() {
                continue;
            }
            let roles = self.mcus[p].roles();
            let mut per_copy = vec![0f64; self.mcus[p].copies().len()];
            let read = |dmem: &[i16], at: u16, n: usize| -> Vec<i64> {
                dmem[at as usize..at as usize + n]
                    .iter()
                    .map(|&v| v as i64)
                    .collect()
            };
            if m.mvm {
                let x = read(&self.dmem, addr::xbar_in(p, OpSlot::Mvm), rows);
                let before = self.mcus[p].counters.busy_ns;
                let y = self.mcus[p]
                    .mvm(&x)
                    .map_err(|e| format!("MVM on MCU {p}: {e}"))?;
                per_copy[roles.mvm] += self.mcus[p].counters.busy_ns - before;
                self.stats.output_saturations += y.saturations;
                self.stats.output_adc_clips += y.adc_clips;
                let out = addr::xbar_out(p, OpSlot::Mvm) as usize;
                for (k, w) in y.words.iter().enumerate() {
                    self.dmem[out + k] = *w as i16;
                }
                self.stats.dmem_word_reads += rows as u64;
                self.stats.dmem_word_writes += cols as u64;
            }
            if m.mtvm {
                let d = read(&self.dmem, addr::xbar_in(p, OpSlot::Mtvm), cols);
                let before = self.mcus[p].counters.busy_ns;
                let z = self.mcus[p]
                    .mtvm(&d)
                    .map_err(|e| format!("MTVM on MCU {p}: {e}"))?;
                per_copy[roles.mtvm] += self.mcus[p].counters.busy_ns - before;
                self.stats.output_saturations += z.saturations;
                self.stats.output_adc_clips += z.adc_clips;
                let out = addr::xbar_out(p, OpSlot::Mtvm) as usize;
                for (k, w) in z.words.iter().enumerate() {
                    self.dmem[out + k] = *w as i16;
                }
                self.stats.dmem_word_reads += cols as u64;
                self.stats.dmem_word_writes += rows as u64;
            }
            if m.opa {
                let x = read(&self.dmem, addr::xbar_in(p, OpSlot::Opa), rows);
                let d = read(&self.dmem, addr::xbar_out(p, OpSlot::Opa), cols);
                let before = self.mcus[p].counters.busy_ns;
                let o = self.mcus[p]
                    .opa(&x, &d)
                    .map_err(|e| format!("OPA on MCU {p}: {e}"))?;
                per_copy[roles.opa] += self.mcus[p].counters.busy_ns - before;
                let s = &mut self.stats;
                if s.opa_clip_events.len() < o.clip_events.len() {
                    s.opa_clip_events.resize(o.clip_events.len(), 0);
                    s.opa_clipped_levels.resize(o.clip_events.len(), 0.0);
                }
                for (k, (e, l)) in o.clip_events.iter().zip(&o.clipped_levels).enumerate() {
                    s.opa_clip_events[k] += e;
                    s.opa_clipped_levels[k] += l;
                }
                self.stats.dmem_word_reads += (rows + cols) as u64;
            }
            let ns = per_copy.iter().copied().fold(0.0, f64::max);
            cycles = cycles.max(self.ns_to_cycles(ns));
        }
        Ok(cycles)
    }

    /// Human-readable state for deadlock and cycle-limit reports.
    pub fn describe(&self, edram_wait: Option<String>) -> String {
        if self.halted {
            return format!("core {}: halted", self.id);
        }
        match self.exec {
            Some(e) => {
                let text = crate::isa::disassemble(&e.ins);
                match (e.mem, edram_wait) {
                    (Some(_), Some(w)) => {
                        format!("core {}: pc {} `{text}` waits for {w}", self.id, e.pc)
                    }
                    _ => format!("core {}: pc {} `{text}` executing", self.id, e.pc),
                }
            }
            None => format!("core {}: pc {} (pipeline filling)", self.id, self.pc),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Operand {
    Reg(u16),
    Imm(i16),
}
