//! Co-simulation sessions: while one is open on a thread, every design simulation a
//! testbench puts under [`follow`] (block testbenches and the MCU host) runs in lock-step
//! with its Verilator model; while a recording is open, each is recorded for a generated
//! SystemVerilog testbench instead.
//! The golden comparison of each testbench is unchanged, so a session checks golden,
//! rust_hdl and Verilator together.

use crate::cosim::lockstep::{attach, LockReport, Mismatch};
use crate::design::Design;
use crate::export::testbench::{Recorder, Recording};
use crate::export::SvTop;
use crate::host::design_sim::DesignSim;
use serde::Serialize;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// A Verilator VCD of cycles `from..to` of the first design in the session.
#[derive(Debug, Clone)]
pub struct VcdRequest {
    pub path: PathBuf,
    pub from: u64,
    pub to: u64,
}

struct Session {
    reports: Vec<Rc<RefCell<LockReport>>>,
    error: Option<String>,
    vcd: Option<VcdRequest>,
    setup_seconds: f64,
}

/// A design recorded for a SystemVerilog testbench: its export and what it did.
pub type Recorded = (SvTop, Rc<RefCell<Recording>>);

struct OpenRecording {
    /// Instance names below each design down to the block whose ports are recorded
    /// (empty: the design's own ports).
    scope: Vec<String>,
    list: Result<Vec<Recorded>, String>,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
    static RECORDING: RefCell<Option<OpenRecording>> = const { RefCell::new(None) };
}

/// Run `f` with every design simulation it follows recorded for a testbench
/// ([`crate::export::testbench`]), at the ports of the block at `scope` (instance names
/// below the design; empty: the design itself); the designs in the order they started.
pub fn with_recording<T>(
    scope: &[&str],
    f: impl FnOnce() -> T,
) -> (T, Result<Vec<Recorded>, String>) {
    RECORDING.with(|r| {
        *r.borrow_mut() = Some(OpenRecording {
            scope: scope.iter().map(|s| s.to_string()).collect(),
            list: Ok(Vec::new()),
        })
    });
    let out = f();
    let rec = RECORDING
        .with(|r| r.borrow_mut().take())
        .expect("recording open");
    (out, rec.list)
}

/// Everything a session's lock-steps saw.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CosimSummary {
    /// Designs run in lock-step (one per testbench case), and the cycles they ran.
    pub designs: usize,
    pub cycles: u64,
    /// Settled states compared, and output values in them.
    pub compared_states: u64,
    pub compared_values: u64,
    /// States with a differing output.
    pub mismatches: u64,
    /// The first of them, with the design (case) it happened in.
    pub first_mismatch: Option<(usize, Mismatch)>,
    pub verilator_seconds: f64,
    pub probe_seconds: f64,
    /// Exporting, building (or loading) and instantiating the Verilator models.
    pub setup_seconds: f64,
    /// A design that could not be put in lock-step (Verilator missing, build failure).
    pub error: Option<String>,
}

impl CosimSummary {
    /// Ok when every design ran in lock-step without a difference.
    pub fn check(&self) -> Result<(), String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if self.designs == 0 {
            return Err("no design ran in lock-step".into());
        }
        match &self.first_mismatch {
            None => Ok(()),
            Some((d, m)) => Err(format!(
                "Verilator differs from rust_hdl in {} states; first in design {d}: {m}",
                self.mismatches
            )),
        }
    }
}

/// Run `f` with every design simulation it follows in lock-step with Verilator.
pub fn with_verilator<T>(vcd: Option<VcdRequest>, f: impl FnOnce() -> T) -> (T, CosimSummary) {
    SESSION.with(|s| {
        *s.borrow_mut() = Some(Session {
            reports: Vec::new(),
            error: None,
            vcd,
            setup_seconds: 0.0,
        })
    });
    let out = f();
    let session = SESSION
        .with(|s| s.borrow_mut().take())
        .expect("session open");
    let mut sum = CosimSummary {
        designs: session.reports.len(),
        error: session.error,
        setup_seconds: session.setup_seconds,
        ..Default::default()
    };
    for (i, r) in session.reports.iter().enumerate() {
        let r = r.borrow();
        sum.cycles += r.cycles;
        sum.compared_states += r.compared;
        sum.compared_values += r.values;
        sum.mismatches += r.mismatches;
        sum.verilator_seconds += r.verilator_seconds;
        sum.probe_seconds += r.probe_seconds;
        if sum.first_mismatch.is_none() {
            sum.first_mismatch = r.first.clone().map(|m| (i, m));
        }
    }
    (out, sum)
}

/// Put `sim` in lock-step when a session is open on this thread (the design is exported
/// under its own name).
pub fn follow<B: Design>(sim: &mut DesignSim<B>) {
    let recorded = RECORDING.with(|r| {
        let mut r = r.borrow_mut();
        let Some(rec) = r.as_mut() else {
            return false;
        };
        let Ok(list) = rec.list.as_mut() else {
            return true;
        };
        let scope: Vec<&str> = rec.scope.iter().map(String::as_str).collect();
        let made = if scope.is_empty() {
            SvTop::of_connected(&sim.uut)
        } else {
            SvTop::of_inner(&sim.uut, &scope)
        };
        match made {
            Ok(top) => {
                let (recorder, handle) = Recorder::new(&top, &scope);
                list.push((top, handle));
                sim.set_shadow(Box::new(recorder));
            }
            Err(e) => rec.list = Err(e),
        }
        true
    });
    if recorded {
        return;
    }
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        let Some(session) = s.as_mut() else {
            return;
        };
        if session.error.is_some() {
            return;
        }
        let t = std::time::Instant::now();
        let attached = attach(sim);
        session.setup_seconds += t.elapsed().as_secs_f64();
        match attached {
            Ok((report, mut ls)) => {
                if let Some(v) = session.vcd.take() {
                    if let Err(e) = ls.trace(&v.path, v.from, v.to) {
                        session.error = Some(e);
                        return;
                    }
                }
                session.reports.push(report);
                sim.set_shadow(Box::new(ls));
            }
            Err(e) => session.error = Some(e),
        }
    });
}
