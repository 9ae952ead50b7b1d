//! The RTL matrix compute unit: controller, row and column drivers, SAR bank, shift-and-add
//! with offset correction, OPA update unit, CRS sequencer and the behavioural crossbar,
//! wired and multiplexed by the controller's route.

use crate::crossbar::{Crossbar, SampleKind};
use crate::design::Design;
use crate::params::*;
use crate::rtl::controller::{Controller, McuCmd, Route};
use crate::rtl::crs_sequencer::CrsSequencer;
use crate::rtl::line_drivers::LineDrivers;
use crate::rtl::offset_correction::OffsetCorrection;
use crate::rtl::opa_unit::OpaUnit;
use crate::rtl::sar_bank::{ClampSel, SarBank};
use crate::rtl::shift_add::ShiftAdd;
use panther_sim::config::Config;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Mcu {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    /// Command handshake.
    pub cmd_valid: Signal<In, Bit>,
    pub cmd: Signal<In, McuCmd>,
    pub cmd_mask: Signal<In, Bits<3>>,
    pub cmd_row: Signal<In, LineIdx>,
    pub cmd_copy: Signal<In, CopySel>,
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
    pub controller: Controller,
    pub row_drivers: LineDrivers,
    pub col_drivers: LineDrivers,
    pub sar_bank: SarBank,
    pub shift_add: ShiftAdd,
    pub offset_correction: OffsetCorrection,
    pub opa_unit: OpaUnit,
    pub crs_sequencer: CrsSequencer,
    pub crossbar: Crossbar,
    opa_copy: Constant<CopySel>,
    cols: Constant<LineIdx>,
    all_slices: Constant<SliceMask>,
    slice_en: Signal<Local, SliceMask>,
}

impl Mcu {
    /// The signals a first look at an MCU waveform wants (the GTKWave view written next
    /// to a VCD of the MCU).
    pub const WAVE_VIEW: [&'static str; 24] = [
        "mcu.clock",
        "mcu.cmd_valid",
        "mcu.cmd",
        "mcu.busy",
        "mcu.done",
        "mcu.cycles",
        "mcu.controller.state",
        "mcu.controller.step",
        "mcu.sar_bank.state",
        "mcu.sar_bank.conv_base",
        "mcu.sar_bank.adc_code",
        "mcu.sar_bank.code_valid",
        "mcu.sar_bank.code_line",
        "mcu.sar_bank.adc_code_bus",
        "mcu.opa_unit.state",
        "mcu.opa_unit.phase_idx",
        "mcu.opa_unit.step",
        "mcu.opa_unit.slice_idx",
        "mcu.crossbar.pulse",
        "mcu.crossbar.pulse_negative",
        "mcu.crossbar.commit",
        "mcu.opa_unit.clip_count",
        "mcu.crs_sequencer.state",
        "mcu.crs_sequencer.row_addr",
    ];

    pub fn new(cfg: &Config, p: &RtlParams) -> Mcu {
        let correction = p.layout(p.roles.mvm).correction();
        Mcu {
            clock: Default::default(),
            rst: Default::default(),
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
            controller: Controller::new(p),
            row_drivers: LineDrivers::new(p.rows),
            col_drivers: LineDrivers::new(p.cols),
            sar_bank: SarBank::new(p),
            shift_add: ShiftAdd::new(p),
            offset_correction: OffsetCorrection::new(correction),
            opa_unit: OpaUnit::new(p),
            crs_sequencer: CrsSequencer::new(p),
            crossbar: Crossbar::new(cfg, p),
            opa_copy: Constant::new((p.roles.opa as u64).into()),
            cols: Constant::new((p.cols as u64).into()),
            all_slices: Constant::new(((1u64 << p.slices) - 1).into()),
            slice_en: Default::default(),
        }
    }
}

impl Design for Mcu {
    const NAME: &'static str = "mcu";

    fn from_config(cfg: &Config, p: &RtlParams) -> Self {
        Mcu::new(cfg, p)
    }

    fn crossbar(&self) -> Option<&Crossbar> {
        Some(&self.crossbar)
    }
}

impl Logic for Mcu {
    #[hdl_gen]
    fn update(&mut self) {
        // Clocks.
        self.controller.clock.next = self.clock.val();
        self.controller.rst.next = self.rst.val();
        self.row_drivers.clock.next = self.clock.val();
        self.row_drivers.rst.next = self.rst.val();
        self.col_drivers.clock.next = self.clock.val();
        self.col_drivers.rst.next = self.rst.val();
        self.sar_bank.clock.next = self.clock.val();
        self.sar_bank.rst.next = self.rst.val();
        self.shift_add.clock.next = self.clock.val();
        self.shift_add.rst.next = self.rst.val();
        self.offset_correction.clock.next = self.clock.val();
        self.offset_correction.rst.next = self.rst.val();
        self.opa_unit.clock.next = self.clock.val();
        self.opa_unit.rst.next = self.rst.val();
        self.crs_sequencer.clock.next = self.clock.val();
        self.crs_sequencer.rst.next = self.rst.val();
        self.crossbar.clock.next = self.clock.val();
        // Host side.
        self.controller.cmd_valid.next = self.cmd_valid.val();
        self.controller.cmd.next = self.cmd.val();
        self.controller.cmd_mask.next = self.cmd_mask.val();
        self.busy.next = self.controller.busy.val();
        self.done.next = self.controller.done.val();
        self.cycles.next = self.controller.cycles.val();
        self.row_drivers.load_en.next = self.load_en.val() & !self.load_cols.val();
        self.col_drivers.load_en.next = self.load_en.val() & self.load_cols.val();
        self.row_drivers.load_addr.next = self.load_addr.val();
        self.col_drivers.load_addr.next = self.load_addr.val();
        self.row_drivers.load_word.next = self.load_word.val();
        self.col_drivers.load_word.next = self.load_word.val();
        self.shift_add.read_addr.next = self.read_addr.val();
        self.crs_sequencer.read_addr.next = self.read_addr.val();
        self.read_raw.next = self.shift_add.read_raw.val();
        self.read_word.next = self.shift_add.read_word.val();
        self.read_value.next = self.crs_sequencer.read_value.val();
        self.opa_unit.clip_sel.next = self.clip_sel.val();
        self.clip_events.next = self.opa_unit.clip_events.val();
        self.phases.next = self.opa_unit.phases.val();
        self.overflow_terms.next = self.opa_unit.overflow_terms.val();
        self.adc_clips.next = self.sar_bank.clip_count.val();
        self.conversions.next = self.sar_bank.conversions.val();
        self.line_saturations.next = self.shift_add.sat_count.val();
        self.crs_saturations.next = self.crs_sequencer.saturations.val();
        // Drivers: the line operation or the OPA unit.
        self.row_drivers.mode.next = self.controller.row_mode.val();
        self.row_drivers.step.next = self.controller.step.val();
        self.row_drivers.phase_negative.next = false;
        if self.controller.route.val() == Route::Opa {
            self.row_drivers.mode.next = self.opa_unit.row_mode.val();
            self.row_drivers.step.next = self.opa_unit.step.val();
            self.row_drivers.phase_negative.next = self.opa_unit.phase_row_negative.val();
        }
        self.col_drivers.mode.next = self.controller.col_mode.val();
        self.col_drivers.step.next = self.controller.step.val();
        self.col_drivers.phase_negative.next = false;
        // SAR bank: the line operation or the CRS sequencer.
        self.sar_bank.start.next =
            self.controller.bank_start.val() | self.crs_sequencer.bank_start.val();
        self.sar_bank.clip_clear.next = self.controller.clip_clear.val();
        self.sar_bank.line_count.next = self.controller.line_count.val();
        self.sar_bank.clamp_sel.next = ClampSel::None;
        self.slice_en.next = self.all_slices.val();
        if self.controller.route.val() == Route::Crs {
            self.sar_bank.line_count.next = self.cols.val();
            self.sar_bank.clamp_sel.next = self.crs_sequencer.bank_clamp.val();
            self.slice_en.next = self.crs_sequencer.bank_slice_en.val();
        }
        // The converters and the arrays they sample see the same slices.
        self.sar_bank.slice_en.next = self.slice_en.val();
        for l in 0..self.sar_bank.trial.len() {
            self.crossbar.sar_trial[l].next = self.sar_bank.trial[l].val();
            self.sar_bank.cmp[l].next = self.crossbar.sar_cmp[l].val();
        }
        self.controller.bank_done.next =
            self.sar_bank.done.val() & (self.controller.route.val() == Route::Line);
        self.crs_sequencer.bank_done.next =
            self.sar_bank.done.val() & (self.controller.route.val() == Route::Crs);
        // Shift-and-add and offset correction.
        self.shift_add.clear.next = self.controller.shift_clear.val();
        self.shift_add.in_valid.next =
            self.sar_bank.code_valid.val() & (self.controller.route.val() == Route::Line);
        self.shift_add.in_line.next = self.sar_bank.code_line.val();
        self.shift_add.in_code.next = self.sar_bank.adc_code_bus.val();
        self.shift_add.in_place.next = self.sar_bank.code_place.val();
        self.shift_add.step.next = self.controller.step.val();
        self.shift_add.in_negate.next = self.controller.shift_negate.val();
        self.shift_add.correct.next = self.controller.shift_correct.val();
        self.shift_add.correction.next = self.offset_correction.product.val();
        self.shift_add.line_count.next = self.controller.line_count.val();
        self.offset_correction.clear.next = self.controller.corr_clear.val();
        self.offset_correction.step_add.next = self.controller.corr_step_add.val();
        self.offset_correction.active_count.next = self.row_drivers.active_count.val();
        if self.controller.drive_cols.val() {
            self.offset_correction.active_count.next = self.col_drivers.active_count.val();
        }
        self.offset_correction.step.next = self.controller.step.val();
        self.offset_correction.negate.next = self.controller.shift_negate.val();
        self.offset_correction.start.next = self.controller.corr_start.val();
        self.controller.corr_done.next = self.offset_correction.done.val();
        // OPA unit.
        self.opa_unit.start.next = self.controller.opa_start.val();
        self.controller.opa_done.next = self.opa_unit.done.val();
        self.opa_unit.clip_count.next = self.crossbar.clip_count.val();
        for i in 0..self.opa_unit.row_nonzero.len() {
            self.opa_unit.row_nonzero[i].next = self.row_drivers.nonzero[i].val();
            self.opa_unit.row_negative[i].next = self.row_drivers.negative[i].val();
            self.crossbar.row_drive[i].next = self.row_drivers.drive[i].val();
        }
        for j in 0..self.opa_unit.col_magnitude.len() {
            self.opa_unit.col_magnitude[j].next = self.col_drivers.magnitude[j].val();
            self.opa_unit.col_negative[j].next = self.col_drivers.negative[j].val();
            self.crossbar.col_drive[j].next = self.col_drivers.drive[j].val();
            self.crossbar.pulse_code[j].next = self.opa_unit.pulse_code[j].val();
            self.crs_sequencer.col_word[j].next = self.col_drivers.word[j].val();
            self.crossbar.write_level[j].next = self.crs_sequencer.write_level[j].val();
        }
        // CRS sequencer.
        self.crs_sequencer.start.next = self.controller.crs_start.val();
        self.crs_sequencer.op.next = self.controller.crs_op.val();
        self.crs_sequencer.row.next = self.cmd_row.val();
        self.crs_sequencer.copy.next = self.cmd_copy.val();
        self.crs_sequencer.slice_mask.next = self.cmd_slices.val();
        self.crs_sequencer.apply_correction.next = self.cmd_correct.val();
        self.crs_sequencer.in_valid.next =
            self.sar_bank.code_valid.val() & (self.controller.route.val() == Route::Crs);
        self.crs_sequencer.in_line.next = self.sar_bank.code_line.val();
        self.crs_sequencer.in_code.next = self.sar_bank.adc_code_bus.val();
        self.crs_sequencer.in_place.next = self.sar_bank.code_place.val();
        self.controller.crs_done.next = self.crs_sequencer.done.val();
        // Crossbar strobes.
        self.crossbar.copy_sel.next = self.controller.line_copy.val();
        self.crossbar.sample_kind.next = self.controller.sense_kind.val();
        self.crossbar.slice_sel.next = self.opa_unit.slice_idx.val();
        if self.controller.route.val() == Route::Opa {
            self.crossbar.copy_sel.next = self.opa_copy.val();
        }
        if self.controller.route.val() == Route::Crs {
            self.crossbar.copy_sel.next = self.crs_sequencer.copy_sel.val();
            self.crossbar.sample_kind.next = SampleKind::RowCells;
            self.crossbar.slice_sel.next = self.crs_sequencer.slice_sel.val();
        }
        self.crossbar.sample.next = self.sar_bank.sample.val();
        self.crossbar.slice_mask.next = self.slice_en.val();
        self.crossbar.row_addr.next = self.crs_sequencer.row_addr.val();
        self.crossbar.conv_base.next = self.sar_bank.conv_base.val();
        self.crossbar.update_begin.next = self.opa_unit.update_begin.val();
        self.crossbar.pulse.next = self.opa_unit.pulse.val();
        self.crossbar.pulse_negative.next = self.opa_unit.pulse_negative.val();
        self.crossbar.commit.next = self.opa_unit.commit.val();
        self.crossbar.write.next = self.crs_sequencer.write.val();
    }
}
