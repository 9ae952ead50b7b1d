//! Sample-and-hold and SAR ADC control: every held value of every slice converts to the
//! golden ADC code (clamped to the cell range in serial reads), at its line and slice
//! place; clips and conversions counted. The comparator is played by the testbench
//! (`Adc::compare`, as in the crossbar).

use crate::small_config;
use crate::testbench::{simulate, Outcome, Testbench, Vcd};
use panther_hdl::params::RtlParams;
use panther_hdl::rtl::sar_bank::{ClampSel, SarBank};
use panther_sim::config::{AdcBits, Config, Variant};
use panther_sim::crossbar::Adc;
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct SarDesign {
    pub adc_bits: u32,
    /// Converters per slice behind the line multiplexer.
    pub shared: usize,
}

impl SarDesign {
    fn config(&self) -> Config {
        let mut cfg = small_config(8, Variant::V1, self.shared, true);
        cfg.adc.bits = AdcBits::Bits(self.adc_bits);
        cfg
    }
}

#[derive(Debug, Clone)]
pub struct SarCase {
    pub lines: usize,
    pub clamp: ClampSel,
    pub held: Vec<i64>,
}

pub struct SarBankTestbench;

impl Testbench for SarBankTestbench {
    type Design = SarDesign;
    type Case = SarCase;

    fn design() -> BoxedStrategy<SarDesign> {
        (6u32..=12, 1usize..=4)
            .prop_map(|(adc_bits, shared)| SarDesign { adc_bits, shared })
            .boxed()
    }

    fn case(_: &SarDesign) -> BoxedStrategy<SarCase> {
        (
            1usize..=8,
            prop_oneof![
                Just(ClampSel::None),
                Just(ClampSel::Accumulator),
                Just(ClampSel::Nominal)
            ],
            proptest::collection::vec(-3000i64..(5000 << 12), 64),
        )
            .prop_map(|(lines, clamp, held)| SarCase { lines, clamp, held })
            .boxed()
    }

    fn check(d: &SarDesign, c: &SarCase, vcd: Vcd) -> Outcome {
        let p = RtlParams::from_config(&d.config(), "test").map_err(|e| e.to_string())?;
        let adc = Adc::new(d.adc_bits);
        let (slices, lines) = (p.slices, c.lines);
        let held_of = |k: usize, line: usize| c.held[(k * 8 + line) % c.held.len()];
        let mut b = simulate(SarBank::new(&p), |b| &mut b.clock, vcd);
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
                let (k, a) = (l / d.shared, l % d.shared);
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
}
