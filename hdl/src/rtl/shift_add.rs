//! Shift-and-add: accumulate ADC codes over slices (shift n*k, carried on the code bus) and
//! input bits (shift t, the MSB step subtracted), apply the digital offset correction
//! (correction constant x input sum, rebuilt from the drive bits), round half up and
//! saturate to the output word.

use crate::design::Design;
use crate::params::*;
use crate::rtl::reg::Reg;
use panther_sim::config::Config;
use panther_sim::fixed;
use rust_hdl::prelude::*;

/// Output stage constants shared by every lane (round half up, saturate to `word_bits`).
fn out_consts(p: &RtlParams) -> (u64, u64, u64, u64, u64) {
    let s = p.out_shift;
    let half = if s == 0 { 0 } else { 1u64 << (s - 1) };
    let w = p.word_bits;
    (
        half,
        s as u64,
        1u64 << (w - 1),
        1u64 << w,
        twos(fixed::word_max(w), 16),
    )
}

/// One sensed line's accumulator and output register.
#[derive(LogicBlock)]
pub struct ShiftAddLane {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub clear: Signal<In, Bit>,
    pub in_valid: Signal<In, Bit>,
    pub in_line: Signal<In, LineIdx>,
    pub in_code: Signal<In, Code>,
    /// place + t.
    pub in_shift: Signal<In, Bits<6>>,
    /// MSB input step: subtract.
    pub in_negate: Signal<In, Bit>,
    pub correct: Signal<In, Bit>,
    pub correction: Signal<In, Wide>,
    pub read_addr: Signal<In, LineIdx>,
    pub raw: Signal<Out, Wide>,
    pub word: Signal<Out, Word>,
    pub saturated: Signal<Out, Bit>,
    /// `raw` / `word` when `read_addr` is this line, else 0 (the read mux is an OR).
    pub read_raw: Signal<Out, Wide>,
    pub read_word: Signal<Out, Word>,
    acc: Reg<Wide>,
    line_index: Constant<LineIdx>,
    round_half: Constant<Wide>,
    out_shift: Constant<Bits<6>>,
    word_bias: Constant<Wide>,
    word_limit: Constant<Wide>,
    word_max: Constant<Word>,
    word_min: Constant<Word>,
    all_ones: Constant<Wide>,
    term: Signal<Local, Wide>,
    rounded: Signal<Local, Wide>,
    sign_fill: Signal<Local, Wide>,
    shifted: Signal<Local, Wide>,
    biased: Signal<Local, Wide>,
}

impl ShiftAddLane {
    pub fn new(p: &RtlParams, index: usize) -> ShiftAddLane {
        let (half, shift, bias, limit, wmax) = out_consts(p);
        ShiftAddLane {
            clock: Default::default(),
            rst: Default::default(),
            clear: Default::default(),
            in_valid: Default::default(),
            in_line: Default::default(),
            in_code: Default::default(),
            in_shift: Default::default(),
            in_negate: Default::default(),
            correct: Default::default(),
            correction: Default::default(),
            read_addr: Default::default(),
            raw: Default::default(),
            word: Default::default(),
            saturated: Default::default(),
            read_raw: Default::default(),
            read_word: Default::default(),
            acc: Default::default(),
            line_index: Constant::new((index as u64).into()),
            round_half: Constant::new(half.into()),
            out_shift: Constant::new(shift.into()),
            word_bias: Constant::new(bias.into()),
            word_limit: Constant::new(limit.into()),
            word_max: Constant::new(wmax.into()),
            word_min: Constant::new(twos(fixed::word_min(p.word_bits), 16).into()),
            all_ones: Constant::new(((1u64 << WIDE_BITS) - 1).into()),
            term: Default::default(),
            rounded: Default::default(),
            sign_fill: Default::default(),
            shifted: Default::default(),
            biased: Default::default(),
        }
    }
}

impl Logic for ShiftAddLane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, acc);
        self.acc.rst.next = self.rst.val();
        self.term.next = bit_cast::<48, 24>(self.in_code.val()) << self.in_shift.val();
        if self.clear.val() {
            self.acc.d.next = 0.into();
        } else if self.in_valid.val() & (self.in_line.val() == self.line_index.val()) {
            if self.in_negate.val() {
                self.acc.d.next = self.acc.q.val() - self.term.val();
            } else {
                self.acc.d.next = self.acc.q.val() + self.term.val();
            }
        } else if self.correct.val() {
            self.acc.d.next = self.acc.q.val() - self.correction.val();
        }
        self.raw.next = self.acc.q.val();
        // Arithmetic shift right as (x ^ s) >> n ^ s, s = all sign bits.
        self.rounded.next = self.acc.q.val() + self.round_half.val();
        self.sign_fill.next = 0.into();
        if self.rounded.val().get_bit(47) {
            self.sign_fill.next = self.all_ones.val();
        }
        self.shifted.next = ((self.rounded.val() ^ self.sign_fill.val()) >> self.out_shift.val())
            ^ self.sign_fill.val();
        self.biased.next = self.shifted.val() + self.word_bias.val();
        if self.biased.val() < self.word_limit.val() {
            self.word.next = self.shifted.val().get_bits::<16>(0);
            self.saturated.next = false;
        } else {
            self.saturated.next = true;
            if self.shifted.val().get_bit(47) {
                self.word.next = self.word_min.val();
            } else {
                self.word.next = self.word_max.val();
            }
        }
        self.read_raw.next = 0.into();
        self.read_word.next = 0.into();
        if self.read_addr.val() == self.line_index.val() {
            self.read_raw.next = self.acc.q.val();
            self.read_word.next = self.word.val();
        }
    }
}

/// Every sensed line's lane, the bus fan-out and the read mux.
#[derive(LogicBlock)]
pub struct ShiftAdd {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub clear: Signal<In, Bit>,
    pub in_valid: Signal<In, Bit>,
    pub in_line: Signal<In, LineIdx>,
    pub in_code: Signal<In, Code>,
    pub in_place: Signal<In, Bits<6>>,
    pub step: Signal<In, StepIdx>,
    pub in_negate: Signal<In, Bit>,
    pub correct: Signal<In, Bit>,
    pub correction: Signal<In, Wide>,
    pub read_addr: Signal<In, LineIdx>,
    pub read_raw: Signal<Out, Wide>,
    pub read_word: Signal<Out, Word>,
    /// Lines (of the first `line_count`) whose output saturated.
    pub line_count: Signal<In, LineIdx>,
    pub sat_count: Signal<Out, LineIdx>,
    pub lanes: Vec<ShiftAddLane>,
    raw_chain: Vec<Signal<Local, Wide>>,
    word_chain: Vec<Signal<Local, Word>>,
    sat_chain: Vec<Signal<Local, LineIdx>>,
    lane_ids: Vec<Constant<LineIdx>>,
}

impl ShiftAdd {
    pub fn new(p: &RtlParams) -> ShiftAdd {
        let n = p.lines();
        ShiftAdd {
            clock: Default::default(),
            rst: Default::default(),
            clear: Default::default(),
            in_valid: Default::default(),
            in_line: Default::default(),
            in_code: Default::default(),
            in_place: Default::default(),
            step: Default::default(),
            in_negate: Default::default(),
            correct: Default::default(),
            correction: Default::default(),
            read_addr: Default::default(),
            read_raw: Default::default(),
            read_word: Default::default(),
            line_count: Default::default(),
            sat_count: Default::default(),
            lanes: (0..n).map(|j| ShiftAddLane::new(p, j)).collect(),
            raw_chain: (0..=n).map(|_| Default::default()).collect(),
            word_chain: (0..=n).map(|_| Default::default()).collect(),
            sat_chain: (0..=n).map(|_| Default::default()).collect(),
            lane_ids: (0..n).map(|j| Constant::new((j as u64).into())).collect(),
        }
    }
}

impl Design for ShiftAdd {
    const NAME: &'static str = "shift_add";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        ShiftAdd::new(p)
    }
}

impl Logic for ShiftAdd {
    #[hdl_gen]
    fn update(&mut self) {
        self.raw_chain[0].next = 0.into();
        self.word_chain[0].next = 0.into();
        self.sat_chain[0].next = 0.into();
        for j in 0..self.lanes.len() {
            self.lanes[j].clock.next = self.clock.val();
            self.lanes[j].rst.next = self.rst.val();
            self.lanes[j].clear.next = self.clear.val();
            self.lanes[j].in_valid.next = self.in_valid.val();
            self.lanes[j].in_line.next = self.in_line.val();
            self.lanes[j].in_code.next = self.in_code.val();
            self.lanes[j].in_shift.next = self.in_place.val() + bit_cast::<6, 5>(self.step.val());
            self.lanes[j].in_negate.next = self.in_negate.val();
            self.lanes[j].correct.next = self.correct.val();
            self.lanes[j].correction.next = self.correction.val();
            self.lanes[j].read_addr.next = self.read_addr.val();
            self.raw_chain[j + 1].next = self.raw_chain[j].val() | self.lanes[j].read_raw.val();
            self.word_chain[j + 1].next = self.word_chain[j].val() | self.lanes[j].read_word.val();
            self.sat_chain[j + 1].next = self.sat_chain[j].val();
            if self.lanes[j].saturated.val() & (self.lane_ids[j].val() < self.line_count.val()) {
                self.sat_chain[j + 1].next = self.sat_chain[j].val() + 1;
            }
        }
        for n in self.lanes.len()..(self.lanes.len() + 1) {
            self.read_raw.next = self.raw_chain[n].val();
            self.read_word.next = self.word_chain[n].val();
            self.sat_count.next = self.sat_chain[n].val();
        }
    }
}
