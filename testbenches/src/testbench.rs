//! What a randomized testbench is: a design point (what the netlist depends on), random
//! cases of stimulus for it, and a check against the golden model. Property tests draw a
//! new design point per case; a run from a seed (`panther sim`, `panther cosim`, the
//! co-simulation tests) draws one design point and all its cases, so co-simulation builds
//! one Verilator model per run.

use panther_hdl::cosim::session::follow;
use panther_hdl::host::design_sim::DesignSim;
use panther_hdl::Design;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use rust_hdl::prelude::{Clock, In, Signal};
use serde::Serialize;
use std::fmt::Debug;
use std::io::Write;

/// The result of one testbench case: cycles run, or what differed.
pub type Outcome = Result<u64, String>;
/// Where a case writes its VCD (the first case of a run, when asked).
pub type Vcd = Option<Box<dyn Write>>;

pub trait Testbench {
    /// What the netlist depends on (sizes, variant, constants).
    type Design: Debug + Clone + 'static;
    /// Stimulus for one design point.
    type Case: Debug + Clone + 'static;

    fn design() -> BoxedStrategy<Self::Design>;
    fn case(design: &Self::Design) -> BoxedStrategy<Self::Case>;
    /// Run one case; `Ok(cycles)` when every checked value equals the golden model's.
    fn check(design: &Self::Design, case: &Self::Case, vcd: Vcd) -> Outcome;

    /// The case with an ideal device, for a recorded SystemVerilog testbench whose
    /// crossbar is the ideal-device stand-in (only tops that contain the crossbar differ).
    fn ideal_device(case: Self::Case) -> Self::Case {
        case
    }
}

/// A design point and a case for it (property tests: both vary per case).
pub fn any_case<T: Testbench>() -> impl Strategy<Value = (T::Design, T::Case)> {
    T::design().prop_flat_map(|d| (Just(d.clone()), T::case(&d)))
}

/// [`Testbench::check`] of a property-test case, as a proptest result.
pub fn check_case<T: Testbench>((d, c): &(T::Design, T::Case)) -> Result<(), TestCaseError> {
    T::check(d, c, None)
        .map(|_| ())
        .map_err(TestCaseError::fail)
}

/// One testbench run from a seed: its design point, cases, cycles, and the mismatches.
#[derive(Debug, Clone, Serialize)]
pub struct TestbenchRun {
    pub top: String,
    pub seed: u64,
    pub design: String,
    pub cases: u32,
    pub cycles: u64,
    pub mismatches: Vec<Mismatch>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    pub case: u32,
    pub stimulus: String,
    pub message: String,
}

/// `cases` random cases of one design point drawn from `seed` (VCD of the first case).
pub fn run<T: Testbench>(top: &str, seed: u64, cases: u32, vcd: Vcd) -> TestbenchRun {
    run_mapped::<T>(top, seed, cases, vcd, |c| c)
}

/// [`run`] with an ideal device in every case ([`Testbench::ideal_device`]).
pub fn run_ideal<T: Testbench>(top: &str, seed: u64, cases: u32) -> TestbenchRun {
    run_mapped::<T>(top, seed, cases, None, T::ideal_device)
}

fn run_mapped<T: Testbench>(
    top: &str,
    seed: u64,
    cases: u32,
    mut vcd: Vcd,
    map: impl Fn(T::Case) -> T::Case,
) -> TestbenchRun {
    let mut runner = crate::seeded_runner(seed);
    let design = T::design()
        .new_tree(&mut runner)
        .expect("design strategies always generate")
        .current();
    let stimulus = T::case(&design);
    let mut run = TestbenchRun {
        top: top.to_string(),
        seed,
        design: format!("{design:?}"),
        cases,
        cycles: 0,
        mismatches: Vec::new(),
    };
    for case in 0..cases {
        let input = map(stimulus
            .new_tree(&mut runner)
            .expect("case strategies always generate")
            .current());
        match T::check(&design, &input, vcd.take()) {
            Ok(c) => run.cycles += c,
            Err(message) => run.mismatches.push(Mismatch {
                case,
                stimulus: format!("{input:?}"),
                message,
            }),
        }
    }
    run
}

/// A simulation of `uut` for a testbench: in lock-step with Verilator while a
/// co-simulation session is open, tracing into `vcd` when given.
pub fn simulate<B: Design>(
    uut: B,
    clock: fn(&mut B) -> &mut Signal<In, Clock>,
    vcd: Vcd,
) -> DesignSim<B> {
    let mut sim = DesignSim::new(uut, clock);
    follow(&mut sim);
    if let Some(w) = vcd {
        // A trace that cannot start leaves the check itself untouched.
        let _ = sim.trace(w, 0, u64::MAX);
    }
    sim
}
