//! The RTL matrix compute unit: controller, row and column drivers, SAR bank, shift-and-add
//! with offset correction, OPA update unit, CRS sequencer and the behavioural crossbar,
//! wired and multiplexed by the controller's route.

use crate::controller::{Controller, McuCmd, Route};
use crate::crossbar::{Crossbar, SampleKind};
use crate::crs::CrsSequencer;
use crate::drivers::LineDrivers;
use crate::opa_unit::OpaUnit;
use crate::params::*;
use crate::sar::{ClampSel, SarBank};
use crate::shift_add::{OffsetCorrection, ShiftAdd};
use panther_sim::config::Config;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Mcu {
    pub clock: Signal<In, Clock>,
    /// Command handshake.
    pub cmd_valid: Signal<In, Bit>,
    pub cmd: Signal<In, McuCmd>,
    pub cmd_mask: Signal<In, Bits<3>>,
    pub cmd_row: Signal<In, LineIdx>,
    pub cmd_copy: Signal<In, Bits<2>>,
    pub cmd_slices: Signal<In, SliceMask>,
    pub cmd_correct: Signal<In, Bit>,
    pub busy: Signal<Out, Bit>,
    pub done: Signal<Out, Bit>,
    pub cycles: Signal<Out, Count>,
    /// Input register write port (`load_cols`: column side).
    pub load_en: Signal<In, Bit>,
    pub load_cols: Signal<In, Bit>,
    pub load_addr: Signal<In, LineIdx>,
    pub load_word: Signal<In, Word>,
    /// Result read port.
    pub read_addr: Signal<In, LineIdx>,
    pub read_raw: Signal<Out, Wide>,
    pub read_word: Signal<Out, Word>,
    pub read_value: Signal<Out, Wide>,
    pub clip_sel: Signal<In, SliceIdx>,
    pub clip_events: Signal<Out, Count>,
    pub phases: Signal<Out, Bits<3>>,
    pub overflow_terms: Signal<Out, Count>,
    pub adc_clips: Signal<Out, Count>,
    pub conversions: Signal<Out, Count>,
    pub line_saturations: Signal<Out, LineIdx>,
    pub crs_saturations: Signal<Out, Count>,
    pub ctl: Controller,
    pub row_drivers: LineDrivers,
    pub col_drivers: LineDrivers,
    pub adc: SarBank,
    pub shift_add: ShiftAdd,
    pub offset: OffsetCorrection,
    pub opa: OpaUnit,
    pub crs: CrsSequencer,
    pub xbar: Crossbar,
    opa_copy: Constant<Bits<2>>,
    cols: Constant<LineIdx>,
    all_slices: Constant<SliceMask>,
    slice_en: Signal<Local, SliceMask>,
}

impl Mcu {
    pub fn new(cfg: &Config, p: &RtlParams) -> Mcu {
        let correction = p.layout(p.mvm_copy()).correction();
        Mcu {
            clock: Default::default(),
            cmd_valid: Default::default(),
            cmd: Default::default(),
            cmd_mask: Default::default(),
            cmd_row: Default::default(),
            cmd_copy: Default::default(),
            cmd_slices: Default::default(),
            cmd_correct: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            cycles: Default::default(),
            load_en: Default::default(),
            load_cols: Default::default(),
            load_addr: Default::default(),
            load_word: Default::default(),
            read_addr: Default::default(),
            read_raw: Default::default(),
            read_word: Default::default(),
            read_value: Default::default(),
            clip_sel: Default::default(),
            clip_events: Default::default(),
            phases: Default::default(),
            overflow_terms: Default::default(),
            adc_clips: Default::default(),
            conversions: Default::default(),
            line_saturations: Default::default(),
            crs_saturations: Default::default(),
            ctl: Controller::new(p),
            row_drivers: LineDrivers::new(p.rows),
            col_drivers: LineDrivers::new(p.cols),
            adc: SarBank::new(p),
            shift_add: ShiftAdd::new(p),
            offset: OffsetCorrection::new(correction),
            opa: OpaUnit::new(p),
            crs: CrsSequencer::new(p),
            xbar: Crossbar::new(cfg, p),
            opa_copy: Constant::new((p.opa_copy() as u64).into()),
            cols: Constant::new((p.cols as u64).into()),
            all_slices: Constant::new(((1u64 << p.slices) - 1).into()),
            slice_en: Default::default(),
        }
    }
}

impl Logic for Mcu {
    #[hdl_gen]
    fn update(&mut self) {
        // Clocks.
        self.ctl.clock.next = self.clock.val();
        self.row_drivers.clock.next = self.clock.val();
        self.col_drivers.clock.next = self.clock.val();
        self.adc.clock.next = self.clock.val();
        self.shift_add.clock.next = self.clock.val();
        self.offset.clock.next = self.clock.val();
        self.opa.clock.next = self.clock.val();
        self.crs.clock.next = self.clock.val();
        self.xbar.clock.next = self.clock.val();
        // Host side.
        self.ctl.cmd_valid.next = self.cmd_valid.val();
        self.ctl.cmd.next = self.cmd.val();
        self.ctl.cmd_mask.next = self.cmd_mask.val();
        self.busy.next = self.ctl.busy.val();
        self.done.next = self.ctl.done.val();
        self.cycles.next = self.ctl.cycles.val();
        self.row_drivers.load_en.next = self.load_en.val() & !self.load_cols.val();
        self.col_drivers.load_en.next = self.load_en.val() & self.load_cols.val();
        self.row_drivers.load_addr.next = self.load_addr.val();
        self.col_drivers.load_addr.next = self.load_addr.val();
        self.row_drivers.load_word.next = self.load_word.val();
        self.col_drivers.load_word.next = self.load_word.val();
        self.shift_add.read_addr.next = self.read_addr.val();
        self.crs.read_addr.next = self.read_addr.val();
        self.read_raw.next = self.shift_add.read_raw.val();
        self.read_word.next = self.shift_add.read_word.val();
        self.read_value.next = self.crs.read_value.val();
        self.opa.clip_sel.next = self.clip_sel.val();
        self.clip_events.next = self.opa.clip_events.val();
        self.phases.next = self.opa.phases.val();
        self.overflow_terms.next = self.opa.overflow_terms.val();
        self.adc_clips.next = self.adc.clip_count.val();
        self.conversions.next = self.adc.conversions.val();
        self.line_saturations.next = self.shift_add.sat_count.val();
        self.crs_saturations.next = self.crs.saturations.val();
        // Drivers: the line operation or the OPA unit.
        self.row_drivers.mode.next = self.ctl.row_mode.val();
        self.row_drivers.step.next = self.ctl.step.val();
        self.row_drivers.phase_negative.next = false;
        if self.ctl.route.val() == Route::Opa {
            self.row_drivers.mode.next = self.opa.row_mode.val();
            self.row_drivers.step.next = self.opa.step.val();
            self.row_drivers.phase_negative.next = self.opa.phase_row_negative.val();
        }
        self.col_drivers.mode.next = self.ctl.col_mode.val();
        self.col_drivers.step.next = self.ctl.step.val();
        self.col_drivers.phase_negative.next = false;
        // SAR bank: the line operation or the CRS sequencer.
        self.adc.start.next = self.ctl.bank_start.val() | self.crs.bank_start.val();
        self.adc.clip_clear.next = self.ctl.clip_clear.val();
        self.adc.line_count.next = self.ctl.line_count.val();
        self.adc.clamp_sel.next = ClampSel::None;
        self.slice_en.next = self.all_slices.val();
        if self.ctl.route.val() == Route::Crs {
            self.adc.line_count.next = self.cols.val();
            self.adc.clamp_sel.next = self.crs.bank_clamp.val();
            self.slice_en.next = self.crs.bank_slice_en.val();
        }
        // The converters and the arrays they sample see the same slices.
        self.adc.slice_en.next = self.slice_en.val();
        for l in 0..self.adc.trial.len() {
            self.xbar.sar_trial[l].next = self.adc.trial[l].val();
            self.adc.cmp[l].next = self.xbar.sar_cmp[l].val();
        }
        self.ctl.bank_done.next = self.adc.done.val() & (self.ctl.route.val() == Route::Line);
        self.crs.bank_done.next = self.adc.done.val() & (self.ctl.route.val() == Route::Crs);
        // Shift-and-add and offset correction.
        self.shift_add.clear.next = self.ctl.shift_clear.val();
        self.shift_add.in_valid.next =
            self.adc.code_valid.val() & (self.ctl.route.val() == Route::Line);
        self.shift_add.in_line.next = self.adc.code_line.val();
        self.shift_add.in_code.next = self.adc.adc_code_bus.val();
        self.shift_add.in_place.next = self.adc.code_place.val();
        self.shift_add.step.next = self.ctl.step.val();
        self.shift_add.in_negate.next = self.ctl.shift_negate.val();
        self.shift_add.correct.next = self.ctl.shift_correct.val();
        self.shift_add.correction.next = self.offset.product.val();
        self.shift_add.line_count.next = self.ctl.line_count.val();
        self.offset.clear.next = self.ctl.corr_clear.val();
        self.offset.step_add.next = self.ctl.corr_step_add.val();
        self.offset.active_count.next = self.row_drivers.active_count.val();
        if self.ctl.drive_cols.val() {
            self.offset.active_count.next = self.col_drivers.active_count.val();
        }
        self.offset.step.next = self.ctl.step.val();
        self.offset.negate.next = self.ctl.shift_negate.val();
        self.offset.start.next = self.ctl.corr_start.val();
        self.ctl.corr_done.next = self.offset.done.val();
        // OPA unit.
        self.opa.start.next = self.ctl.opa_start.val();
        self.ctl.opa_done.next = self.opa.done.val();
        self.opa.clip_count.next = self.xbar.clip_count.val();
        for i in 0..self.opa.row_nonzero.len() {
            self.opa.row_nonzero[i].next = self.row_drivers.nonzero[i].val();
            self.opa.row_negative[i].next = self.row_drivers.negative[i].val();
            self.xbar.row_drive[i].next = self.row_drivers.drive[i].val();
        }
        for j in 0..self.opa.col_magnitude.len() {
            self.opa.col_magnitude[j].next = self.col_drivers.magnitude[j].val();
            self.opa.col_negative[j].next = self.col_drivers.negative[j].val();
            self.xbar.col_drive[j].next = self.col_drivers.drive[j].val();
            self.xbar.pulse_code[j].next = self.opa.pulse_code[j].val();
            self.crs.col_word[j].next = self.col_drivers.word[j].val();
            self.xbar.write_level[j].next = self.crs.write_level[j].val();
        }
        // CRS sequencer.
        self.crs.start.next = self.ctl.crs_start.val();
        self.crs.op.next = self.ctl.crs_op.val();
        self.crs.row.next = self.cmd_row.val();
        self.crs.copy.next = self.cmd_copy.val();
        self.crs.slice_mask.next = self.cmd_slices.val();
        self.crs.apply_correction.next = self.cmd_correct.val();
        self.crs.in_valid.next = self.adc.code_valid.val() & (self.ctl.route.val() == Route::Crs);
        self.crs.in_line.next = self.adc.code_line.val();
        self.crs.in_code.next = self.adc.adc_code_bus.val();
        self.crs.in_place.next = self.adc.code_place.val();
        self.ctl.crs_done.next = self.crs.done.val();
        // Crossbar strobes.
        self.xbar.copy_sel.next = self.ctl.line_copy.val();
        self.xbar.sample_kind.next = self.ctl.sense_kind.val();
        self.xbar.slice_sel.next = self.opa.slice_idx.val();
        if self.ctl.route.val() == Route::Opa {
            self.xbar.copy_sel.next = self.opa_copy.val();
        }
        if self.ctl.route.val() == Route::Crs {
            self.xbar.copy_sel.next = self.crs.copy_sel.val();
            self.xbar.sample_kind.next = SampleKind::RowCells;
            self.xbar.slice_sel.next = self.crs.slice_sel.val();
        }
        self.xbar.sample.next = self.adc.sample.val();
        self.xbar.slice_mask.next = self.slice_en.val();
        self.xbar.row_addr.next = self.crs.row_addr.val();
        self.xbar.conv_base.next = self.adc.conv_base.val();
        self.xbar.update_begin.next = self.opa.update_begin.val();
        self.xbar.pulse.next = self.opa.pulse.val();
        self.xbar.pulse_negative.next = self.opa.pulse_negative.val();
        self.xbar.commit.next = self.opa.commit.val();
        self.xbar.write.next = self.crs.write.val();
    }
}
