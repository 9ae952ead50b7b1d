//! The `arch` engine: the compiled programs ([`super::compile`]) on the architectural
//! simulator (`crate::arch`), one `step` run per training sample, `predict` per test
//! sample, `crs` on the model's schedule, with the weights staying in the MCUs between
//! runs. The runtime writes a sample's input and one-hot target into the core's data
//! memory before a run and reads the scores and prediction after it.

use super::compile::{assemble, compile, place, CompileError, Compiled, Programs};
use super::fast::{argmax, Activity};
use super::plan::{Plan, Slice};
use crate::arch::bundle::{Bundle, LoadedCore, LoadedTile, Manifest, WeightInit};
use crate::arch::core::cycles_for;
use crate::arch::{Node, RunReport};
use crate::config::Config;
use crate::cost::Counters;
use crate::isa::Instr;
use std::collections::BTreeMap;

/// Cycles one program may take before the run is called stuck.
const MAX_CYCLES_PER_RUN: u64 = 50_000_000;

/// One program assembled for every agent: per tile, its control unit's and its cores'.
struct Assembled {
    tiles: Vec<(Vec<Instr>, Vec<Vec<Instr>>)>,
}

impl Assembled {
    fn of(p: &Programs, name: &str) -> Assembled {
        Assembled {
            tiles: p
                .tiles
                .iter()
                .map(|t| {
                    (
                        assemble(&t.tcu, &t.tcu_file(name)),
                        t.cores
                            .iter()
                            .map(|(c, text)| assemble(text, &t.core_file(name, *c)))
                            .collect(),
                    )
                })
                .collect(),
        }
    }
}

/// A saved `arch` trainer (checkpoints): the node between two runs and the run counts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArchState {
    pub node: crate::arch::snapshot::NodeSnapshot,
    pub crs_runs: u64,
    pub steps: u64,
}

pub struct ArchNet {
    pub plan: Plan,
    pub compiled: Compiled,
    pub node: Node,
    step: Assembled,
    predict: Assembled,
    crs: Assembled,
    frac: u32,
    cores_per_tile: usize,
    /// CRS runs and training steps so far.
    pub crs_runs: u64,
    pub steps: u64,
    slices: usize,
}

impl ArchNet {
    /// Compile `plan` and load it, with `weights` as in [`super::fast::FastNet::new`].
    pub fn new(plan: Plan, cfg: &Config, weights: &[Vec<Vec<i64>>]) -> Result<ArchNet, String> {
        let compiled = compile(&plan, cfg).map_err(|CompileError(e)| e)?;
        ArchNet::with_programs(plan, compiled, cfg, weights)
    }

    /// Load compiled programs and the weights onto a new machine.
    pub fn with_programs(
        plan: Plan,
        compiled: Compiled,
        cfg: &Config,
        weights: &[Vec<Vec<i64>>],
    ) -> Result<ArchNet, String> {
        let (step, predict, crs) = (
            Assembled::of(&compiled.step, "step"),
            Assembled::of(&compiled.predict, "predict"),
            Assembled::of(&compiled.crs, "crs"),
        );
        let (rows, cols) = (cfg.array.rows, cfg.array.cols);
        let cpt = cfg.arch.cores_per_tile;
        let tiles = compiled
            .step
            .tiles
            .iter()
            .map(|t| LoadedTile {
                id: t.tile,
                program: vec![Instr::Halt],
                edram: Vec::new(),
                cores: t
                    .cores
                    .iter()
                    .map(|&(c, _)| LoadedCore {
                        id: c,
                        program: vec![Instr::Hlt],
                        dmem: Vec::new(),
                        weights: (0..plan.blocks.len())
                            .filter(|&k| {
                                let (bt, bc, _) = place(k, cpt);
                                (bt, bc) == (t.tile, c)
                            })
                            .map(|k| WeightInit {
                                mcu: place(k, cpt).2,
                                words: Some(plan.block_image(k, weights, rows, cols)),
                                values: None,
                                file: None,
                                values_file: None,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let bundle = Bundle {
            dir: std::path::PathBuf::from("."),
            manifest_path: std::path::PathBuf::from("compiled"),
            manifest: Manifest {
                name: "compiled".into(),
                description: String::new(),
                config: None,
                arch: None,
                tiles: Vec::new(),
            },
            arch: cfg.arch.clone(),
            tiles,
        };
        let mut node = Node::new(cfg, &bundle).map_err(|e| e.to_string())?;
        // The blocks' dead parts, as the `fast` engine declares them.
        for (k, b) in plan.blocks.iter().enumerate() {
            let (t, c, p) = place(k, cpt);
            let core = node.tiles[t].cores.iter_mut().find(|x| x.id == c);
            core.expect("placed core").mcus[p].set_live_window(
                b.rows,
                b.cols,
                crate::mcu::DeadCells::Kept,
            );
        }
        Ok(ArchNet {
            plan,
            compiled,
            node,
            step,
            predict,
            crs,
            frac: cfg.format.frac_bits,
            cores_per_tile: cpt,
            crs_runs: 0,
            steps: 0,
            slices: cfg.slicing.slices,
        })
    }

    pub fn state(&self) -> Result<ArchState, String> {
        Ok(ArchState {
            node: self.node.snapshot()?,
            crs_runs: self.crs_runs,
            steps: self.steps,
        })
    }

    /// Continue from `s`, saved from a trainer of the same model and config.
    pub fn restore(&mut self, s: &ArchState) -> Result<(), String> {
        self.node.restore(&s.node)?;
        self.crs_runs = s.crs_runs;
        self.steps = s.steps;
        Ok(())
    }

    /// The leader core (tile 0, core 0), which holds the step's vectors.
    fn leader(&self) -> &crate::arch::core::Core {
        &self.node.tiles[0].cores[0]
    }

    fn words(&self, s: Slice) -> &[i16] {
        let a = self.compiled.buffer_addr[s.buf] as usize + s.start;
        &self.leader().dmem[a..a + s.len]
    }

    fn write(&mut self, s: Slice, w: &[i16]) {
        let a = self.compiled.buffer_addr[s.buf] as usize + s.start;
        self.node.tiles[0].cores[0].dmem[a..a + w.len()].copy_from_slice(w);
    }

    /// Put a sample in (the same words as the `fast` engine's).
    pub fn load(&mut self, x: &[f64], label: usize) {
        let io = self.plan.io;
        let (words, t) = self.plan.sample_words(x, label, self.frac);
        self.write(io.x.sub(0, words.len()), &words);
        self.write(io.target, &t);
    }

    /// Run one of the programs on the core, from its first instruction to `hlt`.
    fn run(node: &mut Node, program: &Assembled) -> Result<(), String> {
        for (tile, (tcu, cores)) in node.tiles.iter_mut().zip(&program.tiles) {
            let cores: Vec<&[Instr]> = cores.iter().map(Vec::as_slice).collect();
            tile.restart(tcu, &cores);
        }
        let limit = node.now + MAX_CYCLES_PER_RUN;
        node.run(limit, None).map_err(|e| e.to_string())
    }

    pub fn predict(&mut self) -> Result<usize, String> {
        ArchNet::run(&mut self.node, &self.predict)?;
        Ok(argmax(self.words(self.plan.io.scores)))
    }

    /// One training sample: the loss and whether the prediction was right (as `fast`).
    pub fn train_sample(&mut self, label: usize) -> Result<(f64, bool), String> {
        self.steps += 1;
        if let Some((s, words)) = self.plan.dither_words(self.steps) {
            self.write(s, &words);
        }
        ArchNet::run(&mut self.node, &self.step)?;
        let predicted = argmax(self.words(self.plan.io.scores));
        let one = self.plan.one as f64;
        let p: Vec<f64> = self
            .words(self.plan.io.prediction)
            .iter()
            .map(|&w| w as f64 / one)
            .collect();
        Ok((
            super::fast::loss(self.plan.loss, &p, label, one),
            predicted == label,
        ))
    }

    pub fn crs(&mut self) -> Result<(), String> {
        self.crs_runs += 1;
        ArchNet::run(&mut self.node, &self.crs)
    }

    /// The MCUs' event counters, summed over the machine.
    pub fn counters(&self) -> Counters {
        let mut c = Counters::default();
        for k in 0..self.plan.mcus() {
            c.add(&self.mcu(k).counters);
        }
        c
    }

    /// The MCU that holds block k.
    pub fn mcu(&self, k: usize) -> &crate::mcu::Mcu {
        let (t, c, p) = place(k, self.cores_per_tile);
        let tile = &self.node.tiles[t];
        let core = tile.cores.iter().find(|x| x.id == c).expect("placed core");
        &core.mcus[p]
    }

    /// What the MCU operations reported, summed over the cores, as the `fast` engine keeps
    /// it (its VFU element counts are the cores' own, in the machine report).
    pub fn activity(&self) -> Activity {
        let mut a = Activity {
            clip_events: vec![0; self.slices],
            clipped_levels: vec![0.0; self.slices],
            crs: self.crs_runs,
            steps: self.steps,
            ..Activity::default()
        };
        for core in self.node.tiles.iter().flat_map(|t| &t.cores) {
            let s = &core.stats;
            for (k, (e, l)) in s
                .opa_clip_events
                .iter()
                .zip(&s.opa_clipped_levels)
                .enumerate()
            {
                a.clip_events[k] += e;
                a.clipped_levels[k] += l;
            }
            a.saturations += s.output_saturations;
            a.adc_clips += s.output_adc_clips;
            a.crs_saturations += s.crs_saturations;
        }
        a
    }

    /// The machine's report so far: cycles, simulated time, energy by component.
    pub fn report(&self) -> RunReport {
        self.node.report(Default::default())
    }
}

/// What one run of the compiled `step` and `crs` programs costs outside the MCUs (time, and
/// the energy of memories, VFU, eDRAM and NoC), which depends on the programs only: the
/// `fast` engine adds it to its own MCUs' energy, so that it reports the machine's energy
/// and time like the `arch` engine without running the programs.
#[derive(Debug, Clone)]
pub struct ProgramCost {
    step: RunCost,
    crs: RunCost,
    /// The CRS run's cycles besides its slowest MCU's (fetch, decode, `hlt`).
    crs_overhead_cycles: u64,
    cfg: Config,
}

#[derive(Debug, Clone)]
struct RunCost {
    ns: f64,
    /// Energy by component without the MCUs' (`mcu.*`).
    energy_pj: BTreeMap<String, f64>,
}

impl RunCost {
    fn between(a: &RunReport, b: &RunReport) -> RunCost {
        RunCost {
            ns: b.simulated_ns - a.simulated_ns,
            energy_pj: b
                .energy_pj
                .iter()
                .filter(|(k, _)| !k.starts_with("mcu."))
                .map(|(k, v)| (k.clone(), v - a.energy_pj.get(k).copied().unwrap_or(0.0)))
                .collect(),
        }
    }
}

impl ProgramCost {
    /// Measured on the architectural simulator: one step, then one CRS. None when the
    /// network does not compile (then there are no programs to cost).
    pub fn measure(
        plan: &Plan,
        cfg: &Config,
        weights: &[Vec<Vec<i64>>],
    ) -> Result<Option<ProgramCost>, String> {
        let Ok(compiled) = compile(plan, cfg) else {
            return Ok(None);
        };
        let mut net = ArchNet::with_programs(plan.clone(), compiled, cfg, weights)?;
        let r0 = net.report();
        net.train_sample(0)?;
        let r1 = net.report();
        let busy: Vec<f64> = (0..plan.mcus())
            .map(|k| net.mcu(k).counters.busy_ns)
            .collect();
        net.crs()?;
        let r2 = net.report();
        let slowest = (0..plan.mcus())
            .map(|k| cycles_for(net.mcu(k).counters.busy_ns - busy[k], cfg.timing.clock_ns))
            .max()
            .unwrap_or(1);
        Ok(Some(ProgramCost {
            step: RunCost::between(&r0, &r1),
            crs: RunCost::between(&r1, &r2),
            crs_overhead_cycles: (r2.cycles - r1.cycles) - slowest,
            cfg: cfg.clone(),
        }))
    }

    /// The machine's energy by component and time after `steps` steps and `crs` CRS runs
    /// of `crs_cycles` MCU cycles (their slowest MCUs') whose MCUs counted `counters`.
    pub fn report(
        &self,
        steps: u64,
        crs: u64,
        crs_cycles: u64,
        counters: &Counters,
    ) -> (BTreeMap<String, f64>, f64) {
        let mut e: BTreeMap<String, f64> = BTreeMap::new();
        for (run, n) in [(&self.step, steps), (&self.crs, crs)] {
            for (k, v) in &run.energy_pj {
                *e.entry(k.clone()).or_default() += v * n as f64;
            }
        }
        for (k, v) in crate::cost::CostReport::from_counters(counters, &self.cfg).energy_pj {
            e.insert(format!("mcu.{k}"), v);
        }
        let crs_ns =
            (crs * self.crs_overhead_cycles + crs_cycles) as f64 * self.cfg.timing.clock_ns;
        (e, self.step.ns * steps as f64 + crs_ns)
    }
}
