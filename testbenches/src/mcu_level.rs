//! Testbenches of the blocks that only make sense inside the MCU (OPA unit, CRS sequencer,
//! controller) and of the behavioural crossbar block, against the golden MCU.

use crate::blocks::{Outcome, Vcd};
use crate::{small_config, words};
use panther_hdl::crossbar::{Crossbar, SampleKind};
use panther_hdl::harness::{HostCmd, RtlMcu};
use panther_hdl::params::RtlParams;
use panther_hdl::pins::{McuPins, OutPin};
use panther_hdl::timing;
use panther_sim::config::Variant;
use panther_sim::crossbar::Adc;
use panther_sim::mcu::{build_copies, opa_digit, PHASES};
use panther_sim::opfile::{McuBackend, Op};
use panther_sim::Mcu;
use proptest::prelude::*;

fn variant() -> impl Strategy<Value = Variant> {
    prop_oneof![Just(Variant::V1), Just(Variant::V2), Just(Variant::V3)]
}

fn rtl_with(cfg: &panther_sim::Config, vcd: Vcd) -> Result<RtlMcu, String> {
    let mut rtl = RtlMcu::new(cfg, "testbench").map_err(|e| e.to_string())?;
    crate::cosim::follow(&mut rtl.bench);
    if let Some(w) = vcd {
        rtl.trace(w, 0, u64::MAX).map_err(|e| e.to_string())?;
    }
    Ok(rtl)
}

// ---- OPA update unit, in depth ----

#[derive(Debug, Clone)]
pub struct OpaUnitCase {
    pub variant: Variant,
    pub skip_empty_phases: bool,
    pub weights: Vec<i64>,
    pub x: Vec<i64>,
    pub d: Vec<i64>,
}

pub fn opa_unit_case() -> impl Strategy<Value = OpaUnitCase> {
    (
        variant(),
        any::<bool>(),
        words(64, 16),
        words(8, 16),
        words(8, 16),
    )
        .prop_map(|(variant, skip_empty_phases, weights, x, d)| OpaUnitCase {
            variant,
            skip_empty_phases,
            weights,
            x,
            d,
        })
}

/// At every pulse step the row gates and every column's code equal the golden (t, m, phase)
/// digit; executed phases, pulse-step count, per-slice clip counts and overflow terms equal
/// the golden OPA; weights after CRS match.
pub fn opa_unit(c: &OpaUnitCase, vcd: Vcd) -> Outcome {
    let mut cfg = small_config(8, c.variant, 4, true);
    cfg.opa.skip_empty_phases = c.skip_empty_phases;
    let (x, d) = (&c.x, &c.d);
    let mut golden = Mcu::new(&cfg, 0);
    let mut rtl = rtl_with(&cfg, vcd)?;
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
    while !rtl.bench.uut.done.val() {
        let u = &rtl.bench.uut;
        if u.xbar.pulse.val() {
            pulses += 1;
            let t = u.opa.step.val().to_u32();
            let m = u.opa.slice_idx.val().index();
            let phase = PHASES[u.opa.phase_idx.val().index()];
            phases_seen.insert(u.opa.phase_idx.val().index());
            ensure_eq!(
                u.xbar.pulse_negative.val(),
                phase.row_negative ^ phase.col_negative,
                "pulse sign"
            );
            for (i, &xi) in x.iter().enumerate() {
                let gate =
                    xi != 0 && (xi < 0) == phase.row_negative && (xi.unsigned_abs() >> t) & 1 == 1;
                ensure_eq!(
                    u.xbar.row_drive[i].val(),
                    gate,
                    "row gate {i} at t {t}, {phase:?}"
                );
            }
            for (j, &dj) in d.iter().enumerate() {
                let digit = opa_digit(
                    dj.unsigned_abs(),
                    t,
                    m,
                    p.opa_shift,
                    p.word_bits,
                    p.nominal_bits,
                );
                let code = if (dj < 0) == phase.col_negative {
                    digit
                } else {
                    0
                };
                ensure_eq!(
                    u.xbar.pulse_code[j].val().to_u32(),
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
    ensure_eq!(rtl.bench.uut.phases.val().to_u32(), want.phases, "phases");
    ensure_eq!(
        rtl.bench.uut.overflow_terms.val().to_u64(),
        want.overflow_terms,
        "overflow terms"
    );
    for k in 0..p.slices {
        rtl.bench.uut.clip_sel.next = (k as u64).into();
        rtl.bench.settle();
        ensure_eq!(
            rtl.bench.uut.clip_events.val().to_u64(),
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

// ---- CRS sequencer and controller, on op sequences ----

#[derive(Debug, Clone)]
pub struct SequenceCase {
    pub variant: Variant,
    pub seed: u64,
    pub ideal: bool,
    pub file: panther_sim::opfile::OpFile,
}

/// Random weights, then `len` random ops (MVM, MTVM, OPA, CRS), then a weight read.
pub fn sequence_case(len: usize) -> impl Strategy<Value = SequenceCase> {
    (variant(), any::<u64>(), any::<bool>()).prop_flat_map(move |(variant, seed, ideal)| {
        let cfg = small_config(8, variant, 4, true);
        crate::op_file(&cfg, len).prop_map(move |file| SequenceCase {
            variant,
            seed,
            ideal,
            file,
        })
    })
}

/// CRS sequencer: OPAs push weights past their cells' nominal digits; every CRS's
/// saturation count and the weights after it match the golden MCU (seeded non-ideal
/// devices too).
pub fn crs(c: &SequenceCase, vcd: Vcd) -> Outcome {
    let mut file = c.file.clone();
    file.ops.retain(|o| matches!(o, Op::Opa { .. }));
    file.ops.push(Op::Crs);
    file.ops.push(Op::ReadWeights);
    file.ops.push(Op::ReadSlices);
    run_sequence(c, &file, vcd, false)
}

/// Controller: every command of a random sequence gives the golden result, in the
/// cycles the RTL timing model predicts.
pub fn controller(c: &SequenceCase, vcd: Vcd) -> Outcome {
    run_sequence(c, &c.file, vcd, true)
}

fn run_sequence(
    c: &SequenceCase,
    file: &panther_sim::opfile::OpFile,
    vcd: Vcd,
    timed: bool,
) -> Outcome {
    let mut cfg = small_config(8, c.variant, 4, c.ideal);
    cfg.seed = c.seed;
    compare_on(&cfg, file, vcd, timed).map(|c| c.cycles)
}

/// Both levels' results of one op file (equal), with cycles and wall times.
#[derive(Debug, Clone)]
pub struct Compared {
    pub results: Vec<panther_sim::opfile::OpResult>,
    /// RTL clock cycles of the whole run, and commands issued.
    pub cycles: u64,
    pub commands: u64,
    pub golden_seconds: f64,
    /// Wall time of the RTL run (a lock-step's Verilator time included).
    pub rtl_seconds: f64,
}

/// Run `file` on the golden and the rust_hdl MCU: every result must be equal (and, when
/// `timed`, every MVM/MTVM/OPA/CRS take the timing model's cycles). Returns the golden
/// results and the RTL's cycles.
pub fn compare_on(
    cfg: &panther_sim::Config,
    file: &panther_sim::opfile::OpFile,
    vcd: Vcd,
    timed: bool,
) -> Result<Compared, String> {
    compare_with(cfg, file, rtl_with(cfg, vcd)?, timed)
}

/// [`compare_on`] with the host on any simulated MCU (rust_hdl or Verilator).
pub fn compare_with<P: McuPins>(
    cfg: &panther_sim::Config,
    file: &panther_sim::opfile::OpFile,
    mut rtl: RtlMcu<P>,
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
            (Op::Crs, true) => Some(timing::crs_cycles(&p)),
            (Op::Opa { .. }, true) => {
                Some(timing::opa_cycles(&p, m.bench.get(OutPin::Phases) as u32))
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

// ---- behavioural crossbar ----

#[derive(Debug, Clone)]
pub struct CrossbarCase {
    pub variant: Variant,
    pub seed: u64,
    pub ideal: bool,
    pub levels: Vec<u32>,
    pub drive: Vec<bool>,
    pub trials: Vec<u32>,
}

pub fn crossbar_case() -> impl Strategy<Value = CrossbarCase> {
    (
        variant(),
        any::<u64>(),
        any::<bool>(),
        proptest::collection::vec(0u32..64, 64),
        proptest::collection::vec(any::<bool>(), 8),
        proptest::collection::vec(0u32..600, 16),
    )
        .prop_map(
            |(variant, seed, ideal, levels, drive, trials)| CrossbarCase {
                variant,
                seed,
                ideal,
                levels,
                drive,
                trials,
            },
        )
}

/// Digital ports over the shared analog model: serial writes of every row of every slice,
/// a sample of driven rows, then every converter lane's comparator equals `Adc::compare`
/// on the golden arrays' currents (same writes, same event order: same noise draws).
pub fn crossbar(c: &CrossbarCase, vcd: Vcd) -> Outcome {
    let mut cfg = small_config(8, c.variant, 2, c.ideal);
    cfg.seed = c.seed;
    let p = RtlParams::from_config(&cfg, "testbench").map_err(|e| e.to_string())?;
    let mut b = crate::blocks::bench(Crossbar::new(&cfg, &p), |x| &mut x.clock, vcd);
    // The golden arrays: same construction and initial programming as the block's model.
    let dev: std::sync::Arc<dyn panther_sim::device::DeviceModel> =
        std::sync::Arc::from(panther_sim::device::from_config(&cfg.device));
    let (mut copies, _) = build_copies(&cfg, 0, dev);
    let mut scratch = Vec::new();
    for copy in copies.iter_mut() {
        copy.write_values(&vec![0; 64], &mut scratch);
    }
    let copy = p.opa_copy();
    let arrays = &mut copies[copy].arrays;
    b.uut.copy_sel.next = (copy as u64).into();
    for (k, a) in arrays.iter_mut().enumerate() {
        let max = a.max_level();
        for r in 0..8 {
            let row: Vec<u32> = (0..8)
                .map(|j| c.levels[(r * 8 + j + k) % 64].min(max))
                .collect();
            a.write_row(r, &row);
            b.uut.write.next = true;
            b.uut.slice_sel.next = (k as u64).into();
            b.uut.row_addr.next = (r as u64).into();
            for (j, &l) in row.iter().enumerate() {
                b.uut.write_level[j].next = (l as u64).into();
            }
            b.cycle();
        }
    }
    b.uut.write.next = false;
    let active: Vec<u32> = (0..8u32).filter(|&i| c.drive[i as usize]).collect();
    for (i, &on) in c.drive.iter().enumerate() {
        b.uut.row_drive[i].next = on;
    }
    b.uut.sample.next = true;
    b.uut.slice_mask.next = ((1u64 << p.slices) - 1).into();
    b.uut.sample_kind.next = SampleKind::SenseColumns;
    b.cycle();
    b.uut.sample.next = false;
    let mut held = vec![vec![0i64; 8]; arrays.len()];
    for (a, h) in arrays.iter_mut().zip(held.iter_mut()) {
        a.sense_columns(&active, h);
    }
    let lanes = p.sar_lanes();
    for base in (0..8).step_by(p.shared_adcs) {
        b.uut.conv_base.next = (base as u64).into();
        for l in 0..lanes {
            b.uut.sar_trial[l].next = (c.trials[l % c.trials.len()] as u64).into();
        }
        b.cycle();
        for l in 0..lanes {
            let (k, a) = (l / p.shared_adcs, l % p.shared_adcs);
            let trial = c.trials[l % c.trials.len()];
            let want = Adc::compare(held[k][base + a], trial);
            ensure_eq!(
                b.uut.sar_cmp[l].val(),
                want,
                "comparator of slice {k} line {}",
                base + a
            );
        }
    }
    Ok(b.cycles)
}
