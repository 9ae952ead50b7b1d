//! One column of the OPA update unit: the pulse code of input bit t and slice m, the m-th
//! digit of the aligned term ((|d| << t) + round_half) >> opa_shift, on columns whose sign is the
//! phase's column sign, and whether the term overflows the word.

use crate::design::Design;
use crate::params::*;
use crate::rtl::reg::Reg;
use panther_sim::config::Config;
use rust_hdl::prelude::*;

/// One column's pulse-code generator.
#[derive(LogicBlock)]
pub struct OpaColumn {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub magnitude: Signal<In, Word>,
    pub negative: Signal<In, Bit>,
    pub step: Signal<In, StepIdx>,
    pub slice_shift: Signal<In, Bits<6>>,
    pub phase_negative: Signal<In, Bit>,
    /// Scan: mark the column live when its aligned term is nonzero.
    pub scan: Signal<In, Bit>,
    pub clear: Signal<In, Bit>,
    pub code: Signal<Out, Pulse>,
    pub term: Signal<Out, Word>,
    pub overflow: Signal<Out, Bit>,
    pub live: Signal<Out, Bit>,
    live_flag: Reg<Bit>,
    opa_shift: Constant<Bits<6>>,
    round_half: Constant<Bits<32>>,
    word_mask: Constant<Bits<32>>,
    digit_mask: Constant<Pulse>,
    aligned: Signal<Local, Bits<32>>,
    masked: Signal<Local, Bits<32>>,
    digit: Signal<Local, Bits<32>>,
}

impl OpaColumn {
    pub fn new(p: &RtlParams) -> OpaColumn {
        OpaColumn {
            clock: Default::default(),
            rst: Default::default(),
            magnitude: Default::default(),
            negative: Default::default(),
            step: Default::default(),
            slice_shift: Default::default(),
            phase_negative: Default::default(),
            scan: Default::default(),
            clear: Default::default(),
            code: Default::default(),
            term: Default::default(),
            overflow: Default::default(),
            live: Default::default(),
            live_flag: Default::default(),
            opa_shift: Constant::new((p.opa_shift as u64).into()),
            round_half: Constant::new(p.opa_round_half.into()),
            word_mask: Constant::new(((1u64 << p.word_bits) - 1).into()),
            digit_mask: Constant::new(((1u64 << p.nominal_bits) - 1).into()),
            aligned: Default::default(),
            masked: Default::default(),
            digit: Default::default(),
        }
    }
}

impl Design for OpaColumn {
    const NAME: &'static str = "opa_column";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        OpaColumn::new(p)
    }
}

impl Logic for OpaColumn {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, live_flag);
        self.live_flag.rst.next = self.rst.val();
        self.aligned.next = ((bit_cast::<32, 16>(self.magnitude.val()) << self.step.val())
            + self.round_half.val())
            >> self.opa_shift.val();
        self.masked.next = self.aligned.val() & self.word_mask.val();
        self.overflow.next = (self.aligned.val() & !self.word_mask.val()).any();
        self.term.next = self.masked.val().get_bits::<16>(0);
        self.digit.next = self.masked.val() >> self.slice_shift.val();
        self.code.next = 0.into();
        if self.negative.val() == self.phase_negative.val() {
            self.code.next = self.digit.val().get_bits::<4>(0) & self.digit_mask.val();
        }
        if self.clear.val() {
            self.live_flag.d.next = false;
        } else if self.scan.val() & self.masked.val().any() {
            self.live_flag.d.next = true;
        }
        self.live.next = self.live_flag.q.val();
    }
}
