//! A tile: cores, the shared memory with its attribute store, one round-robin eDRAM
//! arbiter, and the tile control unit (TCU) that runs send/receive/halt.

use super::core::{Activity, Core, MemKind, MemOp};
use super::memory::SharedMemory;
use super::noc::Noc;
use super::params::ArchConfig;
use crate::isa::Instr;
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct TileStats {
    pub edram_accesses: u64,
    pub tile_imem_fetches: u64,
    pub tcu_instructions: u64,
    /// TCU cycles waiting for a packet, for the attribute condition, or for credits.
    pub tcu_stall_cycles: u64,
    pub halted_at_cycle: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TcuPhase {
    /// Fetch and decode of the next tile instruction (1 cycle).
    Fetch,
    Request,
    Access(u64),
}

#[derive(Debug, Clone)]
pub struct Tcu {
    pub program: Vec<Instr>,
    pc: usize,
    phase: TcuPhase,
    iter: usize,
    pub halted: bool,
    pub activity: Activity,
    pending_words: Vec<i16>,
}

/// What the TCU asks of the eDRAM this cycle.
struct TcuRequest {
    kind: MemKind,
    addr: usize,
    width: usize,
    /// Extra condition besides the attributes (a packet or a credit is available).
    ready: bool,
}

impl Tcu {
    fn current(&self) -> Option<Instr> {
        self.program.get(self.pc).copied()
    }

    fn request(&self, tile: usize, noc: &Noc, arch: &ArchConfig) -> Option<TcuRequest> {
        if self.halted || self.phase != TcuPhase::Request {
            return None;
        }
        match self.current()? {
            Instr::Send {
                mem_addr,
                dest_tile,
                width,
                ..
            } => Some(TcuRequest {
                kind: MemKind::Load,
                addr: mem_addr as usize + self.iter * width as usize,
                width: width as usize,
                ready: noc.can_send(arch, tile, dest_tile as usize),
            }),
            Instr::Receive {
                mem_addr,
                src_tile,
                width,
                ..
            } => Some(TcuRequest {
                kind: MemKind::Store,
                addr: mem_addr as usize + self.iter * width as usize,
                width: width as usize,
                ready: noc.has_packet(tile, src_tile as usize),
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Tile {
    pub id: usize,
    pub cores: Vec<Core>,
    pub memory: SharedMemory,
    pub tcu: Tcu,
    pub stats: TileStats,
    pub halted: bool,
    /// Last cycle of the access in progress.
    pub(super) edram_busy_until: Option<u64>,
    /// Round-robin pointer: requester index (cores, then the TCU) with the highest priority.
    pub(super) rr_next: usize,
}

impl Tile {
    pub fn new(
        id: usize,
        cores: Vec<Core>,
        memory: SharedMemory,
        tile_program: Vec<Instr>,
    ) -> Tile {
        Tile {
            id,
            cores,
            memory,
            tcu: Tcu {
                program: tile_program,
                pc: 0,
                phase: TcuPhase::Fetch,
                iter: 0,
                halted: false,
                activity: Activity::Busy,
                pending_words: Vec::new(),
            },
            stats: TileStats::default(),
            halted: false,
            edram_busy_until: None,
            rr_next: 0,
        }
    }

    /// Start new programs on the tile's control unit and cores (`cores[c]` for core c),
    /// keeping memories, MCUs and statistics.
    pub fn restart(&mut self, tile_program: &[Instr], cores: &[&[Instr]]) {
        self.tcu.program.clear();
        self.tcu.program.extend_from_slice(tile_program);
        self.tcu.pc = 0;
        self.tcu.phase = TcuPhase::Fetch;
        self.tcu.iter = 0;
        self.tcu.halted = false;
        self.tcu.activity = Activity::Busy;
        self.tcu.pending_words.clear();
        self.halted = false;
        for (c, &p) in self.cores.iter_mut().zip(cores) {
            c.restart(p);
        }
    }

    fn attr_ok(&self, kind: MemKind, addr: usize, width: usize) -> bool {
        match kind {
            MemKind::Load => self.memory.all_valid(addr, width),
            MemKind::Store => self.memory.all_invalid(addr, width),
        }
    }

    /// One clock cycle of every agent of the tile.
    pub fn step(&mut self, now: u64, noc: &mut Noc, arch: &ArchConfig) -> Result<(), String> {
        if self.halted {
            return Ok(());
        }
        let n = self.cores.len();
        // Collect requests: (requester index, kind, addr, width, eligible).
        let mut eligible = vec![false; n + 1];
        let mut attr = vec![true; n + 1];
        for (k, c) in self.cores.iter().enumerate() {
            if let Some(m) = c.mem_request() {
                self.memory
                    .check_range(m.edram_addr(), m.width)
                    .map_err(|e| format!("core {}: {e}", c.id))?;
                attr[k] = self.attr_ok(m.kind, m.edram_addr(), m.width);
                eligible[k] = attr[k];
            }
        }
        let tcu_req = self.tcu.request(self.id, noc, arch);
        if let Some(r) = &tcu_req {
            self.memory
                .check_range(r.addr, r.width)
                .map_err(|e| format!("tile control unit: {e}"))?;
            attr[n] = r.ready && self.attr_ok(r.kind, r.addr, r.width);
            eligible[n] = attr[n];
        }
        // Grant: the eDRAM is free from the next cycle on.
        let free = self.edram_busy_until.is_none_or(|b| b <= now);
        let mut grant = None;
        if free {
            grant = (0..=n)
                .map(|k| (self.rr_next + k) % (n + 1))
                .find(|&k| eligible[k]);
        }
        if let Some(g) = grant {
            self.rr_next = (g + 1) % (n + 1);
            self.edram_busy_until = Some(now + arch.edram_access_cycles);
            self.stats.edram_accesses += 1;
            if g < n {
                let core = &mut self.cores[g];
                let m: MemOp = *core.mem_op_mut().expect("granted a request");
                let (a, r, w) = (m.edram_addr(), m.reg_addr(), m.width);
                match m.kind {
                    MemKind::Load => {
                        self.memory.read_consume(a, &mut core.dmem[r..r + w]);
                        core.stats.dmem_word_writes += w as u64;
                    }
                    MemKind::Store => {
                        self.memory.write_valid(a, &core.dmem[r..r + w], m.counter);
                        core.stats.dmem_word_reads += w as u64;
                    }
                }
            } else {
                self.tcu_granted(now, noc, arch);
            }
        }
        for (k, c) in self.cores.iter_mut().enumerate() {
            c.step(now, grant == Some(k), attr[k], arch.edram_access_cycles)
                .map_err(|e| format!("core {}: {e}", c.id))?;
        }
        self.tcu_step(
            now,
            grant == Some(n),
            tcu_req.is_some() && attr[n],
            noc,
            arch,
        )?;
        if self.tcu.halted && self.cores.iter().all(|c| c.halted) {
            self.halted = true;
            self.stats.halted_at_cycle = Some(now);
        }
        Ok(())
    }

    /// The TCU's access was granted: move the data now (the eDRAM is exclusive meanwhile).
    fn tcu_granted(&mut self, _now: u64, noc: &mut Noc, _arch: &ArchConfig) {
        match self.tcu.current() {
            Some(Instr::Send {
                mem_addr, width, ..
            }) => {
                let a = mem_addr as usize + self.tcu.iter * width as usize;
                let mut words = vec![0i16; width as usize];
                self.memory.read_consume(a, &mut words);
                self.tcu.pending_words = words;
            }
            Some(Instr::Receive {
                mem_addr,
                src_tile,
                width,
                counter,
                ..
            }) => {
                let a = mem_addr as usize + self.tcu.iter * width as usize;
                let p = noc
                    .take(self.id, src_tile as usize)
                    .expect("request required a packet");
                let mut words = p.words;
                words.resize(width as usize, 0);
                self.memory.write_valid(a, &words, counter);
            }
            other => unreachable!("granted TCU request for {other:?}"),
        }
    }

    fn tcu_step(
        &mut self,
        now: u64,
        granted: bool,
        ready: bool,
        noc: &mut Noc,
        arch: &ArchConfig,
    ) -> Result<(), String> {
        let t = &mut self.tcu;
        if t.halted {
            t.activity = Activity::Halted;
            return Ok(());
        }
        t.activity = Activity::Busy;
        match t.phase {
            TcuPhase::Fetch => {
                let Some(ins) = t.current() else {
                    return Err(format!(
                        "tile control unit: pc {} is past the end of the tile program; it must end with halt",
                        t.pc
                    ));
                };
                self.stats.tile_imem_fetches += 1;
                match ins {
                    Instr::Halt => {
                        t.halted = true;
                        self.stats.tcu_instructions += 1;
                    }
                    Instr::Send { .. } | Instr::Receive { .. } => {
                        t.phase = TcuPhase::Request;
                        t.iter = 0;
                    }
                    other => {
                        return Err(format!(
                            "tile control unit: pc {}: `{}` is a core instruction",
                            t.pc,
                            crate::isa::disassemble(&other)
                        ))
                    }
                }
            }
            TcuPhase::Request => {
                if granted {
                    t.phase = TcuPhase::Access(arch.edram_access_cycles);
                } else {
                    self.stats.tcu_stall_cycles += 1;
                    if !ready {
                        t.activity = Activity::Blocked;
                    }
                }
            }
            TcuPhase::Access(k) => {
                if k > 1 {
                    t.phase = TcuPhase::Access(k - 1);
                } else {
                    let ins = t.current().expect("executing");
                    if let Instr::Send { dest_tile, .. } = ins {
                        let words = std::mem::take(&mut t.pending_words);
                        noc.inject(arch, now, self.id, dest_tile as usize, words);
                    }
                    let vec = match ins {
                        Instr::Send { vec, .. } | Instr::Receive { vec, .. } => vec as usize,
                        _ => 1,
                    };
                    t.iter += 1;
                    if t.iter == vec {
                        t.pc += 1;
                        t.phase = TcuPhase::Fetch;
                        self.stats.tcu_instructions += 1;
                    } else {
                        t.phase = TcuPhase::Request;
                    }
                }
            }
        }
        Ok(())
    }

    /// True when an eDRAM access is in progress after cycle `now`.
    pub fn edram_busy_after(&self, now: u64) -> bool {
        self.edram_busy_until.is_some_and(|b| b > now)
    }

    /// What each agent waits on (deadlock and cycle-limit reports).
    pub fn describe(&self, noc: &Noc, arch: &ArchConfig) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.cores {
            let wait = c
                .mem_request()
                .map(|m| self.describe_wait(m.kind, m.edram_addr(), m.width));
            out.push(format!("tile {}: {}", self.id, c.describe(wait)));
        }
        let t = &self.tcu;
        let s = if t.halted {
            "halted".to_string()
        } else {
            match (t.current(), t.phase) {
                (
                    Some(
                        ins @ Instr::Send {
                            mem_addr,
                            dest_tile,
                            width,
                            ..
                        },
                    ),
                    TcuPhase::Request,
                ) => {
                    let a = mem_addr as usize + t.iter * width as usize;
                    let why = if !noc.can_send(arch, self.id, dest_tile as usize) {
                        format!("receive-buffer space at tile {dest_tile}")
                    } else {
                        self.describe_wait(MemKind::Load, a, width as usize)
                    };
                    format!(
                        "pc {} `{}` waits for {why}",
                        t.pc,
                        crate::isa::disassemble(&ins)
                    )
                }
                (
                    Some(
                        ins @ Instr::Receive {
                            mem_addr,
                            src_tile,
                            width,
                            ..
                        },
                    ),
                    TcuPhase::Request,
                ) => {
                    let a = mem_addr as usize + t.iter * width as usize;
                    let why = if !noc.has_packet(self.id, src_tile as usize) {
                        format!("a packet from tile {src_tile}")
                    } else {
                        self.describe_wait(MemKind::Store, a, width as usize)
                    };
                    format!(
                        "pc {} `{}` waits for {why}",
                        t.pc,
                        crate::isa::disassemble(&ins)
                    )
                }
                (Some(ins), _) => {
                    format!("pc {} `{}` executing", t.pc, crate::isa::disassemble(&ins))
                }
                (None, _) => format!("pc {} past the end of the tile program", t.pc),
            }
        };
        out.push(format!("tile {}: tile control unit: {s}", self.id));
        out
    }

    fn describe_wait(&self, kind: MemKind, addr: usize, width: usize) -> String {
        if addr + width > self.memory.len() {
            return "an out-of-range shared-memory access".into();
        }
        let read = kind == MemKind::Load;
        match self.memory.first_blocking(addr, width, read) {
            Some(w) if read => format!("shared memory word {w} to become valid (reading {addr}..{})", addr + width),
            Some(w) => format!(
                "shared memory word {w} to become invalid (still {} reads left; writing {addr}..{})",
                self.memory.count(w),
                addr + width
            ),
            None => "the eDRAM arbiter".into(),
        }
    }
}
