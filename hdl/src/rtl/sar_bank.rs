//! Sample-and-hold and SAR ADC control. `shared_adcs` successive-approximation converters
//! per slice array work in lock step behind a line multiplexer (group g converts lines
//! g*A .. g*A+A-1); the comparator is in the crossbar and returns one bit per converter.
//! Each group's codes leave through a drain shift register, one code per cycle, with the
//! line and the slice place (n*k) they belong to.

use crate::design::Design;
use crate::params::*;
use crate::rtl::reg::Reg;
use panther_sim::config::Config;
use rust_hdl::prelude::*;

/// Which cell range a code is clamped to (serial reads resolve cells; MVM codes are not).
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum ClampSel {
    None,
    Nominal,
    Accumulator,
}

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum SarState {
    Idle,
    Sample,
    Clear,
    Approximate,
    ClipCheck,
    Load,
    Drain,
    Done,
}

/// One converter: its successive-approximation register, clip flag and drain stage.
#[derive(LogicBlock)]
pub struct SarLane {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub clear: Signal<In, Bit>,
    /// The bit under trial (one-hot).
    pub bit_mask: Signal<In, Code>,
    pub decide: Signal<In, Bit>,
    /// Trial max_code + 1 this cycle and latch whether the held value clipped.
    pub clip_check: Signal<In, Bit>,
    pub cmp: Signal<In, Bit>,
    pub trial: Signal<Out, Code>,
    pub code: Signal<Out, Code>,
    pub clamp_sel: Signal<In, ClampSel>,
    pub slice_en: Signal<In, SliceMask>,
    pub drain_load: Signal<In, Bit>,
    pub drain_shift: Signal<In, Bit>,
    pub next_code: Signal<In, Code>,
    pub next_pos: Signal<In, LineIdx>,
    pub next_place: Signal<In, Bits<6>>,
    pub next_clip: Signal<In, Bit>,
    pub drain_code: Signal<Out, Code>,
    pub drain_pos: Signal<Out, LineIdx>,
    pub drain_place: Signal<Out, Bits<6>>,
    pub drain_clip: Signal<Out, Bit>,
    sar_code: Reg<Code>,
    clipped: Reg<Bit>,
    d_code: Reg<Code>,
    d_pos: Reg<LineIdx>,
    d_place: Reg<Bits<6>>,
    d_clip: Reg<Bit>,
    max_code: Constant<Code>,
    clip_trial: Constant<Code>,
    acc_max_level: Constant<Code>,
    nominal_max_level: Constant<Code>,
    position: Constant<LineIdx>,
    place: Constant<Bits<6>>,
    slice_bit: Constant<SliceMask>,
    clamped: Signal<Local, Code>,
}

impl SarLane {
    /// Converter `a` of slice `k`.
    pub fn new(p: &RtlParams, k: usize, a: usize) -> SarLane {
        SarLane {
            clock: Default::default(),
            rst: Default::default(),
            clear: Default::default(),
            bit_mask: Default::default(),
            decide: Default::default(),
            clip_check: Default::default(),
            cmp: Default::default(),
            trial: Default::default(),
            code: Default::default(),
            clamp_sel: Default::default(),
            slice_en: Default::default(),
            drain_load: Default::default(),
            drain_shift: Default::default(),
            next_code: Default::default(),
            next_pos: Default::default(),
            next_place: Default::default(),
            next_clip: Default::default(),
            drain_code: Default::default(),
            drain_pos: Default::default(),
            drain_place: Default::default(),
            drain_clip: Default::default(),
            sar_code: Default::default(),
            clipped: Default::default(),
            d_code: Default::default(),
            d_pos: Default::default(),
            d_place: Default::default(),
            d_clip: Default::default(),
            max_code: Constant::new(p.adc_max_code().into()),
            clip_trial: Constant::new((p.adc_max_code() + 1).into()),
            acc_max_level: Constant::new((p.acc.max_level(k) as u64).into()),
            nominal_max_level: Constant::new(((1u64 << p.nominal_bits) - 1).into()),
            position: Constant::new((a as u64).into()),
            place: Constant::new(((p.nominal_bits as usize * k) as u64).into()),
            slice_bit: Constant::new((1u64 << k).into()),
            clamped: Default::default(),
        }
    }
}

impl Logic for SarLane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sar_code, clipped, d_code, d_pos, d_place, d_clip);
        self.sar_code.rst.next = self.rst.val();
        self.clipped.rst.next = self.rst.val();
        self.d_code.rst.next = self.rst.val();
        self.d_pos.rst.next = self.rst.val();
        self.d_place.rst.next = self.rst.val();
        self.d_clip.rst.next = self.rst.val();
        if self.clip_check.val() {
            self.trial.next = self.clip_trial.val();
        } else {
            self.trial.next = self.sar_code.q.val() | self.bit_mask.val();
        }
        self.code.next = self.sar_code.q.val();
        if self.clear.val() {
            self.sar_code.d.next = 0.into();
            self.clipped.d.next = false;
        }
        if self.decide.val() & self.cmp.val() {
            self.sar_code.d.next = self.sar_code.q.val() | self.bit_mask.val();
        }
        if self.clip_check.val() {
            self.clipped.d.next = (self.sar_code.q.val() == self.max_code.val()) & self.cmp.val();
        }
        self.clamped.next = self.sar_code.q.val();
        match self.clamp_sel.val() {
            ClampSel::None => {}
            ClampSel::Nominal => {
                if self.sar_code.q.val() > self.nominal_max_level.val() {
                    self.clamped.next = self.nominal_max_level.val();
                }
            }
            ClampSel::Accumulator => {
                if self.sar_code.q.val() > self.acc_max_level.val() {
                    self.clamped.next = self.acc_max_level.val();
                }
            }
        }
        if self.drain_load.val() {
            self.d_code.d.next = 0.into();
            if (self.slice_en.val() & self.slice_bit.val()).any() {
                self.d_code.d.next = self.clamped.val();
            }
            self.d_pos.d.next = self.position.val();
            self.d_place.d.next = self.place.val();
            self.d_clip.d.next = self.clipped.q.val();
        }
        if self.drain_shift.val() {
            self.d_code.d.next = self.next_code.val();
            self.d_pos.d.next = self.next_pos.val();
            self.d_place.d.next = self.next_place.val();
            self.d_clip.d.next = self.next_clip.val();
        }
        self.drain_code.next = self.d_code.q.val();
        self.drain_pos.next = self.d_pos.q.val();
        self.drain_place.next = self.d_place.q.val();
        self.drain_clip.next = self.d_clip.q.val();
    }
}

/// The converters of every slice array, their shared control and the code bus.
#[derive(LogicBlock)]
pub struct SarBank {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    /// Sample every line, then convert `line_count` lines.
    pub start: Signal<In, Bit>,
    pub line_count: Signal<In, LineIdx>,
    pub clamp_sel: Signal<In, ClampSel>,
    pub slice_en: Signal<In, SliceMask>,
    pub clip_clear: Signal<In, Bit>,
    /// To the crossbar: sample-and-hold strobe, group base line, trial codes.
    pub sample: Signal<Out, Bit>,
    pub conv_base: Signal<Out, LineIdx>,
    pub trial: Vec<Signal<Out, Code>>,
    pub cmp: Vec<Signal<In, Bit>>,
    /// Code bus: one (line, place, code) per cycle while `code_valid`.
    pub code_valid: Signal<Out, Bit>,
    pub code_line: Signal<Out, LineIdx>,
    pub code_place: Signal<Out, Bits<6>>,
    pub adc_code_bus: Signal<Out, Code>,
    /// The first converter's SAR register (waveforms).
    pub adc_code: Signal<Out, Code>,
    pub done: Signal<Out, Bit>,
    pub busy: Signal<Out, Bit>,
    /// Conversions that clipped since `clip_clear`.
    pub clip_count: Signal<Out, Count>,
    /// Conversions since `clip_clear` (one per line per slice).
    pub conversions: Signal<Out, Count>,
    pub state: Signal<Out, SarState>,
    pub lanes: Vec<SarLane>,
    fsm: Reg<SarState>,
    bit_mask: Reg<Code>,
    base: Reg<LineIdx>,
    drain_left: Reg<LineIdx>,
    clips: Reg<Count>,
    converted: Reg<Count>,
    top_bit: Constant<Code>,
    shared_adcs: Constant<LineIdx>,
    lane_count: Constant<LineIdx>,
    drain_line: Signal<Local, LineIdx>,
}

impl SarBank {
    pub fn new(p: &RtlParams) -> SarBank {
        let n = p.sar_lanes();
        let lanes = (0..p.slices)
            .flat_map(|k| (0..p.shared_adcs).map(move |a| (k, a)))
            .map(|(k, a)| SarLane::new(p, k, a))
            .collect();
        SarBank {
            clock: Default::default(),
            rst: Default::default(),
            start: Default::default(),
            line_count: Default::default(),
            clamp_sel: Default::default(),
            slice_en: Default::default(),
            clip_clear: Default::default(),
            sample: Default::default(),
            conv_base: Default::default(),
            trial: many(n),
            cmp: many(n),
            code_valid: Default::default(),
            code_line: Default::default(),
            code_place: Default::default(),
            adc_code_bus: Default::default(),
            adc_code: Default::default(),
            done: Default::default(),
            busy: Default::default(),
            clip_count: Default::default(),
            conversions: Default::default(),
            state: Default::default(),
            lanes,
            fsm: Default::default(),
            bit_mask: Default::default(),
            base: Default::default(),
            drain_left: Default::default(),
            clips: Default::default(),
            converted: Default::default(),
            top_bit: Constant::new((1u64 << (p.adc_bits - 1)).into()),
            shared_adcs: Constant::new((p.shared_adcs as u64).into()),
            lane_count: Constant::new((n as u64).into()),
            drain_line: Default::default(),
        }
    }
}

impl Design for SarBank {
    const NAME: &'static str = "sar_bank";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        SarBank::new(p)
    }
}

impl Logic for SarBank {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, fsm, bit_mask, base, drain_left, clips, converted);
        self.fsm.rst.next = self.rst.val();
        self.bit_mask.rst.next = self.rst.val();
        self.base.rst.next = self.rst.val();
        self.drain_left.rst.next = self.rst.val();
        self.clips.rst.next = self.rst.val();
        self.converted.rst.next = self.rst.val();
        self.sample.next = false;
        self.done.next = false;
        self.code_valid.next = false;
        self.busy.next = self.fsm.q.val() != SarState::Idle;
        self.state.next = self.fsm.q.val();
        self.conv_base.next = self.base.q.val();
        for l in 0..self.lanes.len() {
            self.lanes[l].clock.next = self.clock.val();
            self.lanes[l].rst.next = self.rst.val();
            self.lanes[l].clear.next = false;
            self.lanes[l].decide.next = false;
            self.lanes[l].clip_check.next = false;
            self.lanes[l].drain_load.next = false;
            self.lanes[l].drain_shift.next = false;
            self.lanes[l].bit_mask.next = self.bit_mask.q.val();
            self.lanes[l].clamp_sel.next = self.clamp_sel.val();
            self.lanes[l].slice_en.next = self.slice_en.val();
            self.lanes[l].cmp.next = self.cmp[l].val();
            self.trial[l].next = self.lanes[l].trial.val();
        }
        // The drain shift register: lane l takes lane l+1's stage; the last takes zeros.
        for l in 1..self.lanes.len() {
            self.lanes[l - 1].next_code.next = self.lanes[l].drain_code.val();
            self.lanes[l - 1].next_pos.next = self.lanes[l].drain_pos.val();
            self.lanes[l - 1].next_place.next = self.lanes[l].drain_place.val();
            self.lanes[l - 1].next_clip.next = self.lanes[l].drain_clip.val();
        }
        for l in (self.lanes.len() - 1)..self.lanes.len() {
            self.lanes[l].next_code.next = 0.into();
            self.lanes[l].next_pos.next = 0.into();
            self.lanes[l].next_place.next = 0.into();
            self.lanes[l].next_clip.next = false;
        }
        self.adc_code.next = self.lanes[0].code.val();
        self.drain_line.next = self.base.q.val() + self.lanes[0].drain_pos.val();
        self.code_line.next = self.drain_line.val();
        self.code_place.next = self.lanes[0].drain_place.val();
        self.adc_code_bus.next = self.lanes[0].drain_code.val();
        self.clip_count.next = self.clips.q.val();
        self.conversions.next = self.converted.q.val();
        if self.clip_clear.val() {
            self.clips.d.next = 0.into();
            self.converted.d.next = 0.into();
        }
        match self.fsm.q.val() {
            SarState::Idle => {
                if self.start.val() {
                    self.fsm.d.next = SarState::Sample;
                }
            }
            SarState::Sample => {
                self.sample.next = true;
                self.base.d.next = 0.into();
                self.fsm.d.next = SarState::Clear;
            }
            SarState::Clear => {
                for l in 0..self.lanes.len() {
                    self.lanes[l].clear.next = true;
                }
                self.bit_mask.d.next = self.top_bit.val();
                self.fsm.d.next = SarState::Approximate;
            }
            SarState::Approximate => {
                for l in 0..self.lanes.len() {
                    self.lanes[l].decide.next = true;
                }
                self.bit_mask.d.next = self.bit_mask.q.val() >> 1;
                if self.bit_mask.q.val() == 1 {
                    self.fsm.d.next = SarState::ClipCheck;
                }
            }
            SarState::ClipCheck => {
                for l in 0..self.lanes.len() {
                    self.lanes[l].clip_check.next = true;
                }
                self.fsm.d.next = SarState::Load;
            }
            SarState::Load => {
                for l in 0..self.lanes.len() {
                    self.lanes[l].drain_load.next = true;
                }
                self.drain_left.d.next = self.lane_count.val();
                self.fsm.d.next = SarState::Drain;
            }
            SarState::Drain => {
                for l in 0..self.lanes.len() {
                    self.lanes[l].drain_shift.next = true;
                }
                if self.drain_line.val() < self.line_count.val() {
                    self.code_valid.next = true;
                    self.converted.d.next = self.converted.q.val() + 1;
                    if self.lanes[0].drain_clip.val() {
                        self.clips.d.next = self.clips.q.val() + 1;
                    }
                }
                self.drain_left.d.next = self.drain_left.q.val() - 1;
                if self.drain_left.q.val() == 1 {
                    self.base.d.next = self.base.q.val() + self.shared_adcs.val();
                    if (self.base.q.val() + self.shared_adcs.val()) >= self.line_count.val() {
                        self.fsm.d.next = SarState::Done;
                    } else {
                        self.fsm.d.next = SarState::Clear;
                    }
                }
            }
            SarState::Done => {
                self.done.next = true;
                self.fsm.d.next = SarState::Idle;
            }
            _ => {
                self.fsm.d.next = SarState::Idle;
            }
        }
    }
}
