//! One randomized testbench per digital block, against its golden counterpart: a proptest
//! strategy for the stimulus and a check that returns the cycles run or the first
//! mismatch. The property tests and `panther sim --top <block>` both use these.

use crate::mcu_level;
use crate::{small_config, word, words};
use panther_hdl::bench::Bench;
use panther_hdl::crs::CrsLane;
use panther_hdl::drivers::{DriveMode, LineDrivers};
use panther_hdl::opa_unit::OpaColumn;
use panther_hdl::params::{sext, twos, RtlParams, WIDE_BITS};
use panther_hdl::sar::{ClampSel, SarBank};
use panther_hdl::shift_add::{OffsetCorrection, ShiftAddLane};
use panther_sim::config::{AdcBits, Variant};
use panther_sim::crossbar::Adc;
use panther_sim::fixed;
use panther_sim::mcu::opa_digit;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::io::Write;

/// The result of one testbench case: cycles run, or what differed.
pub type Outcome = Result<u64, String>;
pub type Vcd = Option<Box<dyn Write>>;

/// A bench of `uut`, tracing into `vcd` when given.
pub fn bench<B: rust_hdl::prelude::Block + std::any::Any>(
    uut: B,
    clock: fn(
        &mut B,
    )
        -> &mut rust_hdl::prelude::Signal<rust_hdl::prelude::In, rust_hdl::prelude::Clock>,
    vcd: Vcd,
) -> Bench<B> {
    let mut b = Bench::new(uut, clock);
    crate::cosim::follow(&mut b);
    if let Some(w) = vcd {
        // A trace that cannot start leaves the check itself untouched.
        let _ = b.trace(w, 0, u64::MAX);
    }
    b
}

fn params(n: usize, shared: usize) -> RtlParams {
    RtlParams::from_config(&small_config(n, Variant::V1, shared, true), "test")
        .expect("valid params")
}

// ---- row/column drivers ----

#[derive(Debug, Clone)]
pub struct DriversCase {
    pub words: Vec<i64>,
    pub step: u32,
    pub phase_negative: bool,
}

pub fn drivers_case() -> impl Strategy<Value = DriversCase> {
    (words(8, 16), 0u32..16, any::<bool>()).prop_map(|(words, step, phase_negative)| DriversCase {
        words,
        step,
        phase_negative,
    })
}

/// Bit t of each word (MVM/MTVM), bit t of |word| on lines of the phase's sign (OPA
/// gates), nonzero marks; the active count and the frame strobe.
pub fn drivers(c: &DriversCase, vcd: Vcd) -> Outcome {
    let mut b = bench(LineDrivers::new(c.words.len()), |d| &mut d.clock, vcd);
    for (i, &w) in c.words.iter().enumerate() {
        b.uut.load_en.next = true;
        b.uut.load_addr.next = (i as u64).into();
        b.uut.load_word.next = twos(w, 16).into();
        b.cycle();
    }
    b.uut.load_en.next = false;
    b.uut.step.next = (c.step as u64).into();
    b.uut.phase_negative.next = c.phase_negative;
    let t = c.step;
    for mode in [
        DriveMode::Idle,
        DriveMode::WordBit,
        DriveMode::MagnitudeBit,
        DriveMode::Nonzero,
    ] {
        b.uut.mode.next = mode;
        b.cycle();
        let mut count = 0;
        for (i, &w) in c.words.iter().enumerate() {
            let want = match mode {
                DriveMode::Idle => false,
                DriveMode::WordBit => (w >> t) & 1 == 1,
                DriveMode::MagnitudeBit => {
                    (w.unsigned_abs() >> t) & 1 == 1 && (w < 0) == c.phase_negative
                }
                DriveMode::Nonzero => w != 0,
            };
            ensure_eq!(b.uut.drive[i].val(), want, "drive[{i}] in {mode:?}");
            ensure_eq!(
                b.uut.magnitude[i].val().to_u64(),
                w.unsigned_abs(),
                "magnitude[{i}]"
            );
            ensure_eq!(b.uut.negative[i].val(), w < 0, "negative[{i}]");
            count += want as u64;
        }
        ensure_eq!(
            b.uut.active_count.val().to_u64(),
            count,
            "active_count in {mode:?}"
        );
        ensure_eq!(
            b.uut.frame.val(),
            mode != DriveMode::Idle && t == 0,
            "frame in {mode:?}"
        );
    }
    Ok(b.cycles)
}

// ---- sample-and-hold and SAR ADC control ----

#[derive(Debug, Clone)]
pub struct SarCase {
    pub adc_bits: u32,
    pub shared: usize,
    pub lines: usize,
    pub clamp: ClampSel,
    pub held: Vec<i64>,
}

pub fn sar_case() -> impl Strategy<Value = SarCase> {
    (
        6u32..=12,
        1usize..=4,
        1usize..=8,
        prop_oneof![
            Just(ClampSel::None),
            Just(ClampSel::Accumulator),
            Just(ClampSel::Nominal)
        ],
        proptest::collection::vec(-3000i64..(5000 << 12), 64),
    )
        .prop_map(|(adc_bits, shared, lines, clamp, held)| SarCase {
            adc_bits,
            shared,
            lines,
            clamp,
            held,
        })
}

/// Every held value of every slice converts to the golden ADC code (clamped to the cell
/// range in serial reads), at its line and slice place; clips and conversions counted.
/// The comparator is played by the testbench (`Adc::compare`, as in the crossbar).
pub fn sar(c: &SarCase, vcd: Vcd) -> Outcome {
    let mut cfg = small_config(8, Variant::V1, c.shared, true);
    cfg.adc.bits = AdcBits::Bits(c.adc_bits);
    let p = RtlParams::from_config(&cfg, "test").map_err(|e| e.to_string())?;
    let adc = Adc::new(c.adc_bits);
    let (slices, lines) = (p.slices, c.lines);
    let held_of = |k: usize, line: usize| c.held[(k * 8 + line) % c.held.len()];
    let mut b = bench(SarBank::new(&p), |b| &mut b.clock, vcd);
    b.uut.line_count.next = (lines as u64).into();
    b.uut.clamp_sel.next = c.clamp;
    b.uut.slice_en.next = ((1u64 << slices) - 1).into();
    b.uut.clip_clear.next = true;
    b.cycle();
    b.uut.clip_clear.next = false;
    b.uut.start.next = true;
    let mut got = Vec::new();
    loop {
        b.settle();
        let base = b.uut.conv_base.val().index();
        for l in 0..b.uut.trial.len() {
            let (k, a) = (l / c.shared, l % c.shared);
            let line = base + a;
            let trial = b.uut.trial[l].val().to_u32();
            b.uut.cmp[l].next = line < lines && Adc::compare(held_of(k, line), trial);
        }
        b.settle();
        if b.uut.code_valid.val() {
            got.push((
                b.uut.code_line.val().index(),
                b.uut.code_place.val().index(),
                b.uut.adc_code_bus.val().to_u64(),
            ));
        }
        let done = b.uut.done.val();
        b.cycle();
        b.uut.start.next = false;
        if done {
            break;
        }
        if b.cycles > 100_000 {
            return Err("SAR bank never signalled done".into());
        }
    }
    let mut want = Vec::new();
    let mut clips = 0;
    for line in 0..lines {
        for k in 0..slices {
            let conv = adc.convert(held_of(k, line));
            clips += conv.clipped as u64;
            let code = match c.clamp {
                ClampSel::None => conv.code,
                ClampSel::Accumulator => conv.code.min(p.acc.max_level(k)),
                ClampSel::Nominal => conv.code.min(p.nominal.max_level(k)),
            };
            want.push((line, p.nominal_bits as usize * k, code as u64));
        }
    }
    got.sort();
    want.sort();
    ensure_eq!(got, want, "(line, place, code) on the code bus");
    ensure_eq!(b.uut.clip_count.val().to_u64(), clips, "clip count");
    ensure_eq!(
        b.uut.conversions.val().to_u64(),
        (lines * slices) as u64,
        "conversions"
    );
    Ok(b.cycles)
}

// ---- shift-and-add ----

#[derive(Debug, Clone)]
pub struct ShiftAddCase {
    /// (code, shift, negate, addressed to this lane)
    pub terms: Vec<(u64, u32, bool, bool)>,
    pub correction: i64,
}

pub fn shift_add_case() -> impl Strategy<Value = ShiftAddCase> {
    (
        proptest::collection::vec(
            (0u64..(1 << 13), 0u32..30, any::<bool>(), any::<bool>()),
            1..24,
        ),
        -(1i64 << 36)..(1i64 << 36),
    )
        .prop_map(|(terms, correction)| ShiftAddCase { terms, correction })
}

/// +-(code << shift) terms on this lane's line, the offset correction, then the golden
/// round-half-up and saturation to the output word.
pub fn shift_add(c: &ShiftAddCase, vcd: Vcd) -> Outcome {
    let p = params(8, 4);
    let mut b = bench(ShiftAddLane::new(&p, 5), |l| &mut l.clock, vcd);
    b.uut.clear.next = true;
    b.cycle();
    b.uut.clear.next = false;
    let mut raw = 0i64;
    for &(code, shift, negate, mine) in &c.terms {
        b.uut.in_valid.next = true;
        b.uut.in_line.next = (if mine { 5u64 } else { 6 }).into();
        b.uut.in_code.next = code.into();
        b.uut.in_shift.next = (shift as u64).into();
        b.uut.in_negate.next = negate;
        b.cycle();
        if mine {
            let term = (code as i64) << shift;
            raw += if negate { -term } else { term };
        }
    }
    b.uut.in_valid.next = false;
    b.uut.correct.next = true;
    b.uut.correction.next = twos(c.correction, WIDE_BITS).into();
    b.cycle();
    b.uut.correct.next = false;
    b.settle();
    raw -= c.correction;
    let (word, sat) = fixed::to_output_word(raw, p.out_shift, p.word_bits);
    ensure_eq!(sext(b.uut.raw.val().to_u64(), WIDE_BITS), raw, "raw sum");
    ensure_eq!(sext(b.uut.word.val().to_u64(), 16), word, "output word");
    ensure_eq!(b.uut.saturated.val(), sat, "saturated");
    Ok(b.cycles)
}

// ---- offset correction ----

#[derive(Debug, Clone)]
pub struct OffsetCase {
    /// (driven lines, step t, MSB step)
    pub steps: Vec<(u64, u32, bool)>,
    pub variant: Variant,
}

pub fn offset_case() -> impl Strategy<Value = OffsetCase> {
    (
        proptest::collection::vec((0u64..=16, 0u32..16, any::<bool>()), 1..16),
        prop_oneof![Just(Variant::V1), Just(Variant::V2)],
    )
        .prop_map(|(steps, variant)| OffsetCase { steps, variant })
}

/// The input sum rebuilt from weighted drive counts, times the layout constant.
pub fn offset_correction(c: &OffsetCase, vcd: Vcd) -> Outcome {
    let cfg = small_config(16, c.variant, 2, true);
    let p = RtlParams::from_config(&cfg, "test").map_err(|e| e.to_string())?;
    let k = p.layout(p.mvm_copy()).correction();
    let mut b = bench(OffsetCorrection::new(k), |o| &mut o.clock, vcd);
    b.uut.clear.next = true;
    b.cycle();
    b.uut.clear.next = false;
    let mut sum = 0i64;
    for &(count, t, negate) in &c.steps {
        b.uut.step_add.next = true;
        b.uut.active_count.next = count.into();
        b.uut.step.next = (t as u64).into();
        b.uut.negate.next = negate;
        b.cycle();
        sum += if negate {
            -((count as i64) << t)
        } else {
            (count as i64) << t
        };
    }
    b.uut.step_add.next = false;
    b.uut.start.next = true;
    loop {
        b.cycle();
        b.uut.start.next = false;
        if b.uut.done.val() {
            break;
        }
        if b.cycles > 1000 {
            return Err("offset correction never signalled done".into());
        }
    }
    ensure_eq!(
        sext(b.uut.input_sum.val().to_u64(), WIDE_BITS),
        sum,
        "input sum"
    );
    ensure_eq!(
        sext(b.uut.product.val().to_u64(), WIDE_BITS),
        sum * k,
        "correction product"
    );
    Ok(b.cycles)
}

// ---- OPA pulse-code generator ----

#[derive(Debug, Clone)]
pub struct OpaColumnCase {
    pub d: i64,
    pub t: u32,
    pub m: usize,
    pub phase_negative: bool,
    pub shift: u32,
}

pub fn opa_column_case() -> impl Strategy<Value = OpaColumnCase> {
    (word(16), 0u32..16, 0usize..8, any::<bool>(), 0u32..=24).prop_map(
        |(d, t, m, phase_negative, shift)| OpaColumnCase {
            d,
            t,
            m,
            phase_negative,
            shift,
        },
    )
}

/// The pulse code of (t, m, phase) is the golden digit on columns of the phase's sign, 0
/// elsewhere; overflow marks aligned terms with bits above the word.
pub fn opa_column(c: &OpaColumnCase, vcd: Vcd) -> Outcome {
    let mut cfg = small_config(8, Variant::V1, 4, true);
    cfg.format.opa_shift_bits = c.shift;
    let p = RtlParams::from_config(&cfg, "test").map_err(|e| e.to_string())?;
    let mut b = bench(OpaColumn::new(&p), |l| &mut l.clock, vcd);
    let mag = c.d.unsigned_abs();
    b.uut.magnitude.next = mag.into();
    b.uut.negative.next = c.d < 0;
    b.uut.step.next = (c.t as u64).into();
    b.uut.slice_shift.next = ((p.nominal_bits as usize * c.m) as u64).into();
    b.uut.phase_negative.next = c.phase_negative;
    b.cycle();
    let digit = opa_digit(mag, c.t, c.m, c.shift, p.word_bits, p.nominal_bits);
    let want = if (c.d < 0) == c.phase_negative {
        digit
    } else {
        0
    };
    ensure_eq!(b.uut.code.val().to_u32(), want, "pulse code");
    ensure_eq!(
        b.uut.overflow.val(),
        ((mag << c.t) >> c.shift) >> p.word_bits != 0,
        "overflow"
    );
    Ok(b.cycles)
}

// ---- CRS lane ----

#[derive(Debug, Clone)]
pub struct CrsLaneCase {
    pub value: i64,
    pub zero: bool,
}

pub fn crs_lane_case() -> impl Strategy<Value = CrsLaneCase> {
    (-(1i64 << 20)..(1i64 << 20), any::<bool>())
        .prop_map(|(value, zero)| CrsLaneCase { value, zero })
}

/// Carry-propagating accumulation, saturation at the word range, and the nominal digits
/// plus offsets of the golden slice layout (V2's cleared accumulator: the digits of 0).
pub fn crs_lane(c: &CrsLaneCase, vcd: Vcd) -> Outcome {
    let p = params(8, 4);
    let mut b = bench(CrsLane::new(&p, 2), |l| &mut l.clock, vcd);
    b.uut.clear.next = true;
    b.cycle();
    b.uut.clear.next = false;
    // value = code - correction, through the carry-propagating input.
    b.uut.in_valid.next = true;
    b.uut.in_line.next = 2u64.into();
    b.uut.in_code.next = ((c.value + (1 << 20)) as u64).into();
    b.uut.in_place.next = 0u64.into();
    b.cycle();
    b.uut.in_valid.next = false;
    b.uut.correct.next = true;
    b.uut.correction.next = (1u64 << 20).into();
    b.cycle();
    b.uut.correct.next = false;
    b.uut.saturate.next = true;
    b.cycle();
    b.uut.saturate.next = false;
    b.uut.read_addr.next = 2u64.into();
    b.uut.zero.next = c.zero;
    let (sat_value, sat) = fixed::saturate(c.value, p.word_bits);
    b.cycle();
    ensure_eq!(
        sext(b.uut.read_value.val().to_u64(), WIDE_BITS),
        sat_value,
        "saturated value"
    );
    ensure_eq!(b.uut.saturated.val(), sat, "saturation flag");
    for k in 0..p.slices {
        b.uut.level_shift.next = ((p.nominal_bits as usize * k) as u64).into();
        b.uut.level_offset.next = (p.acc.offsets[k] as u64).into();
        b.cycle();
        let w = if c.zero { 0 } else { sat_value };
        ensure_eq!(
            b.uut.level.val().to_u32(),
            p.acc.level(k, w),
            "level of slice {k}"
        );
    }
    Ok(b.cycles)
}

// ---- registry: `panther sim --top <block>` ----

/// Blocks with a standalone randomized testbench.
pub const BLOCKS: [&str; 10] = [
    "drivers",
    "sar",
    "shift_add",
    "offset_correction",
    "opa_column",
    "opa_unit",
    "crs_lane",
    "crs",
    "controller",
    "crossbar",
];

/// One block run from a seed: cases, cycles, and the first mismatches.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlockRun {
    pub top: String,
    pub seed: u64,
    pub cases: u32,
    pub cycles: u64,
    pub mismatches: Vec<Mismatch>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Mismatch {
    pub case: u32,
    pub stimulus: String,
    pub message: String,
}

fn run_cases<S: Strategy>(
    top: &str,
    strategy: S,
    check: fn(&S::Value, Vcd) -> Outcome,
    seed: u64,
    cases: u32,
    mut vcd: Vcd,
) -> BlockRun
where
    S::Value: std::fmt::Debug,
{
    let mut runner = crate::seeded_runner(seed);
    let mut run = BlockRun {
        top: top.to_string(),
        seed,
        cases,
        cycles: 0,
        mismatches: Vec::new(),
    };
    for case in 0..cases {
        let input = strategy.new_tree(&mut runner).expect("stimulus").current();
        // The trace covers the first case.
        match check(&input, vcd.take()) {
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

/// Run `cases` random cases of block `top` from `seed` (VCD of the first case).
pub fn run_block(top: &str, seed: u64, cases: u32, vcd: Vcd) -> Result<BlockRun, String> {
    Ok(match top {
        "drivers" => run_cases(top, drivers_case(), drivers, seed, cases, vcd),
        "sar" => run_cases(top, sar_case(), sar, seed, cases, vcd),
        "shift_add" => run_cases(top, shift_add_case(), shift_add, seed, cases, vcd),
        "offset_correction" => run_cases(top, offset_case(), offset_correction, seed, cases, vcd),
        "opa_column" => run_cases(top, opa_column_case(), opa_column, seed, cases, vcd),
        "crs_lane" => run_cases(top, crs_lane_case(), crs_lane, seed, cases, vcd),
        "opa_unit" => run_cases(
            top,
            mcu_level::opa_unit_case(),
            mcu_level::opa_unit,
            seed,
            cases,
            vcd,
        ),
        "crs" => run_cases(
            top,
            mcu_level::sequence_case(3),
            mcu_level::crs,
            seed,
            cases,
            vcd,
        ),
        "controller" => run_cases(
            top,
            mcu_level::sequence_case(4),
            mcu_level::controller,
            seed,
            cases,
            vcd,
        ),
        "crossbar" => run_cases(
            top,
            mcu_level::crossbar_case(),
            mcu_level::crossbar,
            seed,
            cases,
            vcd,
        ),
        _ => {
            return Err(format!(
                "unknown top `{top}`; allowed: mcu, {}",
                BLOCKS.join(", ")
            ))
        }
    })
}
