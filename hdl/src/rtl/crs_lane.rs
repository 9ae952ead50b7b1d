//! One column lane of the carry-resolution sequencer: the value register that codes
//! accumulate into at their slice place, saturation at the word range, and the level of
//! each slice's nominal digit (plus the layout's offset) for the serial write.

use crate::design::Design;
use crate::params::*;
use crate::rtl::reg::Reg;
use panther_sim::config::Config;
use panther_sim::fixed;
use rust_hdl::prelude::*;

/// One column's value register, saturation and digit extraction.
#[derive(LogicBlock)]
pub struct CrsLane {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub clear: Signal<In, Bit>,
    pub in_valid: Signal<In, Bit>,
    pub in_line: Signal<In, LineIdx>,
    pub in_code: Signal<In, Code>,
    pub in_place: Signal<In, Bits<6>>,
    pub correct: Signal<In, Bit>,
    pub correction: Signal<In, Wide>,
    pub saturate: Signal<In, Bit>,
    pub load: Signal<In, Bit>,
    pub load_word: Signal<In, Word>,
    pub level_shift: Signal<In, Bits<6>>,
    pub level_offset: Signal<In, Level>,
    pub zero: Signal<In, Bit>,
    pub read_addr: Signal<In, LineIdx>,
    pub level: Signal<Out, Level>,
    pub saturated: Signal<Out, Bit>,
    pub read_value: Signal<Out, Wide>,
    value: Reg<Wide>,
    sat: Reg<Bit>,
    line_index: Constant<LineIdx>,
    word_bias: Constant<Wide>,
    word_limit: Constant<Wide>,
    word_max: Constant<Wide>,
    word_min: Constant<Wide>,
    sign_extension: Constant<Wide>,
    digit_mask: Constant<Level>,
    biased: Signal<Local, Wide>,
    digit: Signal<Local, Wide>,
}

impl CrsLane {
    pub fn new(p: &RtlParams, index: usize) -> CrsLane {
        let w = p.word_bits;
        CrsLane {
            clock: Default::default(),
            rst: Default::default(),
            clear: Default::default(),
            in_valid: Default::default(),
            in_line: Default::default(),
            in_code: Default::default(),
            in_place: Default::default(),
            correct: Default::default(),
            correction: Default::default(),
            saturate: Default::default(),
            load: Default::default(),
            load_word: Default::default(),
            level_shift: Default::default(),
            level_offset: Default::default(),
            zero: Default::default(),
            read_addr: Default::default(),
            level: Default::default(),
            saturated: Default::default(),
            read_value: Default::default(),
            value: Default::default(),
            sat: Default::default(),
            line_index: Constant::new((index as u64).into()),
            word_bias: Constant::new((1u64 << (w - 1)).into()),
            word_limit: Constant::new((1u64 << w).into()),
            word_max: Constant::new(twos(fixed::word_max(w), WIDE_BITS).into()),
            word_min: Constant::new(twos(fixed::word_min(w), WIDE_BITS).into()),
            sign_extension: Constant::new(twos(-(1i64 << 16), WIDE_BITS).into()),
            digit_mask: Constant::new(((1u64 << p.nominal_bits) - 1).into()),
            biased: Default::default(),
            digit: Default::default(),
        }
    }
}

impl Design for CrsLane {
    const NAME: &'static str = "crs_lane";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        CrsLane::new(p, 0)
    }
}

impl Logic for CrsLane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, value, sat);
        self.value.rst.next = self.rst.val();
        self.sat.rst.next = self.rst.val();
        self.biased.next = self.value.q.val() + self.word_bias.val();
        if self.zero.val() {
            self.biased.next = self.word_bias.val();
        }
        self.digit.next = self.biased.val() >> self.level_shift.val();
        self.level.next =
            (self.digit.val().get_bits::<8>(0) & self.digit_mask.val()) + self.level_offset.val();
        self.saturated.next = self.sat.q.val();
        self.read_value.next = 0.into();
        if self.read_addr.val() == self.line_index.val() {
            self.read_value.next = self.value.q.val();
        }
        if self.clear.val() {
            self.value.d.next = 0.into();
            self.sat.d.next = false;
        } else if self.in_valid.val() & (self.in_line.val() == self.line_index.val()) {
            self.value.d.next = self.value.q.val()
                + (bit_cast::<48, 24>(self.in_code.val()) << self.in_place.val());
        } else if self.correct.val() {
            self.value.d.next = self.value.q.val() - self.correction.val();
        } else if self.saturate.val() {
            if self.biased.val() >= self.word_limit.val() {
                self.sat.d.next = true;
                if self.value.q.val().get_bit(47) {
                    self.value.d.next = self.word_min.val();
                } else {
                    self.value.d.next = self.word_max.val();
                }
            }
        } else if self.load.val() {
            self.value.d.next = bit_cast::<48, 16>(self.load_word.val());
            if self.load_word.val().get_bit(15) {
                self.value.d.next =
                    bit_cast::<48, 16>(self.load_word.val()) | self.sign_extension.val();
            }
        }
    }
}
