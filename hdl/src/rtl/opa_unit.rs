//! Bit-sliced OPA update unit. From x (rows, through the row drivers) and d (columns), for
//! every polarity phase, input bit t and slice m it produces the row gates (drivers in
//! magnitude mode) and the per-column pulse codes: the m-th n-bit digit of the aligned term
//! ((|d_j| << t) >> opa_shift) mod 2^W, on columns whose sign is the phase's column sign.
//! A first scan over t finds the live columns and slices and counts overflowing terms;
//! empty phases are skipped when the config says so. The window is committed slice by
//! slice on the rows holding a nonzero x, and the crossbar's clip counts are kept per slice.

use crate::design::Design;
use crate::params::*;
use crate::rtl::line_drivers::DriveMode;
use crate::rtl::opa_column::OpaColumn;
use crate::rtl::reg::Reg;
use panther_sim::config::Config;
use rust_hdl::prelude::*;

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum OpaState {
    Idle,
    Begin,
    Scan,
    PhaseSelect,
    Pulse,
    Commit,
    CommitCount,
    Done,
}

#[derive(LogicBlock)]
pub struct OpaUnit {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub start: Signal<In, Bit>,
    pub done: Signal<Out, Bit>,
    pub busy: Signal<Out, Bit>,
    /// Row side (from the row drivers): which rows hold a nonzero x, and their signs.
    pub row_nonzero: Vec<Signal<In, Bit>>,
    pub row_negative: Vec<Signal<In, Bit>>,
    /// Column side: |d_j| and signs from the column input registers.
    pub col_magnitude: Vec<Signal<In, Word>>,
    pub col_negative: Vec<Signal<In, Bit>>,
    /// To the row drivers.
    pub row_mode: Signal<Out, DriveMode>,
    pub step: Signal<Out, StepIdx>,
    pub phase_row_negative: Signal<Out, Bit>,
    /// To the crossbar.
    pub pulse_code: Vec<Signal<Out, Pulse>>,
    pub update_begin: Signal<Out, Bit>,
    pub pulse: Signal<Out, Bit>,
    pub pulse_negative: Signal<Out, Bit>,
    pub slice_idx: Signal<Out, SliceIdx>,
    pub commit: Signal<Out, Bit>,
    pub clip_count: Signal<In, Count>,
    /// Results.
    pub phases: Signal<Out, Bits<3>>,
    pub phase_idx: Signal<Out, Bits<2>>,
    pub overflow_terms: Signal<Out, Count>,
    pub clip_sel: Signal<In, SliceIdx>,
    pub clip_events: Signal<Out, Count>,
    pub state: Signal<Out, OpaState>,
    pub columns: Vec<OpaColumn>,
    fsm: Reg<OpaState>,
    step_reg: Reg<StepIdx>,
    slice_reg: Reg<SliceIdx>,
    /// n * slice: the slice's digit position (kept in step with slice_reg).
    place_reg: Reg<Bits<6>>,
    phase_reg: Reg<Bits<2>>,
    phases_run: Reg<Bits<3>>,
    overflows: Reg<Count>,
    live_bits: Reg<Word>,
    slice_clips: Vec<Reg<Count>>,
    last_step: Constant<StepIdx>,
    last_slice: Constant<SliceIdx>,
    nominal_bits: Constant<Bits<6>>,
    digit_mask: Constant<Word>,
    skip_empty: Constant<Bit>,
    slice_ids: Vec<Constant<SliceIdx>>,
    row_pos_chain: Vec<Signal<Local, Bit>>,
    row_neg_chain: Vec<Signal<Local, Bit>>,
    col_pos_chain: Vec<Signal<Local, Bit>>,
    col_neg_chain: Vec<Signal<Local, Bit>>,
    term_chain: Vec<Signal<Local, Word>>,
    overflow_chain: Vec<Signal<Local, LineIdx>>,
    clip_chain: Vec<Signal<Local, Count>>,
    has_row_pos: Signal<Local, Bit>,
    has_row_neg: Signal<Local, Bit>,
    has_col_pos: Signal<Local, Bit>,
    has_col_neg: Signal<Local, Bit>,
    phase_live: Signal<Local, Bit>,
    term_total: Signal<Local, Word>,
    overflow_total: Signal<Local, LineIdx>,
    slice_digit: Signal<Local, Word>,
}

impl OpaUnit {
    pub fn new(p: &RtlParams) -> OpaUnit {
        let (rows, cols, s) = (p.rows, p.cols, p.slices);
        OpaUnit {
            clock: Default::default(),
            rst: Default::default(),
            start: Default::default(),
            done: Default::default(),
            busy: Default::default(),
            row_nonzero: many(rows),
            row_negative: many(rows),
            col_magnitude: many(cols),
            col_negative: many(cols),
            row_mode: Default::default(),
            step: Default::default(),
            phase_row_negative: Default::default(),
            pulse_code: many(cols),
            update_begin: Default::default(),
            pulse: Default::default(),
            pulse_negative: Default::default(),
            slice_idx: Default::default(),
            commit: Default::default(),
            clip_count: Default::default(),
            phases: Default::default(),
            phase_idx: Default::default(),
            overflow_terms: Default::default(),
            clip_sel: Default::default(),
            clip_events: Default::default(),
            state: Default::default(),
            columns: (0..cols).map(|_| OpaColumn::new(p)).collect(),
            fsm: Default::default(),
            step_reg: Default::default(),
            slice_reg: Default::default(),
            place_reg: Default::default(),
            phase_reg: Default::default(),
            phases_run: Default::default(),
            overflows: Default::default(),
            live_bits: Default::default(),
            slice_clips: many(s),
            last_step: Constant::new(((p.input_bits - 1) as u64).into()),
            last_slice: Constant::new(((s - 1) as u64).into()),
            nominal_bits: Constant::new((p.nominal_bits as u64).into()),
            digit_mask: Constant::new(((1u64 << p.nominal_bits) - 1).into()),
            skip_empty: Constant::new(p.skip_empty_phases),
            slice_ids: (0..s).map(|k| Constant::new((k as u64).into())).collect(),
            row_pos_chain: many(rows + 1),
            row_neg_chain: many(rows + 1),
            col_pos_chain: many(cols + 1),
            col_neg_chain: many(cols + 1),
            term_chain: many(cols + 1),
            overflow_chain: many(cols + 1),
            clip_chain: many(s + 1),
            has_row_pos: Default::default(),
            has_row_neg: Default::default(),
            has_col_pos: Default::default(),
            has_col_neg: Default::default(),
            phase_live: Default::default(),
            term_total: Default::default(),
            overflow_total: Default::default(),
            slice_digit: Default::default(),
        }
    }
}

impl Design for OpaUnit {
    const NAME: &'static str = "opa_unit";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        OpaUnit::new(p)
    }
}

impl Logic for OpaUnit {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, fsm, step_reg, slice_reg, place_reg, phase_reg, phases_run, overflows,
            live_bits
        );
        self.fsm.rst.next = self.rst.val();
        self.step_reg.rst.next = self.rst.val();
        self.slice_reg.rst.next = self.rst.val();
        self.place_reg.rst.next = self.rst.val();
        self.phase_reg.rst.next = self.rst.val();
        self.phases_run.rst.next = self.rst.val();
        self.overflows.rst.next = self.rst.val();
        self.live_bits.rst.next = self.rst.val();
        for k in 0..self.slice_clips.len() {
            self.slice_clips[k].clock.next = self.clock.val();
            self.slice_clips[k].rst.next = self.rst.val();
            self.slice_clips[k].d.next = self.slice_clips[k].q.val();
        }
        self.done.next = false;
        self.update_begin.next = false;
        self.pulse.next = false;
        self.commit.next = false;
        self.row_mode.next = DriveMode::Idle;
        self.busy.next = self.fsm.q.val() != OpaState::Idle;
        self.state.next = self.fsm.q.val();
        self.step.next = self.step_reg.q.val();
        self.slice_idx.next = self.slice_reg.q.val();
        self.phase_idx.next = self.phase_reg.q.val();
        self.phase_row_negative.next = self.phase_reg.q.val().get_bit(1);
        self.pulse_negative.next =
            self.phase_reg.q.val().get_bit(1) ^ self.phase_reg.q.val().get_bit(0);
        self.phases.next = self.phases_run.q.val();
        self.overflow_terms.next = self.overflows.q.val();
        // Row and column polarity presence (ripple chains: rust_hdl has no reductions).
        self.row_pos_chain[0].next = false;
        self.row_neg_chain[0].next = false;
        for i in 0..self.row_nonzero.len() {
            self.row_pos_chain[i + 1].next = self.row_pos_chain[i].val()
                | (self.row_nonzero[i].val() & !self.row_negative[i].val());
            self.row_neg_chain[i + 1].next = self.row_neg_chain[i].val()
                | (self.row_nonzero[i].val() & self.row_negative[i].val());
        }
        for n in self.row_nonzero.len()..(self.row_nonzero.len() + 1) {
            self.has_row_pos.next = self.row_pos_chain[n].val();
            self.has_row_neg.next = self.row_neg_chain[n].val();
        }
        self.col_pos_chain[0].next = false;
        self.col_neg_chain[0].next = false;
        self.term_chain[0].next = 0.into();
        self.overflow_chain[0].next = 0.into();
        for j in 0..self.columns.len() {
            self.columns[j].clock.next = self.clock.val();
            self.columns[j].rst.next = self.rst.val();
            self.columns[j].magnitude.next = self.col_magnitude[j].val();
            self.columns[j].negative.next = self.col_negative[j].val();
            self.columns[j].step.next = self.step_reg.q.val();
            self.columns[j].slice_shift.next = self.place_reg.q.val();
            self.columns[j].phase_negative.next = self.phase_reg.q.val().get_bit(0);
            self.columns[j].scan.next = self.fsm.q.val() == OpaState::Scan;
            self.columns[j].clear.next = self.fsm.q.val() == OpaState::Begin;
            self.pulse_code[j].next = self.columns[j].code.val();
            self.col_pos_chain[j + 1].next = self.col_pos_chain[j].val()
                | (self.columns[j].live.val() & !self.col_negative[j].val());
            self.col_neg_chain[j + 1].next = self.col_neg_chain[j].val()
                | (self.columns[j].live.val() & self.col_negative[j].val());
            self.term_chain[j + 1].next = self.term_chain[j].val() | self.columns[j].term.val();
            self.overflow_chain[j + 1].next = self.overflow_chain[j].val();
            if self.columns[j].overflow.val() {
                self.overflow_chain[j + 1].next = self.overflow_chain[j].val() + 1;
            }
        }
        for n in self.columns.len()..(self.columns.len() + 1) {
            self.has_col_pos.next = self.col_pos_chain[n].val();
            self.has_col_neg.next = self.col_neg_chain[n].val();
            self.term_total.next = self.term_chain[n].val();
            self.overflow_total.next = self.overflow_chain[n].val();
        }
        self.slice_digit.next =
            (self.live_bits.q.val() >> self.place_reg.q.val()) & self.digit_mask.val();
        self.phase_live.next = true;
        if self.skip_empty.val() {
            self.phase_live.next = false;
            if self.phase_reg.q.val() == 0 {
                self.phase_live.next = self.has_row_pos.val() & self.has_col_pos.val();
            }
            if self.phase_reg.q.val() == 1 {
                self.phase_live.next = self.has_row_pos.val() & self.has_col_neg.val();
            }
            if self.phase_reg.q.val() == 2 {
                self.phase_live.next = self.has_row_neg.val() & self.has_col_pos.val();
            }
            if self.phase_reg.q.val() == 3 {
                self.phase_live.next = self.has_row_neg.val() & self.has_col_neg.val();
            }
        }
        // Per-slice clip counters and their read mux.
        self.clip_chain[0].next = 0.into();
        for k in 0..self.slice_clips.len() {
            self.clip_chain[k + 1].next = self.clip_chain[k].val();
            if self.clip_sel.val() == self.slice_ids[k].val() {
                self.clip_chain[k + 1].next = self.slice_clips[k].q.val();
            }
        }
        for n in self.slice_clips.len()..(self.slice_clips.len() + 1) {
            self.clip_events.next = self.clip_chain[n].val();
        }
        match self.fsm.q.val() {
            OpaState::Idle => {
                if self.start.val() {
                    self.fsm.d.next = OpaState::Begin;
                }
            }
            OpaState::Begin => {
                self.update_begin.next = true;
                self.step_reg.d.next = 0.into();
                self.slice_reg.d.next = 0.into();
                self.place_reg.d.next = 0.into();
                self.phase_reg.d.next = 0.into();
                self.phases_run.d.next = 0.into();
                self.overflows.d.next = 0.into();
                self.live_bits.d.next = 0.into();
                for k in 0..self.slice_clips.len() {
                    self.slice_clips[k].d.next = 0.into();
                }
                self.fsm.d.next = OpaState::Scan;
            }
            OpaState::Scan => {
                self.live_bits.d.next = self.live_bits.q.val() | self.term_total.val();
                self.overflows.d.next =
                    self.overflows.q.val() + bit_cast::<32, 10>(self.overflow_total.val());
                self.step_reg.d.next = self.step_reg.q.val() + 1;
                if self.step_reg.q.val() == self.last_step.val() {
                    self.step_reg.d.next = 0.into();
                    self.fsm.d.next = OpaState::PhaseSelect;
                }
            }
            OpaState::PhaseSelect => {
                self.step_reg.d.next = 0.into();
                self.slice_reg.d.next = 0.into();
                self.place_reg.d.next = 0.into();
                if self.phase_live.val() {
                    self.phases_run.d.next = self.phases_run.q.val() + 1;
                    self.fsm.d.next = OpaState::Pulse;
                } else if self.phase_reg.q.val() == 3 {
                    self.fsm.d.next = OpaState::Commit;
                } else {
                    self.phase_reg.d.next = self.phase_reg.q.val() + 1;
                }
            }
            OpaState::Pulse => {
                self.row_mode.next = DriveMode::MagnitudeBit;
                self.pulse.next = true;
                self.slice_reg.d.next = self.slice_reg.q.val() + 1;
                self.place_reg.d.next = self.place_reg.q.val() + self.nominal_bits.val();
                if self.slice_reg.q.val() == self.last_slice.val() {
                    self.slice_reg.d.next = 0.into();
                    self.place_reg.d.next = 0.into();
                    self.step_reg.d.next = self.step_reg.q.val() + 1;
                    if self.step_reg.q.val() == self.last_step.val() {
                        if self.phase_reg.q.val() == 3 {
                            self.fsm.d.next = OpaState::Commit;
                        } else {
                            self.phase_reg.d.next = self.phase_reg.q.val() + 1;
                            self.fsm.d.next = OpaState::PhaseSelect;
                        }
                    }
                }
            }
            OpaState::Commit => {
                // Rows holding a nonzero x, slices whose codes were not all zero.
                self.row_mode.next = DriveMode::Nonzero;
                self.commit.next = self.slice_digit.val().any();
                self.fsm.d.next = OpaState::CommitCount;
            }
            OpaState::CommitCount => {
                // The crossbar's count belongs to this slice only if it was committed.
                for k in 0..self.slice_clips.len() {
                    if self.slice_reg.q.val() == self.slice_ids[k].val() {
                        self.slice_clips[k].d.next = 0.into();
                        if self.slice_digit.val().any() {
                            self.slice_clips[k].d.next = self.clip_count.val();
                        }
                    }
                }
                self.slice_reg.d.next = self.slice_reg.q.val() + 1;
                self.place_reg.d.next = self.place_reg.q.val() + self.nominal_bits.val();
                if self.slice_reg.q.val() == self.last_slice.val() {
                    self.fsm.d.next = OpaState::Done;
                } else {
                    self.fsm.d.next = OpaState::Commit;
                }
            }
            OpaState::Done => {
                self.done.next = true;
                self.fsm.d.next = OpaState::Idle;
            }
            _ => {
                self.fsm.d.next = OpaState::Idle;
            }
        }
    }
}
