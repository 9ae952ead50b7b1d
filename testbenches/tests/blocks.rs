//! Each digital block against its golden counterpart in panther-sim, on random inputs.

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
use panther_testbenches::*;
use proptest::prelude::*;
use rust_hdl::prelude::*;

fn params(n: usize, shared: usize) -> RtlParams {
    RtlParams::from_config(&small_config(n, Variant::V1, shared, true), "test").unwrap()
}

proptest! {
    #![proptest_config(persisted("blocks", 48))]

    /// Drivers: bit t of each word (MVM/MTVM), bit t of |word| on lines of the phase's
    /// sign (OPA gates), nonzero marks; the active count and the frame strobe.
    #[test]
    fn drivers_stream_the_golden_bits(
        words in words(8, 16), t in 0u32..16, phase_negative in any::<bool>()
    ) {
        let mut d = LineDrivers::new(8);
        d.connect_all();
        for (i, &w) in words.iter().enumerate() {
            d.load_en.next = true;
            d.load_addr.next = (i as u64).into();
            d.load_word.next = twos(w, 16).into();
            cycle(&mut d, |d| &mut d.clock);
        }
        d.load_en.next = false;
        d.step.next = (t as u64).into();
        d.phase_negative.next = phase_negative;
        for mode in [DriveMode::Idle, DriveMode::WordBit, DriveMode::MagnitudeBit, DriveMode::Nonzero] {
            d.mode.next = mode;
            settle(&mut d);
            let mut count = 0;
            for (i, &w) in words.iter().enumerate() {
                let want = match mode {
                    DriveMode::Idle => false,
                    DriveMode::WordBit => (w >> t) & 1 == 1,
                    DriveMode::MagnitudeBit => (w.unsigned_abs() >> t) & 1 == 1 && (w < 0) == phase_negative,
                    DriveMode::Nonzero => w != 0,
                };
                prop_assert_eq!(d.drive[i].val(), want, "line {} mode {:?}", i, mode);
                prop_assert_eq!(d.magnitude[i].val().to_u64(), w.unsigned_abs());
                prop_assert_eq!(d.negative[i].val(), w < 0);
                count += want as u64;
            }
            prop_assert_eq!(d.active_count.val().to_u64(), count);
            prop_assert_eq!(d.frame.val(), mode != DriveMode::Idle && t == 0);
        }
    }

    /// SAR bank: every held value of every slice converts to the golden ADC code (clamped
    /// to the cell range in serial reads), at its line and slice place; clips and
    /// conversions counted. The comparator is played by the test (Adc::compare).
    #[test]
    fn sar_bank_converts_like_the_golden_adc(
        adc_bits in 6u32..=12, shared in 1usize..=4, lines in 1usize..=8,
        clamp in prop_oneof![Just(ClampSel::None), Just(ClampSel::Accumulator), Just(ClampSel::Nominal)],
        held in proptest::collection::vec(-3000i64..(5000 << 12), 64),
    ) {
        let mut cfg = small_config(8, Variant::V1, shared, true);
        cfg.adc.bits = AdcBits::Bits(adc_bits);
        let p = RtlParams::from_config(&cfg, "test").unwrap();
        let adc = Adc::new(adc_bits);
        let slices = p.slices;
        let held_of = |k: usize, line: usize| held[(k * 8 + line) % held.len()];
        let mut b = SarBank::new(&p);
        b.connect_all();
        b.line_count.next = (lines as u64).into();
        b.clamp_sel.next = clamp;
        b.slice_en.next = ((1u64 << slices) - 1).into();
        b.clip_clear.next = true;
        cycle(&mut b, |b| &mut b.clock);
        b.clip_clear.next = false;
        b.start.next = true;
        let mut got = Vec::new();
        for _ in 0..100_000 {
            settle(&mut b);
            let base = b.conv_base.val().index();
            for l in 0..b.trial.len() {
                let (k, a) = (l / shared, l % shared);
                let line = base + a;
                let cmp = line < lines && Adc::compare(held_of(k, line), b.trial[l].val().to_u32());
                b.cmp[l].next = cmp;
            }
            settle(&mut b);
            if b.code_valid.val() {
                got.push((b.code_line.val().index(), b.code_place.val().index(), b.adc_code_bus.val().to_u64()));
            }
            let done = b.done.val();
            cycle(&mut b, |b| &mut b.clock);
            b.start.next = false;
            if done { break; }
        }
        let mut want = Vec::new();
        let mut clips = 0;
        for line in 0..lines {
            for k in 0..slices {
                let c = adc.convert(held_of(k, line));
                clips += c.clipped as u64;
                let code = match clamp {
                    ClampSel::None => c.code,
                    ClampSel::Accumulator => c.code.min(p.acc.max_level(k)),
                    ClampSel::Nominal => c.code.min(p.nominal.max_level(k)),
                };
                want.push((line, p.nominal_bits as usize * k, code as u64));
            }
        }
        got.sort();
        want.sort();
        prop_assert_eq!(got, want);
        prop_assert_eq!(b.clip_count.val().to_u64(), clips);
        prop_assert_eq!(b.conversions.val().to_u64(), (lines * slices) as u64);
    }

    /// Shift-and-add lane: +-(code << shift) terms, the correction, then the golden
    /// round-half-up and saturation to the output word.
    #[test]
    fn shift_add_lane_matches_fixed_point(
        terms in proptest::collection::vec((0u64..(1 << 13), 0u32..30, any::<bool>(), any::<bool>()), 1..24),
        correction in -(1i64 << 36)..(1i64 << 36),
    ) {
        let p = params(8, 4);
        let mut lane = ShiftAddLane::new(&p, 5);
        lane.connect_all();
        lane.clear.next = true;
        cycle(&mut lane, |l| &mut l.clock);
        lane.clear.next = false;
        let mut raw = 0i64;
        for &(code, shift, negate, mine) in &terms {
            lane.in_valid.next = true;
            lane.in_line.next = (if mine { 5u64 } else { 6 }).into();
            lane.in_code.next = code.into();
            lane.in_shift.next = (shift as u64).into();
            lane.in_negate.next = negate;
            cycle(&mut lane, |l| &mut l.clock);
            if mine {
                raw += if negate { -((code as i64) << shift) } else { (code as i64) << shift };
            }
        }
        lane.in_valid.next = false;
        lane.correct.next = true;
        lane.correction.next = twos(correction, WIDE_BITS).into();
        cycle(&mut lane, |l| &mut l.clock);
        lane.correct.next = false;
        settle(&mut lane);
        raw -= correction;
        let (word, sat) = fixed::to_output_word(raw, p.out_shift, p.word_bits);
        prop_assert_eq!(sext(lane.raw.val().to_u64(), WIDE_BITS), raw);
        prop_assert_eq!(sext(lane.word.val().to_u64(), 16), word);
        prop_assert_eq!(lane.saturated.val(), sat);
    }

    /// Offset correction: the input sum rebuilt from weighted drive counts, times the
    /// layout constant.
    #[test]
    fn offset_correction_multiplies_the_input_sum(
        steps in proptest::collection::vec((0u64..=16, 0u32..16, any::<bool>()), 1..16),
        v in prop_oneof![Just(Variant::V1), Just(Variant::V2)],
    ) {
        let cfg = small_config(16, v, 2, true);
        let p = RtlParams::from_config(&cfg, "test").unwrap();
        let c = p.layout(p.mvm_copy()).correction();
        let mut oc = OffsetCorrection::new(c);
        oc.connect_all();
        oc.clear.next = true;
        cycle(&mut oc, |o| &mut o.clock);
        oc.clear.next = false;
        let mut sum = 0i64;
        for &(count, t, negate) in &steps {
            oc.step_add.next = true;
            oc.active_count.next = count.into();
            oc.step.next = (t as u64).into();
            oc.negate.next = negate;
            cycle(&mut oc, |o| &mut o.clock);
            sum += if negate { -((count as i64) << t) } else { (count as i64) << t };
        }
        oc.step_add.next = false;
        oc.start.next = true;
        let mut n = 0;
        loop {
            cycle(&mut oc, |o| &mut o.clock);
            oc.start.next = false;
            n += 1;
            prop_assert!(n < 100, "no done");
            if oc.done.val() { break; }
        }
        prop_assert_eq!(sext(oc.input_sum.val().to_u64(), WIDE_BITS), sum);
        prop_assert_eq!(sext(oc.product.val().to_u64(), WIDE_BITS), sum * c);
    }

    /// OPA column: the pulse code of (t, m, phase) is the golden digit on columns of the
    /// phase's sign, 0 elsewhere; overflow marks aligned terms with bits above the word.
    #[test]
    fn opa_column_codes_are_golden_digits(
        d in word(16), t in 0u32..16, m in 0usize..8, phase_negative in any::<bool>(),
        shift in 0u32..=24,
    ) {
        let mut cfg = small_config(8, Variant::V1, 4, true);
        cfg.format.opa_shift_bits = shift;
        let p = RtlParams::from_config(&cfg, "test").unwrap();
        let mut col = OpaColumn::new(&p);
        col.connect_all();
        col.magnitude.next = d.unsigned_abs().into();
        col.negative.next = d < 0;
        col.step.next = (t as u64).into();
        col.slice_shift.next = ((p.nominal_bits as usize * m) as u64).into();
        col.phase_negative.next = phase_negative;
        settle(&mut col);
        let digit = opa_digit(d.unsigned_abs(), t, m, shift, p.word_bits, p.nominal_bits);
        let want = if (d < 0) == phase_negative { digit } else { 0 };
        prop_assert_eq!(col.code.val().to_u32(), want);
        let shifted = (d.unsigned_abs() << t) >> shift;
        prop_assert_eq!(col.overflow.val(), shifted >> p.word_bits != 0);
    }

    /// CRS lane: saturation at the word range and the nominal digits plus offsets of the
    /// golden slice layout (V2's cleared accumulator: the digits of 0).
    #[test]
    fn crs_lane_matches_slice_layout(value in -(1i64 << 20)..(1i64 << 20), zero in any::<bool>()) {
        let p = params(8, 4);
        let mut lane = CrsLane::new(&p, 2);
        lane.connect_all();
        lane.clear.next = true;
        cycle(&mut lane, |l| &mut l.clock);
        lane.clear.next = false;
        // value = code - correction, through the carry-propagating input.
        lane.in_valid.next = true;
        lane.in_line.next = 2u64.into();
        lane.in_code.next = ((value + (1 << 20)) as u64).into();
        lane.in_place.next = 0u64.into();
        cycle(&mut lane, |l| &mut l.clock);
        lane.in_valid.next = false;
        lane.correct.next = true;
        lane.correction.next = (1u64 << 20).into();
        cycle(&mut lane, |l| &mut l.clock);
        lane.correct.next = false;
        lane.saturate.next = true;
        cycle(&mut lane, |l| &mut l.clock);
        lane.saturate.next = false;
        lane.read_addr.next = 2u64.into();
        lane.zero.next = zero;
        let (sat_value, sat) = fixed::saturate(value, p.word_bits);
        settle(&mut lane);
        prop_assert_eq!(sext(lane.read_value.val().to_u64(), WIDE_BITS), sat_value);
        prop_assert_eq!(lane.saturated.val(), sat);
        for k in 0..p.slices {
            lane.level_shift.next = ((p.nominal_bits as usize * k) as u64).into();
            lane.level_offset.next = (p.acc.offsets[k] as u64).into();
            settle(&mut lane);
            let w = if zero { 0 } else { sat_value };
            prop_assert_eq!(lane.level.val().to_u32(), p.acc.level(k, w), "slice {}", k);
        }
    }
}
