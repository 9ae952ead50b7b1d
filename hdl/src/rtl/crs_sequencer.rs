//! Carry-resolution sequencer: serial reads through the SAR converters at cell resolution
//! (codes clamped to the cell range), digital carry propagation across slices (each slice's
//! code enters at its place n*k), the layout's offset correction, saturation at the word
//! range, and serial writes of the nominal digits. The same datapath serves serial reads
//! (one row of one copy) and the serial write of host words.

use crate::design::Design;
use crate::params::*;
use crate::rtl::crs_lane::CrsLane;
use crate::rtl::reg::Reg;
use crate::rtl::sar_bank::ClampSel;
use panther_sim::config::Config;
use panther_sim::config::Variant;
use rust_hdl::prelude::*;

/// What a CRS-unit command does.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum CrsOp {
    /// Carry resolution of the whole array (the variant's read and write copies).
    Resolve,
    /// Serial read of one row of one copy (slices in the mask) into the read registers.
    ReadRow,
    /// Serial write of one row of every copy from the column input registers.
    WriteRow,
}

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum CrsState {
    Idle,
    RowStart,
    ReadStart,
    ReadWait,
    Correct,
    Saturate,
    Load,
    Write,
    Done,
}

#[derive(LogicBlock)]
pub struct CrsSequencer {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub start: Signal<In, Bit>,
    pub op: Signal<In, CrsOp>,
    pub row: Signal<In, LineIdx>,
    pub copy: Signal<In, CopySel>,
    pub slice_mask: Signal<In, SliceMask>,
    pub apply_correction: Signal<In, Bit>,
    pub done: Signal<Out, Bit>,
    pub busy: Signal<Out, Bit>,
    /// To the SAR bank (sample kind is always a row of cells).
    pub bank_start: Signal<Out, Bit>,
    pub bank_done: Signal<In, Bit>,
    pub bank_clamp: Signal<Out, ClampSel>,
    pub bank_slice_en: Signal<Out, SliceMask>,
    pub in_valid: Signal<In, Bit>,
    pub in_line: Signal<In, LineIdx>,
    pub in_code: Signal<In, Code>,
    pub in_place: Signal<In, Bits<6>>,
    /// To the crossbar.
    pub copy_sel: Signal<Out, CopySel>,
    pub row_addr: Signal<Out, LineIdx>,
    pub slice_sel: Signal<Out, SliceIdx>,
    pub write: Signal<Out, Bit>,
    pub write_level: Vec<Signal<Out, Level>>,
    /// Column input registers (serial write of host words).
    pub col_word: Vec<Signal<In, Word>>,
    pub read_addr: Signal<In, LineIdx>,
    pub read_value: Signal<Out, Wide>,
    /// Weights clamped to the word range by the last command.
    pub saturations: Signal<Out, Count>,
    pub state: Signal<Out, CrsState>,
    pub lanes: Vec<CrsLane>,
    fsm: Reg<CrsState>,
    op_reg: Reg<CrsOp>,
    row_reg: Reg<LineIdx>,
    copy_reg: Reg<CopySel>,
    second_read: Reg<Bit>,
    slice_reg: Reg<SliceIdx>,
    place_reg: Reg<Bits<6>>,
    sats: Reg<Count>,
    last_row: Constant<LineIdx>,
    last_slice: Constant<SliceIdx>,
    last_copy: Constant<CopySel>,
    nominal_bits: Constant<Bits<6>>,
    v2: Constant<Bit>,
    acc_correction: Constant<Wide>,
    nominal_correction: Constant<Wide>,
    acc_offsets: Vec<Constant<Level>>,
    slice_ids: Vec<Constant<SliceIdx>>,
    all_slices: Constant<SliceMask>,
    value_chain: Vec<Signal<Local, Wide>>,
    sat_chain: Vec<Signal<Local, LineIdx>>,
    acc_copy_sel: Signal<Local, Bit>,
    offset: Signal<Local, Level>,
    sat_total: Signal<Local, LineIdx>,
}

impl CrsSequencer {
    pub fn new(p: &RtlParams) -> CrsSequencer {
        let cols = p.cols;
        CrsSequencer {
            clock: Default::default(),
            rst: Default::default(),
            start: Default::default(),
            op: Default::default(),
            row: Default::default(),
            copy: Default::default(),
            slice_mask: Default::default(),
            apply_correction: Default::default(),
            done: Default::default(),
            busy: Default::default(),
            bank_start: Default::default(),
            bank_done: Default::default(),
            bank_clamp: Default::default(),
            bank_slice_en: Default::default(),
            in_valid: Default::default(),
            in_line: Default::default(),
            in_code: Default::default(),
            in_place: Default::default(),
            copy_sel: Default::default(),
            row_addr: Default::default(),
            slice_sel: Default::default(),
            write: Default::default(),
            write_level: many(cols),
            col_word: many(cols),
            read_addr: Default::default(),
            read_value: Default::default(),
            saturations: Default::default(),
            state: Default::default(),
            lanes: (0..cols).map(|j| CrsLane::new(p, j)).collect(),
            fsm: Default::default(),
            op_reg: Default::default(),
            row_reg: Default::default(),
            copy_reg: Default::default(),
            second_read: Default::default(),
            slice_reg: Default::default(),
            place_reg: Default::default(),
            sats: Default::default(),
            last_row: Constant::new(((p.rows - 1) as u64).into()),
            last_slice: Constant::new(((p.slices - 1) as u64).into()),
            last_copy: Constant::new(((p.copies - 1) as u64).into()),
            nominal_bits: Constant::new((p.nominal_bits as u64).into()),
            v2: Constant::new(p.variant == Variant::V2),
            acc_correction: Constant::new(twos(p.acc.correction(), WIDE_BITS).into()),
            nominal_correction: Constant::new(twos(p.nominal.correction(), WIDE_BITS).into()),
            acc_offsets: (0..p.slices)
                .map(|k| Constant::new((p.acc.offsets[k] as u64).into()))
                .collect(),
            slice_ids: (0..p.slices)
                .map(|k| Constant::new((k as u64).into()))
                .collect(),
            all_slices: Constant::new(((1u64 << p.slices) - 1).into()),
            value_chain: many(cols + 1),
            sat_chain: many(cols + 1),
            acc_copy_sel: Default::default(),
            offset: Default::default(),
            sat_total: Default::default(),
        }
    }
}

impl Design for CrsSequencer {
    const NAME: &'static str = "crs_sequencer";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        CrsSequencer::new(p)
    }
}

impl Logic for CrsSequencer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            fsm,
            op_reg,
            row_reg,
            copy_reg,
            second_read,
            slice_reg,
            place_reg,
            sats
        );
        self.fsm.rst.next = self.rst.val();
        self.op_reg.rst.next = self.rst.val();
        self.row_reg.rst.next = self.rst.val();
        self.copy_reg.rst.next = self.rst.val();
        self.second_read.rst.next = self.rst.val();
        self.slice_reg.rst.next = self.rst.val();
        self.place_reg.rst.next = self.rst.val();
        self.sats.rst.next = self.rst.val();
        self.done.next = false;
        self.bank_start.next = false;
        self.write.next = false;
        self.busy.next = self.fsm.q.val() != CrsState::Idle;
        self.state.next = self.fsm.q.val();
        self.copy_sel.next = self.copy_reg.q.val();
        self.row_addr.next = self.row_reg.q.val();
        self.slice_sel.next = self.slice_reg.q.val();
        self.saturations.next = self.sats.q.val();
        self.bank_slice_en.next = self.all_slices.val();
        if self.op_reg.q.val() == CrsOp::ReadRow {
            self.bank_slice_en.next = self.slice_mask.val();
        }
        // The accumulating copy is the last one.
        self.acc_copy_sel.next = self.copy_reg.q.val() == self.last_copy.val();
        self.bank_clamp.next = ClampSel::Nominal;
        if self.acc_copy_sel.val() {
            self.bank_clamp.next = ClampSel::Accumulator;
        }
        self.offset.next = 0.into();
        if self.acc_copy_sel.val() {
            for k in 0..self.acc_offsets.len() {
                if self.slice_reg.q.val() == self.slice_ids[k].val() {
                    self.offset.next = self.acc_offsets[k].val();
                }
            }
        }
        self.value_chain[0].next = 0.into();
        self.sat_chain[0].next = 0.into();
        for j in 0..self.lanes.len() {
            self.lanes[j].clock.next = self.clock.val();
            self.lanes[j].rst.next = self.rst.val();
            self.lanes[j].clear.next = self.fsm.q.val() == CrsState::RowStart;
            self.lanes[j].in_valid.next =
                self.in_valid.val() & (self.fsm.q.val() == CrsState::ReadWait);
            self.lanes[j].in_line.next = self.in_line.val();
            self.lanes[j].in_code.next = self.in_code.val();
            self.lanes[j].in_place.next = self.in_place.val();
            self.lanes[j].correct.next = self.fsm.q.val() == CrsState::Correct;
            self.lanes[j].correction.next = self.nominal_correction.val();
            if self.acc_copy_sel.val() {
                self.lanes[j].correction.next = self.acc_correction.val();
            }
            self.lanes[j].saturate.next = self.fsm.q.val() == CrsState::Saturate;
            self.lanes[j].load.next = self.fsm.q.val() == CrsState::Load;
            self.lanes[j].load_word.next = self.col_word[j].val();
            self.lanes[j].level_shift.next = self.place_reg.q.val();
            self.lanes[j].level_offset.next = self.offset.val();
            // V2: the accumulator is cleared when its sum moves into the weights.
            self.lanes[j].zero.next = self.v2.val() & self.acc_copy_sel.val();
            self.lanes[j].read_addr.next = self.read_addr.val();
            self.write_level[j].next = self.lanes[j].level.val();
            self.value_chain[j + 1].next =
                self.value_chain[j].val() | self.lanes[j].read_value.val();
            self.sat_chain[j + 1].next = self.sat_chain[j].val();
            if self.lanes[j].saturated.val() {
                self.sat_chain[j + 1].next = self.sat_chain[j].val() + 1;
            }
        }
        for n in self.lanes.len()..(self.lanes.len() + 1) {
            self.read_value.next = self.value_chain[n].val();
            self.sat_total.next = self.sat_chain[n].val();
        }
        match self.fsm.q.val() {
            CrsState::Idle => {
                if self.start.val() {
                    self.op_reg.d.next = self.op.val();
                    self.sats.d.next = 0.into();
                    self.row_reg.d.next = 0.into();
                    if self.op.val() != CrsOp::Resolve {
                        self.row_reg.d.next = self.row.val();
                    }
                    self.fsm.d.next = CrsState::RowStart;
                }
            }
            CrsState::RowStart => {
                self.second_read.d.next = false;
                self.copy_reg.d.next = self.last_copy.val();
                if self.op_reg.q.val() == CrsOp::ReadRow {
                    self.copy_reg.d.next = self.copy.val();
                }
                if self.op_reg.q.val() == CrsOp::WriteRow {
                    self.fsm.d.next = CrsState::Load;
                } else {
                    self.fsm.d.next = CrsState::ReadStart;
                }
            }
            CrsState::ReadStart => {
                self.bank_start.next = true;
                self.fsm.d.next = CrsState::ReadWait;
            }
            CrsState::ReadWait => {
                if self.bank_done.val() {
                    self.fsm.d.next = CrsState::Correct;
                    if (self.op_reg.q.val() == CrsOp::ReadRow) & !self.apply_correction.val() {
                        self.fsm.d.next = CrsState::Done;
                    }
                }
            }
            CrsState::Correct => {
                if self.op_reg.q.val() == CrsOp::ReadRow {
                    self.fsm.d.next = CrsState::Done;
                } else if self.v2.val() & !self.second_read.q.val() {
                    // V2 merges the weights copy into the accumulator's sum.
                    self.second_read.d.next = true;
                    self.copy_reg.d.next = 0.into();
                    self.fsm.d.next = CrsState::ReadStart;
                } else {
                    self.fsm.d.next = CrsState::Saturate;
                }
            }
            CrsState::Saturate => {
                self.copy_reg.d.next = 0.into();
                self.slice_reg.d.next = 0.into();
                self.place_reg.d.next = 0.into();
                self.fsm.d.next = CrsState::Write;
            }
            CrsState::Load => {
                self.copy_reg.d.next = 0.into();
                self.slice_reg.d.next = 0.into();
                self.place_reg.d.next = 0.into();
                self.fsm.d.next = CrsState::Write;
            }
            CrsState::Write => {
                self.write.next = true;
                self.slice_reg.d.next = self.slice_reg.q.val() + 1;
                self.place_reg.d.next = self.place_reg.q.val() + self.nominal_bits.val();
                if self.slice_reg.q.val() == self.last_slice.val() {
                    self.slice_reg.d.next = 0.into();
                    self.place_reg.d.next = 0.into();
                    self.copy_reg.d.next = self.copy_reg.q.val() + 1;
                    if self.copy_reg.q.val() == self.last_copy.val() {
                        if (self.op_reg.q.val() == CrsOp::Resolve)
                            & (self.row_reg.q.val() != self.last_row.val())
                        {
                            self.row_reg.d.next = self.row_reg.q.val() + 1;
                            self.fsm.d.next = CrsState::RowStart;
                        } else {
                            self.fsm.d.next = CrsState::Done;
                        }
                    }
                }
            }
            CrsState::Done => {
                self.done.next = true;
                self.fsm.d.next = CrsState::Idle;
            }
            _ => {
                self.fsm.d.next = CrsState::Idle;
            }
        }
        // Saturations are counted once per row, as the Saturate state leaves.
        if (self.fsm.q.val() == CrsState::Write)
            & (self.slice_reg.q.val() == 0)
            & (self.copy_reg.q.val() == 0)
            & (self.op_reg.q.val() == CrsOp::Resolve)
        {
            self.sats.d.next = self.sats.q.val() + bit_cast::<32, 10>(self.sat_total.val());
        }
    }
}
