//! Row/column drivers, the DAC interface: an input register per line, and 1-bit drive
//! lines that stream bit t of every word (LSB first; the controller steps t) onto the
//! crossbar, with a frame strobe on the first bit of a frame.

use crate::design::Design;
use crate::params::*;
use crate::rtl::reg::Reg;
use panther_sim::config::Config;
use rust_hdl::prelude::*;

/// What the drive lines show.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum DriveMode {
    Idle,
    /// Bit t of the two's complement word (MVM, MTVM).
    WordBit,
    /// Bit t of |word|, only on lines whose sign is the phase's row sign (OPA row gates).
    MagnitudeBit,
    /// 1 on every line holding a nonzero word (rows an OPA commits).
    Nonzero,
}

/// One line: its input register and drive bit.
#[derive(LogicBlock)]
pub struct DriverLane {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub load_en: Signal<In, Bit>,
    pub load_addr: Signal<In, LineIdx>,
    pub load_word: Signal<In, Word>,
    pub step: Signal<In, StepIdx>,
    pub mode: Signal<In, DriveMode>,
    pub phase_negative: Signal<In, Bit>,
    pub drive: Signal<Out, Bit>,
    pub word: Signal<Out, Word>,
    pub magnitude: Signal<Out, Word>,
    pub negative: Signal<Out, Bit>,
    pub nonzero: Signal<Out, Bit>,
    value: Reg<Word>,
    line_index: Constant<LineIdx>,
    word_shifted: Signal<Local, Word>,
    magnitude_shifted: Signal<Local, Word>,
}

impl DriverLane {
    pub fn new(index: usize) -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            load_en: Default::default(),
            load_addr: Default::default(),
            load_word: Default::default(),
            step: Default::default(),
            mode: Default::default(),
            phase_negative: Default::default(),
            drive: Default::default(),
            word: Default::default(),
            magnitude: Default::default(),
            negative: Default::default(),
            nonzero: Default::default(),
            value: Default::default(),
            line_index: Constant::new((index as u64).into()),
            word_shifted: Default::default(),
            magnitude_shifted: Default::default(),
        }
    }
}

impl Logic for DriverLane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, value);
        self.value.rst.next = self.rst.val();
        if self.load_en.val() & (self.load_addr.val() == self.line_index.val()) {
            self.value.d.next = self.load_word.val();
        }
        self.word.next = self.value.q.val();
        self.negative.next = self.value.q.val().get_bit(15);
        self.nonzero.next = self.value.q.val().any();
        if self.value.q.val().get_bit(15) {
            self.magnitude.next = bits::<16>(0) - self.value.q.val();
        } else {
            self.magnitude.next = self.value.q.val();
        }
        self.word_shifted.next = self.value.q.val() >> self.step.val();
        self.magnitude_shifted.next = self.magnitude.val() >> self.step.val();
        self.drive.next = false;
        match self.mode.val() {
            DriveMode::Idle => {}
            DriveMode::WordBit => {
                self.drive.next = self.word_shifted.val().get_bit(0);
            }
            DriveMode::MagnitudeBit => {
                self.drive.next = self.magnitude_shifted.val().get_bit(0)
                    & (self.value.q.val().get_bit(15) == self.phase_negative.val());
            }
            DriveMode::Nonzero => {
                self.drive.next = self.value.q.val().any();
            }
        }
    }
}

/// The drivers of one side of the array (rows or columns).
#[derive(LogicBlock)]
pub struct LineDrivers {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    /// Host write port of the input registers.
    pub load_en: Signal<In, Bit>,
    pub load_addr: Signal<In, LineIdx>,
    pub load_word: Signal<In, Word>,
    pub step: Signal<In, StepIdx>,
    pub mode: Signal<In, DriveMode>,
    pub phase_negative: Signal<In, Bit>,
    pub drive: Vec<Signal<Out, Bit>>,
    pub word: Vec<Signal<Out, Word>>,
    pub magnitude: Vec<Signal<Out, Word>>,
    pub negative: Vec<Signal<Out, Bit>>,
    pub nonzero: Vec<Signal<Out, Bit>>,
    /// Number of lines driven high (rebuilds the input sum for the offset correction).
    pub active_count: Signal<Out, LineIdx>,
    /// High while bit 0 of a frame is on the lines.
    pub frame: Signal<Out, Bit>,
    pub lanes: Vec<DriverLane>,
    /// Ripple chain of the active count (rust_hdl has no blocking reduction).
    count_chain: Vec<Signal<Local, LineIdx>>,
}

impl LineDrivers {
    pub fn new(lines: usize) -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            load_en: Default::default(),
            load_addr: Default::default(),
            load_word: Default::default(),
            step: Default::default(),
            mode: Default::default(),
            phase_negative: Default::default(),
            drive: many(lines),
            word: many(lines),
            magnitude: many(lines),
            negative: many(lines),
            nonzero: many(lines),
            active_count: Default::default(),
            frame: Default::default(),
            lanes: (0..lines).map(DriverLane::new).collect(),
            count_chain: (0..=lines).map(|_| Default::default()).collect(),
        }
    }
}

impl Design for LineDrivers {
    const NAME: &'static str = "line_drivers";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        LineDrivers::new(p.rows)
    }
}

impl Logic for LineDrivers {
    #[hdl_gen]
    fn update(&mut self) {
        self.count_chain[0].next = 0.into();
        for i in 0..self.lanes.len() {
            self.lanes[i].clock.next = self.clock.val();
            self.lanes[i].rst.next = self.rst.val();
            self.lanes[i].load_en.next = self.load_en.val();
            self.lanes[i].load_addr.next = self.load_addr.val();
            self.lanes[i].load_word.next = self.load_word.val();
            self.lanes[i].step.next = self.step.val();
            self.lanes[i].mode.next = self.mode.val();
            self.lanes[i].phase_negative.next = self.phase_negative.val();
            self.drive[i].next = self.lanes[i].drive.val();
            self.word[i].next = self.lanes[i].word.val();
            self.magnitude[i].next = self.lanes[i].magnitude.val();
            self.negative[i].next = self.lanes[i].negative.val();
            self.nonzero[i].next = self.lanes[i].nonzero.val();
            self.count_chain[i + 1].next = self.count_chain[i].val();
            if self.lanes[i].drive.val() {
                self.count_chain[i + 1].next = self.count_chain[i].val() + 1;
            }
        }
        // A one-pass loop names the chain's end with a loop index (the Verilog generator
        // evaluates only loop indices inside brackets).
        for n in self.lanes.len()..(self.lanes.len() + 1) {
            self.active_count.next = self.count_chain[n].val();
        }
        self.frame.next = (self.mode.val() != DriveMode::Idle) & !self.step.val().any();
    }
}
