//! The bit-sliced OPA update unit in depth, inside the MCU: at every pulse step the row
//! gates and every column's pulse code equal the golden digit of (t, m, phase); executed
//! phases (with and without skipping), pulse-step count, per-slice clip counts and
//! overflow terms match the golden OPA; weights after CRS match.

use super::mcu::host_for;
use crate::testbench::{Outcome, Testbench, Vcd};
use crate::{small_config, variant, words};
use panther_hdl::host::mcu_host::HostCmd;
use panther_sim::config::Variant;
use panther_sim::mcu::{opa_digit, PHASES};
use panther_sim::opfile::McuBackend;
use panther_sim::Mcu;
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct OpaDesign {
    pub variant: Variant,
    pub skip_empty_phases: bool,
}

#[derive(Debug, Clone)]
pub struct OpaUnitCase {
    pub weights: Vec<i64>,
    pub x: Vec<i64>,
    pub d: Vec<i64>,
}

pub struct OpaUnitTestbench;

impl Testbench for OpaUnitTestbench {
    type Design = OpaDesign;
    type Case = OpaUnitCase;

    fn design() -> BoxedStrategy<OpaDesign> {
        (variant(), any::<bool>())
            .prop_map(|(variant, skip_empty_phases)| OpaDesign {
                variant,
                skip_empty_phases,
            })
            .boxed()
    }

    fn case(_: &OpaDesign) -> BoxedStrategy<OpaUnitCase> {
        (words(64, 16), words(8, 16), words(8, 16))
            .prop_map(|(weights, x, d)| OpaUnitCase { weights, x, d })
            .boxed()
    }

    /// At every pulse step the row gates and every column's code equal the golden (t, m, phase)
    /// digit; executed phases, pulse-step count, per-slice clip counts and overflow terms equal
    /// the golden OPA; weights after CRS match.
    fn check(design: &OpaDesign, c: &OpaUnitCase, vcd: Vcd) -> Outcome {
        let mut cfg = small_config(8, design.variant, 4, true);
        cfg.opa.skip_empty_phases = design.skip_empty_phases;
        let (x, d) = (&c.x, &c.d);
        let mut golden = Mcu::new(&cfg, 0);
        let mut rtl = host_for(&cfg, vcd)?;
        golden
            .write_weights(&c.weights)
            .map_err(|e| e.to_string())?;
        rtl.write_weights(&c.weights).map_err(|e| e.to_string())?;
        let want = golden.opa(x, d).map_err(|e| e.to_string())?;
        rtl.load(false, x);
        rtl.load(true, d);
        let p = rtl.params.clone();
        let mut pulses = 0u64;
        let mut phases_seen = std::collections::BTreeSet::new();
        rtl.command_start(HostCmd::train(0b001));
        while !rtl.sim.uut.done.val() {
            let u = &rtl.sim.uut;
            if u.crossbar.pulse.val() {
                pulses += 1;
                let t = u.opa_unit.step.val().to_u32();
                let m = u.opa_unit.slice_idx.val().index();
                let phase = PHASES[u.opa_unit.phase_idx.val().index()];
                phases_seen.insert(u.opa_unit.phase_idx.val().index());
                ensure_eq!(
                    u.crossbar.pulse_negative.val(),
                    phase.row_negative ^ phase.col_negative,
                    "pulse sign"
                );
                for (i, &xi) in x.iter().enumerate() {
                    let gate = xi != 0
                        && (xi < 0) == phase.row_negative
                        && (xi.unsigned_abs() >> t) & 1 == 1;
                    ensure_eq!(
                        u.crossbar.row_drive[i].val(),
                        gate,
                        "row gate {i} at t {t}, {phase:?}"
                    );
                }
                for (j, &dj) in d.iter().enumerate() {
                    let digit = opa_digit(
                        dj.unsigned_abs(),
                        t,
                        m,
                        (p.opa_shift, p.opa_round_half),
                        p.word_bits,
                        p.nominal_bits,
                    );
                    let code = if (dj < 0) == phase.col_negative {
                        digit
                    } else {
                        0
                    };
                    ensure_eq!(
                        u.crossbar.pulse_code[j].val().to_u32(),
                        code,
                        "code of column {j} at t {t} m {m}, {phase:?}"
                    );
                }
            }
            rtl.tick();
            if rtl.cycles() > 10_000_000 {
                return Err("OPA never signalled done".into());
            }
        }
        ensure_eq!(phases_seen.len() as u32, want.phases, "phases with pulses");
        ensure_eq!(
            pulses,
            (want.phases * p.input_bits) as u64 * p.slices as u64,
            "pulse steps"
        );
        ensure_eq!(rtl.sim.uut.phases.val().to_u32(), want.phases, "phases");
        ensure_eq!(
            rtl.sim.uut.overflow_terms.val().to_u64(),
            want.overflow_terms,
            "overflow terms"
        );
        for k in 0..p.slices {
            rtl.sim.uut.clip_sel.next = (k as u64).into();
            rtl.sim.settle();
            ensure_eq!(
                rtl.sim.uut.clip_events.val().to_u64(),
                want.clip_events[k],
                "clip events of slice {k}"
            );
        }
        ensure_eq!(rtl.crs(), golden.crs(), "CRS after the OPA");
        ensure_eq!(
            McuBackend::read_weights(&mut rtl),
            McuBackend::read_weights(&mut golden),
            "weights after CRS"
        );
        Ok(rtl.cycles())
    }
}
