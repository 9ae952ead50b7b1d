//! The node: tiles on the network, the clock loop, halting, deadlock detection and the
//! run report (cycles, time, energy per component, counts).

use super::bundle::{init_words, Bundle};
use super::core::{Activity, Core, CoreStats};
use super::memory::SharedMemory;
use super::noc::Noc;
use super::params::ArchConfig;
use super::tile::{Tile, TileStats};
use crate::config::Config;
use crate::cost::{CostReport, Counters};
use crate::isa::{addr, disassemble, Instr, FORMS};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArchError {
    #[error("bad bundle: {0}")]
    Setup(String),
    #[error("cycle {cycle}: tile {tile}: {message}")]
    Runtime {
        cycle: u64,
        tile: usize,
        message: String,
    },
    #[error("deadlock at cycle {cycle}: every running agent waits on another\n  {}", .waits.join("\n  "))]
    Deadlock { cycle: u64, waits: Vec<String> },
    #[error("cycle limit {limit} reached before every tile halted\n  {}", .states.join("\n  "))]
    CycleLimit { limit: u64, states: Vec<String> },
}

#[derive(Debug)]
pub struct Node {
    pub cfg: Config,
    pub arch: ArchConfig,
    pub tiles: Vec<Tile>,
    pub noc: Noc,
    pub now: u64,
    /// Cycles skipped in bulk because every agent was in a fixed-latency wait.
    pub fast_forwarded_cycles: u64,
    /// Skip cycles in which only countdowns and waits can happen (on by default; the
    /// results are the same either way, which a test checks).
    pub fast_forward: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoreReport {
    pub tile: usize,
    pub core: usize,
    pub instructions: BTreeMap<String, u64>,
    #[serde(flatten)]
    pub stats: CoreStats,
    pub mcu_ops: McuOps,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct McuOps {
    pub mvm: u64,
    pub mtvm: u64,
    pub opa: u64,
    pub crs: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TileReport {
    pub tile: usize,
    #[serde(flatten)]
    pub stats: TileStats,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub cycles: u64,
    pub simulated_ns: f64,
    pub energy_pj: BTreeMap<String, f64>,
    pub total_energy_pj: f64,
    pub mcu_ops: McuOps,
    /// Sum of every MCU's golden counters (the MCU share of the energy comes from these).
    pub mcu_counters: Counters,
    pub instructions: u64,
    pub non_mcu_instructions: u64,
    pub stall_cycles: u64,
    pub cores: Vec<CoreReport>,
    pub tiles: Vec<TileReport>,
    pub noc_packets: u64,
    /// Packets that arrived but were never received.
    pub undelivered_packets: usize,
    pub dumps: BTreeMap<String, Vec<i64>>,
}

impl Node {
    pub fn new(cfg: &Config, bundle: &Bundle) -> Result<Node, ArchError> {
        let arch = bundle.arch.clone();
        let setup = ArchError::Setup;
        let slot = addr::SLOT_WORDS as usize;
        if cfg.array.rows > slot || cfg.array.cols > slot {
            return Err(setup(format!(
                "the array is {}x{}; the XbarIn/XbarOut slots hold {slot} words, so rows and cols must be at most {slot}",
                cfg.array.rows, cfg.array.cols
            )));
        }
        let frac = cfg.format.frac_bits;
        // A packet to or from a tile that does not exist would wait forever.
        let n = bundle.tiles.len();
        for t in &bundle.tiles {
            for (pc, ins) in t.program.iter().enumerate() {
                let (verb, other) = match *ins {
                    Instr::Send { dest_tile, .. } => ("sends to", dest_tile),
                    Instr::Receive { src_tile, .. } => ("receives from", src_tile),
                    _ => continue,
                };
                if other as usize >= n {
                    return Err(setup(format!(
                        "tile {} program, instruction {pc} ({}): {verb} tile {other}, but the bundle has {n} tile{} (ids 0..={})",
                        t.id,
                        disassemble(ins),
                        if n == 1 { "" } else { "s" },
                        n - 1
                    )));
                }
            }
        }
        let mut tiles = Vec::new();
        for t in &bundle.tiles {
            let mut memory = SharedMemory::new(arch.edram_words);
            for (k, m) in t.edram.iter().enumerate() {
                let what = format!("tile {} edram[{k}]", t.id);
                let w = init_words(&m.words, &m.values, frac, &what).map_err(setup)?;
                memory
                    .check_range(m.addr, w.len())
                    .map_err(|e| setup(format!("{what}: {e}")))?;
                let w16: Vec<i16> = w.iter().map(|&v| v as i16).collect();
                memory.write_valid(m.addr, &w16, m.count);
            }
            let mut cores = Vec::new();
            for c in &t.cores {
                let mut core = Core::new(cfg, &arch, t.id, c.id, c.program.clone());
                for (k, m) in c.dmem.iter().enumerate() {
                    let what = format!("tile {} core {} dmem[{k}]", t.id, c.id);
                    let w = init_words(&m.words, &m.values, frac, &what).map_err(setup)?;
                    if m.addr + w.len() > core.dmem.len() {
                        return Err(setup(format!(
                            "{what}: words {}..{} leave the {}-word address space",
                            m.addr,
                            m.addr + w.len(),
                            core.dmem.len()
                        )));
                    }
                    for (i, v) in w.iter().enumerate() {
                        core.dmem[m.addr + i] = *v as i16;
                    }
                }
                for (k, wi) in c.weights.iter().enumerate() {
                    let what = format!("tile {} core {} weights[{k}]", t.id, c.id);
                    if wi.mcu >= addr::MCUS_PER_CORE {
                        return Err(setup(format!(
                            "{what}: mcu = {}; allowed 0..={}",
                            wi.mcu,
                            addr::MCUS_PER_CORE - 1
                        )));
                    }
                    let w = weight_words(bundle, wi, frac, &what).map_err(setup)?;
                    core.mcus[wi.mcu]
                        .write_weights(&w)
                        .map_err(|e| setup(format!("{what}: {e}")))?;
                    // Programming the image is setup, not part of the run.
                    core.mcus[wi.mcu].reset_counters();
                }
                cores.push(core);
            }
            tiles.push(Tile::new(t.id, cores, memory, t.program.clone()));
        }
        Ok(Node {
            cfg: cfg.clone(),
            arch,
            tiles,
            noc: Noc::default(),
            now: 0,
            fast_forwarded_cycles: 0,
            fast_forward: true,
        })
    }

    pub fn enable_trace(&mut self) {
        for t in &mut self.tiles {
            for c in &mut t.cores {
                c.trace = Some(Vec::new());
            }
        }
    }

    /// Run until every tile has halted and the network is empty.
    pub fn run(
        &mut self,
        max_cycles: u64,
        mut trace: Option<&mut dyn Write>,
    ) -> Result<(), ArchError> {
        loop {
            if self.tiles.iter().all(|t| t.halted) && self.noc.in_flight() == 0 {
                return Ok(());
            }
            if self.now >= max_cycles {
                return Err(ArchError::CycleLimit {
                    limit: max_cycles,
                    states: self.describe(),
                });
            }
            if self.fast_forward {
                self.fast_forward(max_cycles);
            }
            let now = self.now;
            self.noc.deliver(now);
            for t in self.tiles.iter_mut() {
                let id = t.id;
                t.step(now, &mut self.noc, &self.arch)
                    .map_err(|message| ArchError::Runtime {
                        cycle: now,
                        tile: id,
                        message,
                    })?;
            }
            if let Some(w) = trace.as_deref_mut() {
                self.flush_trace(w);
            }
            self.now += 1;
            if self.deadlocked() {
                return Err(ArchError::Deadlock {
                    cycle: now,
                    waits: self.describe(),
                });
            }
        }
    }

    fn flush_trace(&mut self, w: &mut dyn Write) {
        for t in &mut self.tiles {
            for c in &mut t.cores {
                if let Some(events) = c.trace.as_mut() {
                    for (cycle, pc, ins) in events.drain(..) {
                        // A broken trace sink must not stop the simulation.
                        let _ = writeln!(
                            w,
                            "{{\"cycle\":{cycle},\"tile\":{},\"core\":{},\"pc\":{pc},\"instr\":\"{}\"}}",
                            t.id,
                            c.id,
                            disassemble(&ins)
                        );
                    }
                }
            }
        }
    }

    /// Skip cycles in which nothing but fixed-latency countdowns can happen.
    fn fast_forward(&mut self, max_cycles: u64) {
        let mut k = u64::MAX;
        for t in &self.tiles {
            if t.halted {
                continue;
            }
            if !(t.tcu.halted || t.tcu.activity == Activity::Blocked)
                || t.edram_busy_after(self.now)
            {
                return;
            }
            for c in &t.cores {
                match c.quiet_cycles() {
                    Some(r) => k = k.min(r),
                    None => return,
                }
            }
        }
        if let Some(a) = self.noc.next_arrival() {
            k = k.min(a.saturating_sub(self.now) + 1);
        }
        // Nothing will ever wake: leave it to the step, which reports the deadlock at the
        // cycle it began instead of at the cycle limit.
        if k == u64::MAX {
            return;
        }
        // Leave the last countdown cycle (and the arrival cycle) to the normal step.
        let skip = k.saturating_sub(1).min(max_cycles.saturating_sub(self.now));
        if skip == 0 || skip == u64::MAX {
            return;
        }
        for t in &mut self.tiles {
            for c in &mut t.cores {
                if !c.halted {
                    c.skip(skip);
                }
            }
            if !t.halted && !t.tcu.halted {
                t.stats.tcu_stall_cycles += skip;
            }
        }
        self.now += skip;
        self.fast_forwarded_cycles += skip;
    }

    fn deadlocked(&self) -> bool {
        if self.noc.in_flight() > 0 {
            return false;
        }
        let mut blocked = false;
        for t in &self.tiles {
            if t.halted {
                continue;
            }
            if t.edram_busy_after(self.now.saturating_sub(1)) {
                return false;
            }
            for a in t.cores.iter().map(|c| c.activity).chain([t.tcu.activity]) {
                match a {
                    Activity::Busy => return false,
                    Activity::Blocked => blocked = true,
                    Activity::Halted => {}
                }
            }
        }
        blocked
    }

    pub fn describe(&self) -> Vec<String> {
        self.tiles
            .iter()
            .flat_map(|t| t.describe(&self.noc, &self.arch))
            .collect()
    }

    /// Read a region: `tileT.edram[A..B]`, `tileT.coreC.dmem[A..B]`, `tileT.coreC.mcuM.weights`.
    pub fn dump(&self, region: &str) -> Result<Vec<i64>, String> {
        let allowed =
            "allowed: tileT.edram[A..B], tileT.coreC.dmem[A..B], tileT.coreC.mcuM.weights";
        let bad = |why: &str| format!("dump region `{region}`: {why}; {allowed}");
        // Split at dots outside the `[A..B]` range.
        let (head, bracket) = region.split_at(region.find('[').unwrap_or(region.len()));
        let mut owned: Vec<String> = head.split('.').map(String::from).collect();
        if let Some(last) = owned.last_mut() {
            last.push_str(bracket);
        }
        let parts: Vec<&str> = owned.iter().map(String::as_str).collect();
        let num = |s: &str, prefix: &str| -> Result<usize, String> {
            s.strip_prefix(prefix)
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| bad(&format!("expected `{prefix}N`, found `{s}`")))
        };
        let range = |s: &str, name: &str| -> Result<(usize, usize), String> {
            let inner = s
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('['))
                .and_then(|r| r.strip_suffix(']'))
                .ok_or_else(|| bad(&format!("expected `{name}[A..B]`, found `{s}`")))?;
            let (a, b) = inner
                .split_once("..")
                .ok_or_else(|| bad("a range is written A..B"))?;
            let (a, b) = (a.trim().parse::<usize>(), b.trim().parse::<usize>());
            match (a, b) {
                (Ok(a), Ok(b)) if a <= b => Ok((a, b)),
                _ => Err(bad("A and B must be numbers with A <= B")),
            }
        };
        let tile_id = num(parts.first().copied().unwrap_or(""), "tile")?;
        let tile = self
            .tiles
            .get(tile_id)
            .ok_or_else(|| bad(&format!("there is no tile {tile_id}")))?;
        match parts.len() {
            2 => {
                let (a, b) = range(parts[1], "edram")?;
                tile.memory.check_range(a, b - a).map_err(|e| bad(&e))?;
                Ok(tile
                    .memory
                    .peek(a, b - a)
                    .iter()
                    .map(|&v| v as i64)
                    .collect())
            }
            3 | 4 => {
                let cid = num(parts[1], "core")?;
                let core = tile
                    .cores
                    .iter()
                    .find(|c| c.id == cid)
                    .ok_or_else(|| bad(&format!("tile {tile_id} has no core {cid}")))?;
                if parts.len() == 3 {
                    let (a, b) = range(parts[2], "dmem")?;
                    if b > core.dmem.len() {
                        return Err(bad(&format!("dmem has {} words", core.dmem.len())));
                    }
                    Ok(core.dmem[a..b].iter().map(|&v| v as i64).collect())
                } else {
                    let m = num(parts[2], "mcu")?;
                    let mcu = core.mcus.get(m).ok_or_else(|| {
                        bad(&format!("a core has MCUs 0..={}", addr::MCUS_PER_CORE - 1))
                    })?;
                    if parts[3] != "weights" {
                        return Err(bad(&format!("expected `weights`, found `{}`", parts[3])));
                    }
                    // Inspection without cost: the cell levels when ideal, else a serial read of a copy.
                    Ok(mcu
                        .peek_values(mcu.roles().mvm)
                        .unwrap_or_else(|| mcu.clone().read_weights().weights))
                }
            }
            _ => Err(bad("wrong number of parts")),
        }
    }

    /// Totals, energy per component and per-core counts.
    pub fn report(&self, dumps: BTreeMap<String, Vec<i64>>) -> RunReport {
        let a = &self.arch;
        let mut mcu = Counters::default();
        let mut cores = Vec::new();
        let mut e: BTreeMap<String, f64> = BTreeMap::new();
        let mut add = |k: &str, v: f64| *e.entry(k.to_string()).or_default() += v;
        let (mut instructions, mut non_mcu, mut stalls) = (0, 0, 0);
        for t in &self.tiles {
            add(
                "tile.edram",
                t.stats.edram_accesses as f64 * a.edram_access_pj,
            );
            add(
                "tile.attribute",
                t.stats.edram_accesses as f64 * a.attribute_access_pj,
            );
            add(
                "tile.imem",
                t.stats.tile_imem_fetches as f64 * a.tile_imem_fetch_pj,
            );
            for c in &t.cores {
                let s = &c.stats;
                add("core.imem", s.imem_fetches as f64 * a.imem_fetch_pj);
                add(
                    "core.dmem",
                    (s.dmem_word_reads + s.dmem_word_writes) as f64 * a.dmem_word_access_pj,
                );
                add(
                    "core.vfu",
                    s.vfu_lane_ops as f64 * a.vfu_lane_op_pj
                        + s.vfu_transcendental_ops as f64 * a.vfu_transcendental_op_pj,
                );
                add(
                    "core.scalar_alu",
                    s.scalar_alu_ops as f64 * a.scalar_alu_op_pj,
                );
                let mut ops = McuOps::default();
                for m in &c.mcus {
                    mcu.add(&m.counters);
                    ops.mvm += m.counters.mvm_ops;
                    ops.mtvm += m.counters.mtvm_ops;
                    ops.opa += m.counters.opa_ops;
                    ops.crs += m.counters.crs_ops;
                }
                instructions += s.instructions;
                non_mcu += s.non_mcu_instructions;
                stalls += s.stall_attribute_cycles + s.stall_arbitration_cycles;
                cores.push(CoreReport {
                    tile: t.id,
                    core: c.id,
                    instructions: FORMS
                        .iter()
                        .zip(s.by_mnemonic)
                        .filter(|(_, n)| *n > 0)
                        .map(|(f, n)| (f.mnemonic.to_string(), n))
                        .collect(),
                    stats: s.clone(),
                    mcu_ops: ops,
                });
            }
        }
        add(
            "noc.router",
            self.noc.router_traversals as f64 * a.noc_router_traversal_pj,
        );
        add(
            "tile.receive_buffer",
            self.noc.receive_buffer_accesses as f64 * a.receive_buffer_access_pj,
        );
        let mcu_cost = CostReport::from_counters(&mcu, &self.cfg);
        for (k, v) in &mcu_cost.energy_pj {
            add(&format!("mcu.{k}"), *v);
        }
        let total = e.values().sum();
        RunReport {
            cycles: self.now,
            simulated_ns: self.now as f64 * self.cfg.timing.clock_ns,
            energy_pj: e,
            total_energy_pj: total,
            mcu_ops: McuOps {
                mvm: mcu.mvm_ops,
                mtvm: mcu.mtvm_ops,
                opa: mcu.opa_ops,
                crs: mcu.crs_ops,
            },
            mcu_counters: mcu,
            instructions,
            non_mcu_instructions: non_mcu,
            stall_cycles: stalls,
            cores,
            tiles: self
                .tiles
                .iter()
                .map(|t| TileReport {
                    tile: t.id,
                    stats: t.stats.clone(),
                })
                .collect(),
            noc_packets: self.noc.packets_sent,
            undelivered_packets: self.noc.buffered(),
            dumps,
        }
    }
}

fn weight_words(
    bundle: &Bundle,
    w: &super::bundle::WeightInit,
    frac: u32,
    what: &str,
) -> Result<Vec<i64>, String> {
    let given = [
        w.words.is_some(),
        w.values.is_some(),
        w.file.is_some(),
        w.values_file.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        return Err(format!(
            "{what}: give exactly one of `words`, `values`, `file` (a JSON array of raw words), `values_file` (a JSON array of real numbers)"
        ));
    }
    // A JSON array in a file of the bundle; `kind` says what it must hold.
    fn array<T: serde::de::DeserializeOwned>(
        bundle: &Bundle,
        f: &str,
        kind: &str,
        what: &str,
    ) -> Result<Vec<T>, String> {
        let path = bundle.dir.join(f);
        let text = crate::files::read_text(&path, crate::files::InputLimit::Data)
            .map_err(|e| format!("{what}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "{what}: {}: line {}: expected a JSON array of {kind}: {}",
                path.display(),
                e.line(),
                crate::files::json_message(&e)
            )
        })
    }
    if let Some(f) = &w.file {
        let kind = "integers (raw 16-bit words; real numbers go in `values_file`)";
        return init_words(&Some(array(bundle, f, kind, what)?), &None, frac, what);
    }
    if let Some(f) = &w.values_file {
        let v = array(bundle, f, "numbers", what)?;
        return init_words(&None, &Some(v), frac, what);
    }
    init_words(&w.words, &w.values, frac, what)
}

/// Load, run and report in one call (the `panther run` command and tests).
pub fn run_bundle(
    cfg: &Config,
    bundle: &Bundle,
    max_cycles: u64,
    dumps: &[String],
    trace: Option<&mut dyn Write>,
) -> Result<(Node, RunReport), ArchError> {
    let mut node = Node::new(cfg, bundle)?;
    if trace.is_some() {
        node.enable_trace();
    }
    node.run(max_cycles, trace)?;
    let mut d = BTreeMap::new();
    for r in dumps {
        d.insert(r.clone(), node.dump(r).map_err(ArchError::Setup)?);
    }
    let report = node.report(d);
    Ok((node, report))
}
