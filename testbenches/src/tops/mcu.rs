//! The whole MCU against the golden MCU: random op sequences after random weights (any
//! variant, ideal or seeded non-ideal device, either OPA rounding), every result bit-exact and every command's
//! cycles equal to the RTL timing model. The comparison ([`compare_on`], [`compare_with`])
//! also serves the testbenches that run inside the MCU and `panther cosim`.

use crate::testbench::{Outcome, Testbench, Vcd};
use crate::{small_config, variant};
use panther_hdl::cosim::session::follow;
use panther_hdl::host::mcu_host::McuHost;
use panther_hdl::host::mcu_pins::{McuPins, OutPin};
use panther_hdl::timing;
use panther_sim::config::{Config, Variant};
use panther_sim::opfile::{Op, OpFile, OpResult};
use panther_sim::Mcu;
use proptest::prelude::*;

/// Stimulus of a testbench that runs op sequences on an 8 x 8 MCU (4 converters a slice).
#[derive(Debug, Clone)]
pub struct SequenceCase {
    /// Seed of the device maps and noise.
    pub seed: u64,
    pub ideal: bool,
    pub file: OpFile,
}

impl SequenceCase {
    /// Random weights, then `len` random ops (MVM, MTVM, OPA, CRS), then a weight read.
    pub fn strategy(variant: Variant, len: usize) -> BoxedStrategy<SequenceCase> {
        let cfg = small_config(8, variant, 4, true);
        (any::<u64>(), any::<bool>(), crate::op_file(&cfg, len))
            .prop_map(|(seed, ideal, file)| SequenceCase { seed, ideal, file })
            .boxed()
    }

    /// The design point of the case: the seed also picks the OPA's rounding (odd: nearest).
    pub fn config(&self, variant: Variant) -> Config {
        let mut cfg = small_config(8, variant, 4, self.ideal);
        cfg.seed = self.seed;
        cfg.opa.rounding = if self.seed % 2 == 1 {
            panther_sim::config::OpaRounding::Nearest
        } else {
            panther_sim::config::OpaRounding::Truncate
        };
        cfg
    }
}

pub struct McuTestbench;

impl Testbench for McuTestbench {
    type Design = Variant;
    type Case = SequenceCase;

    fn design() -> BoxedStrategy<Variant> {
        variant().boxed()
    }

    fn case(&v: &Variant) -> BoxedStrategy<SequenceCase> {
        SequenceCase::strategy(v, 4)
    }

    fn check(&v: &Variant, c: &SequenceCase, vcd: Vcd) -> Outcome {
        compare_on(&c.config(v), &c.file, vcd, true).map(|c| c.cycles)
    }

    fn ideal_device(c: SequenceCase) -> SequenceCase {
        SequenceCase { ideal: true, ..c }
    }
}

/// The rust_hdl MCU's host for a testbench: in lock-step with Verilator while a
/// co-simulation session is open, tracing into `vcd` when given.
pub fn host_for(cfg: &Config, vcd: Vcd) -> Result<McuHost, String> {
    let mut host = McuHost::new(cfg, "testbench").map_err(|e| e.to_string())?;
    follow(&mut host.sim);
    if let Some(w) = vcd {
        host.trace(w, 0, u64::MAX).map_err(|e| e.to_string())?;
    }
    Ok(host)
}

/// Both levels' results of one op file (equal), with cycles and wall times.
#[derive(Debug, Clone)]
pub struct Compared {
    pub results: Vec<OpResult>,
    /// RTL clock cycles of the whole run, and commands issued.
    pub cycles: u64,
    pub commands: u64,
    pub golden_seconds: f64,
    /// Wall time of the RTL run (a lock-step's Verilator time included).
    pub rtl_seconds: f64,
}

/// Run `file` on the golden and the rust_hdl MCU: every result must be equal (and, when
/// `timed`, every MVM/MTVM/OPA/CRS take the timing model's cycles).
pub fn compare_on(cfg: &Config, file: &OpFile, vcd: Vcd, timed: bool) -> Result<Compared, String> {
    compare_with(cfg, file, host_for(cfg, vcd)?, timed)
}

/// [`compare_on`] with the host on any simulated MCU (rust_hdl or Verilator).
pub fn compare_with<P: McuPins>(
    cfg: &Config,
    file: &OpFile,
    mut rtl: McuHost<P>,
    timed: bool,
) -> Result<Compared, String> {
    let p = rtl.params.clone();
    let mut golden = Mcu::new(cfg, 0);
    let t = std::time::Instant::now();
    let g = panther_sim::opfile::run_ops(&mut golden, file, cfg, "testbench", |_, _| {})
        .map_err(|e| e.to_string())?;
    let golden_seconds = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let mut timing_error = None;
    let r = panther_sim::opfile::run_ops(&mut rtl, file, cfg, "testbench", |i, m| {
        let want = match (&file.ops[i], timed) {
            (Op::Mvm { .. }, true) => Some(timing::line_op_cycles(&p, false)),
            (Op::Mtvm { .. }, true) => Some(timing::line_op_cycles(&p, true)),
            (Op::Crs {}, true) => Some(timing::crs_cycles(&p)),
            (Op::Opa { .. }, true) => {
                Some(timing::opa_cycles(&p, m.sim.get(OutPin::Phases) as u32))
            }
            _ => None,
        };
        if let Some(w) = want {
            if m.last_command_cycles != w && timing_error.is_none() {
                timing_error = Some(format!(
                    "op {i}: {} cycles, timing model {w}",
                    m.last_command_cycles
                ));
            }
        }
    })
    .map_err(|e| e.to_string())?;
    let rtl_seconds = t.elapsed().as_secs_f64();
    ensure_eq!(r.len(), g.len(), "number of results");
    for (i, (a, b)) in r.iter().zip(&g).enumerate() {
        ensure_eq!(a, b, "op {i} ({})", file.ops[i].name());
    }
    if let Some(e) = timing_error {
        return Err(e);
    }
    Ok(Compared {
        results: g,
        cycles: rtl.cycles(),
        commands: rtl.commands,
        golden_seconds,
        rtl_seconds,
    })
}
