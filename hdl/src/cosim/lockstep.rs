//! Lock-step of a rust_hdl design and its Verilator model: after every settled state of
//! the rust_hdl bench, the same inputs go into Verilator, it evaluates, and every output
//! port is compared. The first difference is reported with its cycle, clock phase,
//! signal and both values; the inputs can be recorded to replay Verilator alone.

use super::model::VerilatedTop;
use crate::crossbar::model::CrossbarModel;
use crate::design::{Design, ScopeWalk};
use crate::export::ports::{Dir, Port};
use crate::export::SvTop;
use crate::host::design_sim::{DesignSim, Shadow};
use rust_hdl::core::atom::Atom;
use rust_hdl::core::probe::Probe;
use rust_hdl::core::synth::VCDValue;
use rust_hdl::core::type_descriptor::TypeKind;
use rust_hdl::prelude::*;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

/// The first output that differed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    pub cycle: u64,
    /// `low`/`high`: the clock level of the settled state compared.
    pub clock: &'static str,
    pub signal: String,
    pub rust_hdl: String,
    pub verilator: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cycle {} (clock {}): {} is {} in rust_hdl, {} in Verilator",
            self.cycle, self.clock, self.signal, self.rust_hdl, self.verilator
        )
    }
}

/// What a lock-step has seen so far.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LockReport {
    /// Settled states compared (two per clock cycle, plus reads between cycles).
    pub compared: u64,
    /// Output values compared.
    pub values: u64,
    /// States in which some output differed.
    pub mismatches: u64,
    pub first: Option<Mismatch>,
    /// Seconds spent in Verilator (inputs, eval, outputs) and in probing rust_hdl.
    pub verilator_seconds: f64,
    pub probe_seconds: f64,
    /// Cycles of the last state seen.
    pub cycles: u64,
}

/// Inputs changed before one evaluation: (port, value).
pub type Step = Vec<(usize, u64)>;

/// A probed value into `words` (bits LSB first in 32-bit words, the length the port has);
/// an enum by its variant index, with its variant names looked up once (`variants`). This
/// runs for every port in every settled state: no formatting, no allocation.
fn read_atom(a: &dyn Atom, variants: &mut Option<Vec<String>>, words: &mut [u32]) {
    words.iter_mut().for_each(|w| *w = 0);
    let mut set = |i: usize| {
        if let Some(w) = words.get_mut(i / 32) {
            *w |= 1 << (i % 32);
        }
    };
    match a.vcd() {
        VCDValue::Single(v) => {
            if v == vcd_rust_hdl::Value::V1 {
                set(0);
            }
        }
        // rust_hdl lists bits MSB first.
        VCDValue::Vector(bits) => {
            for (i, v) in bits.iter().rev().enumerate() {
                if *v == vcd_rust_hdl::Value::V1 {
                    set(i);
                }
            }
        }
        VCDValue::String(s) => {
            let names = variants.get_or_insert_with(|| match a.descriptor().kind {
                TypeKind::Enum(names) => names
                    .iter()
                    .map(|n| n.rsplit("::").next().unwrap_or(n).to_string())
                    .collect(),
                _ => Vec::new(),
            });
            if let Some(k) = names.iter().position(|n| *n == s) {
                if let Some(w) = words.first_mut() {
                    *w = k as u32;
                }
            }
        }
        VCDValue::Composite(_) => {}
    }
}

/// Reads the ports of the block at `reader.scope` (the design itself when empty). The
/// atoms of that block come in the same order in every walk, so their port indices are
/// looked up by name in the first walk only.
struct PortProbe<'a> {
    walk: ScopeWalk,
    /// The block's atoms seen so far in this walk.
    seen: usize,
    reader: &'a mut PortReader,
}

impl Probe for PortProbe<'_> {
    fn visit_start_scope(&mut self, name: &str, _node: &dyn Block) {
        self.walk.enter(&self.reader.scope, name);
    }
    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        self.walk.enter(&self.reader.scope, name);
    }
    fn visit_atom(&mut self, name: &str, a: &dyn Atom) {
        if !self.walk.in_target(self.reader.scope.len()) {
            return;
        }
        let r = &mut *self.reader;
        if r.order.len() == self.seen {
            r.order.push(r.index.get(name).copied());
        }
        if let Some(i) = r.order[self.seen] {
            read_atom(a, &mut r.variants[i], &mut r.values[i]);
        }
        self.seen += 1;
    }
    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        self.walk.leave();
    }
    fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.walk.leave();
    }
}

/// Reads the values of an exported top's ports from its rust_hdl design.
pub struct PortReader {
    /// rust_hdl port name -> port index.
    index: HashMap<String, usize>,
    /// The port index of each depth-1 atom, in walk order (found in the first walk).
    order: Vec<Option<usize>>,
    /// Variant names of enum ports.
    variants: Vec<Option<Vec<String>>>,
    /// Words LSB first, per port.
    pub values: Vec<Vec<u32>>,
    /// Instance names from the design down to the block whose ports are read.
    scope: Vec<String>,
}

impl PortReader {
    pub fn new(ports: &[Port]) -> PortReader {
        Self::within(ports, &[])
    }

    /// The ports of the sub-block at `scope` (instance names below the design).
    pub fn within(ports: &[Port], scope: &[&str]) -> PortReader {
        PortReader {
            scope: scope.iter().map(|s| s.to_string()).collect(),
            index: (ports.iter().enumerate())
                .map(|(i, p)| (p.rtl_name.clone(), i))
                .collect(),
            order: Vec::new(),
            variants: vec![None; ports.len()],
            values: ports.iter().map(|p| vec![0; p.words()]).collect(),
        }
    }

    pub fn read<B: Block>(&mut self, uut: &B) {
        uut.accept(
            "uut",
            &mut PortProbe {
                walk: ScopeWalk::default(),
                seen: 0,
                reader: self,
            },
        );
    }
}

/// The values of `ports` in a rust_hdl design (words LSB first).
pub fn probe_ports<B: Block>(uut: &B, ports: &[Port]) -> Vec<Vec<u32>> {
    let mut r = PortReader::new(ports);
    r.read(uut);
    r.values
}

/// A value as a sized hex literal (`48'h1f`).
pub fn hex(words: &[u32], width: u32) -> String {
    let digits = width.div_ceil(4).max(1) as usize;
    let full: String = words.iter().rev().map(|w| format!("{w:08x}")).collect();
    format!("{width}'h{}", &full[full.len().saturating_sub(digits)..])
}

pub struct LockStep {
    model: VerilatedTop,
    /// rust_hdl's port values in the state being compared.
    ports: PortReader,
    /// Direction and width of each port.
    kinds: Vec<(Dir, u32)>,
    clock: Option<usize>,
    applied: Vec<Option<u64>>,
    report: Rc<RefCell<LockReport>>,
    record: Option<Rc<RefCell<Vec<Step>>>>,
}

impl LockStep {
    /// Follow `uut` with the Verilator model of `top`; its crossbar (if any) starts as a
    /// copy of the design's own.
    pub fn new(top: &SvTop, crossbar: Option<CrossbarModel>) -> Result<LockStep, String> {
        Self::following(VerilatedTop::new(top, crossbar)?, top)
    }

    /// Follow with the model whose crossbar is the ideal-device stand-in.
    pub fn with_standin(top: &SvTop) -> Result<LockStep, String> {
        Self::following(VerilatedTop::with_standin(top)?, top)
    }

    fn following(model: VerilatedTop, top: &SvTop) -> Result<LockStep, String> {
        Ok(LockStep {
            ports: PortReader::new(&top.ports),
            kinds: top.ports.iter().map(|p| (p.dir, p.width)).collect(),
            clock: top.ports.iter().position(|p| p.name == "clock"),
            applied: vec![None; top.ports.len()],
            model,
            report: Default::default(),
            record: None,
        })
    }

    /// Seconds the Verilator build took (0 when the model came from the cache).
    pub fn build_seconds(&self) -> f64 {
        self.model.lib.build_seconds
    }

    pub fn report(&self) -> Rc<RefCell<LockReport>> {
        self.report.clone()
    }

    /// Verilator's VCD of cycles `from..to` into `path`.
    pub fn trace(&mut self, path: &Path, from: u64, to: u64) -> Result<(), String> {
        self.model.trace_open(path, from, to)
    }

    /// Record the inputs of every evaluation (for [`replay`]).
    pub fn record(&mut self) -> Rc<RefCell<Vec<Step>>> {
        let r = Rc::new(RefCell::new(Vec::new()));
        self.record = Some(r.clone());
        r
    }
}

impl<B: Block> Shadow<B> for LockStep {
    fn settled(&mut self, uut: &B, cycle: u64, clock_high: bool) {
        let t0 = Instant::now();
        self.ports.read(uut);
        let t1 = Instant::now();
        let mut step = Step::new();
        for i in 0..self.kinds.len() {
            let (dir, width) = self.kinds[i];
            if dir != Dir::Input {
                continue;
            }
            let v = if Some(i) == self.clock {
                clock_high as u64
            } else {
                let w = &self.ports.values[i];
                w[0] as u64 | w.get(1).map_or(0, |&h| (h as u64) << 32)
            };
            if self.applied[i] != Some(v) {
                if width > 64 {
                    self.model.set(i, &self.ports.values[i]);
                } else {
                    self.model.set_u64(i, v);
                }
                self.applied[i] = Some(v);
                if self.record.is_some() {
                    step.push((i, v));
                }
            }
        }
        self.model.eval();
        self.model.dump_at(cycle, clock_high);
        if let Some(r) = &self.record {
            r.borrow_mut().push(step);
        }
        let mut r = self.report.borrow_mut();
        let mut first = None;
        for i in 0..self.kinds.len() {
            let (dir, width) = self.kinds[i];
            if dir != Dir::Output {
                continue;
            }
            r.values += 1;
            let got = self.model.get(i);
            if got != self.ports.values[i].as_slice() && first.is_none() {
                first = Some(Mismatch {
                    cycle,
                    clock: if clock_high { "high" } else { "low" },
                    signal: self.model.ports[i].name.clone(),
                    rust_hdl: hex(&self.ports.values[i], width),
                    verilator: hex(self.model.get(i), width),
                });
            }
        }
        r.compared += 1;
        r.cycles = cycle;
        if first.is_some() {
            r.mismatches += 1;
            if r.first.is_none() {
                r.first = first;
            }
        }
        r.probe_seconds += (t1 - t0).as_secs_f64();
        r.verilator_seconds += t1.elapsed().as_secs_f64();
    }
}

/// Put `sim` in lock-step with the Verilator model of its design, whose crossbar (if any)
/// starts as a copy of the design's own; returns the report handle.
pub fn attach<B: Design>(
    sim: &mut DesignSim<B>,
) -> Result<(Rc<RefCell<LockReport>>, LockStep), String> {
    let top = SvTop::of_connected(&sim.uut)?;
    let crossbar = sim.uut.crossbar().map(|x| x.model().clone());
    let ls = LockStep::new(&top, crossbar)?;
    Ok((ls.report(), ls))
}

/// Run recorded inputs on `model` alone; returns the evaluations and seconds taken.
pub fn replay(model: &mut VerilatedTop, steps: &[Step]) -> (u64, f64) {
    let t = Instant::now();
    for step in steps {
        for &(port, v) in step {
            model.set_u64(port, v);
        }
        model.eval();
    }
    (steps.len() as u64, t.elapsed().as_secs_f64())
}
