//! The MCU controller: takes MVM / MTVM / OPA commands as the ISA's per-MCU training mask
//! (bits MVM, MTVM, OPA, run in that order), CRS, and the serial read/write of one row;
//! sequences the drivers, the SAR bank, the shift-and-add, the OPA unit and the CRS
//! sequencer; busy/done handshake (one done pulse per command) and a cycle counter.

use crate::crossbar::SampleKind;
use crate::design::Design;
use crate::params::*;
use crate::rtl::crs_sequencer::CrsOp;
use crate::rtl::line_drivers::DriveMode;
use crate::rtl::reg::Reg;
use panther_sim::config::Config;
use rust_hdl::prelude::*;

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum McuCmd {
    /// Training mask `cmd_mask` = (MVM, MTVM, OPA) as in the ISA's `train`.
    Train,
    /// Carry resolution.
    Resolve,
    /// Serial read of row `cmd_row` of copy `cmd_copy` (slices `cmd_slices`).
    ReadRow,
    /// Serial write of row `cmd_row` of every copy from the column input registers.
    WriteRow,
}

impl McuCmd {
    /// Declaration order: the encoding on the `cmd` port, as exported.
    pub const ALL: [McuCmd; 4] = [
        McuCmd::Train,
        McuCmd::Resolve,
        McuCmd::ReadRow,
        McuCmd::WriteRow,
    ];

    pub fn code(self) -> u64 {
        Self::ALL.iter().position(|&c| c == self).unwrap_or(0) as u64
    }

    pub fn from_code(code: u64) -> Option<McuCmd> {
        Self::ALL.get(code as usize).copied()
    }
}

/// Which unit owns the shared resources (drivers, SAR bank, crossbar strobes).
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum Route {
    Line,
    Opa,
    Crs,
}

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum CtlState {
    Idle,
    Dispatch,
    LineBegin,
    StepStart,
    StepWait,
    CorrStart,
    CorrWait,
    Apply,
    OpaStart,
    OpaWait,
    CrsStart,
    CrsWait,
    Finish,
}

#[derive(LogicBlock)]
pub struct Controller {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub cmd_valid: Signal<In, Bit>,
    pub cmd: Signal<In, McuCmd>,
    pub cmd_mask: Signal<In, Bits<3>>,
    pub busy: Signal<Out, Bit>,
    pub done: Signal<Out, Bit>,
    /// Cycles of the current (or last) command.
    pub cycles: Signal<Out, Count>,
    pub state: Signal<Out, CtlState>,
    pub route: Signal<Out, Route>,
    pub step: Signal<Out, StepIdx>,
    /// MVM drives rows; MTVM drives columns.
    pub drive_cols: Signal<Out, Bit>,
    pub row_mode: Signal<Out, DriveMode>,
    pub col_mode: Signal<Out, DriveMode>,
    pub sense_kind: Signal<Out, SampleKind>,
    pub line_count: Signal<Out, LineIdx>,
    pub line_copy: Signal<Out, CopySel>,
    pub bank_start: Signal<Out, Bit>,
    pub bank_done: Signal<In, Bit>,
    pub clip_clear: Signal<Out, Bit>,
    pub shift_clear: Signal<Out, Bit>,
    pub shift_negate: Signal<Out, Bit>,
    pub shift_correct: Signal<Out, Bit>,
    pub corr_clear: Signal<Out, Bit>,
    pub corr_step_add: Signal<Out, Bit>,
    pub corr_start: Signal<Out, Bit>,
    pub corr_done: Signal<In, Bit>,
    pub opa_start: Signal<Out, Bit>,
    pub opa_done: Signal<In, Bit>,
    pub crs_start: Signal<Out, Bit>,
    pub crs_op: Signal<Out, CrsOp>,
    pub crs_done: Signal<In, Bit>,
    fsm: Reg<CtlState>,
    pending: Reg<Bits<3>>,
    cmd_reg: Reg<McuCmd>,
    step_reg: Reg<StepIdx>,
    cols_reg: Reg<Bit>,
    cycle_count: Reg<Count>,
    last_step: Constant<StepIdx>,
    rows: Constant<LineIdx>,
    cols: Constant<LineIdx>,
    mvm_copy: Constant<CopySel>,
    mtvm_copy: Constant<CopySel>,
}

impl Controller {
    pub fn new(p: &RtlParams) -> Controller {
        Controller {
            clock: Default::default(),
            rst: Default::default(),
            cmd_valid: Default::default(),
            cmd: Default::default(),
            cmd_mask: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            cycles: Default::default(),
            state: Default::default(),
            route: Default::default(),
            step: Default::default(),
            drive_cols: Default::default(),
            row_mode: Default::default(),
            col_mode: Default::default(),
            sense_kind: Default::default(),
            line_count: Default::default(),
            line_copy: Default::default(),
            bank_start: Default::default(),
            bank_done: Default::default(),
            clip_clear: Default::default(),
            shift_clear: Default::default(),
            shift_negate: Default::default(),
            shift_correct: Default::default(),
            corr_clear: Default::default(),
            corr_step_add: Default::default(),
            corr_start: Default::default(),
            corr_done: Default::default(),
            opa_start: Default::default(),
            opa_done: Default::default(),
            crs_start: Default::default(),
            crs_op: Default::default(),
            crs_done: Default::default(),
            fsm: Default::default(),
            pending: Default::default(),
            cmd_reg: Default::default(),
            step_reg: Default::default(),
            cols_reg: Default::default(),
            cycle_count: Default::default(),
            last_step: Constant::new(((p.input_bits - 1) as u64).into()),
            rows: Constant::new((p.rows as u64).into()),
            cols: Constant::new((p.cols as u64).into()),
            mvm_copy: Constant::new((p.roles.mvm as u64).into()),
            mtvm_copy: Constant::new((p.roles.mtvm as u64).into()),
        }
    }
}

impl Design for Controller {
    const NAME: &'static str = "controller";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        Controller::new(p)
    }
}

impl Logic for Controller {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            fsm,
            pending,
            cmd_reg,
            step_reg,
            cols_reg,
            cycle_count
        );
        self.fsm.rst.next = self.rst.val();
        self.pending.rst.next = self.rst.val();
        self.cmd_reg.rst.next = self.rst.val();
        self.step_reg.rst.next = self.rst.val();
        self.cols_reg.rst.next = self.rst.val();
        self.cycle_count.rst.next = self.rst.val();
        self.busy.next = self.fsm.q.val() != CtlState::Idle;
        self.done.next = false;
        self.cycles.next = self.cycle_count.q.val();
        self.state.next = self.fsm.q.val();
        self.step.next = self.step_reg.q.val();
        self.drive_cols.next = self.cols_reg.q.val();
        self.bank_start.next = false;
        self.clip_clear.next = false;
        self.shift_clear.next = false;
        self.shift_correct.next = false;
        self.corr_clear.next = false;
        self.corr_step_add.next = false;
        self.corr_start.next = false;
        self.opa_start.next = false;
        self.crs_start.next = false;
        self.shift_negate.next = self.step_reg.q.val() == self.last_step.val();
        self.crs_op.next = CrsOp::Resolve;
        if self.cmd_reg.q.val() == McuCmd::ReadRow {
            self.crs_op.next = CrsOp::ReadRow;
        }
        if self.cmd_reg.q.val() == McuCmd::WriteRow {
            self.crs_op.next = CrsOp::WriteRow;
        }
        // Line operation: MVM drives rows and senses columns, MTVM the reverse.
        self.row_mode.next = DriveMode::Idle;
        self.col_mode.next = DriveMode::Idle;
        self.sense_kind.next = SampleKind::SenseColumns;
        self.line_count.next = self.cols.val();
        self.line_copy.next = self.mvm_copy.val();
        if self.cols_reg.q.val() {
            self.sense_kind.next = SampleKind::SenseRows;
            self.line_count.next = self.rows.val();
            self.line_copy.next = self.mtvm_copy.val();
        }
        self.route.next = Route::Line;
        if (self.fsm.q.val() == CtlState::OpaStart) | (self.fsm.q.val() == CtlState::OpaWait) {
            self.route.next = Route::Opa;
        }
        if (self.fsm.q.val() == CtlState::CrsStart) | (self.fsm.q.val() == CtlState::CrsWait) {
            self.route.next = Route::Crs;
        }
        if (self.fsm.q.val() == CtlState::StepStart) | (self.fsm.q.val() == CtlState::StepWait) {
            if self.cols_reg.q.val() {
                self.col_mode.next = DriveMode::WordBit;
            } else {
                self.row_mode.next = DriveMode::WordBit;
            }
        }
        if self.fsm.q.val() != CtlState::Idle {
            self.cycle_count.d.next = self.cycle_count.q.val() + 1;
        }
        match self.fsm.q.val() {
            CtlState::Idle => {
                if self.cmd_valid.val() {
                    self.cmd_reg.d.next = self.cmd.val();
                    self.pending.d.next = 0.into();
                    self.cycle_count.d.next = 1.into();
                    if self.cmd.val() == McuCmd::Train {
                        self.pending.d.next = self.cmd_mask.val();
                        self.fsm.d.next = CtlState::Dispatch;
                    } else {
                        self.fsm.d.next = CtlState::CrsStart;
                    }
                }
            }
            CtlState::Dispatch => {
                if self.pending.q.val().get_bit(2) {
                    self.pending.d.next = self.pending.q.val() & 3;
                    self.cols_reg.d.next = false;
                    self.fsm.d.next = CtlState::LineBegin;
                } else if self.pending.q.val().get_bit(1) {
                    self.pending.d.next = self.pending.q.val() & 1;
                    self.cols_reg.d.next = true;
                    self.fsm.d.next = CtlState::LineBegin;
                } else if self.pending.q.val().get_bit(0) {
                    self.pending.d.next = 0.into();
                    self.fsm.d.next = CtlState::OpaStart;
                } else {
                    self.fsm.d.next = CtlState::Finish;
                }
            }
            CtlState::LineBegin => {
                self.shift_clear.next = true;
                self.corr_clear.next = true;
                self.clip_clear.next = true;
                self.step_reg.d.next = 0.into();
                self.fsm.d.next = CtlState::StepStart;
            }
            CtlState::StepStart => {
                self.corr_step_add.next = true;
                self.bank_start.next = true;
                self.fsm.d.next = CtlState::StepWait;
            }
            CtlState::StepWait => {
                if self.bank_done.val() {
                    self.step_reg.d.next = self.step_reg.q.val() + 1;
                    if self.step_reg.q.val() == self.last_step.val() {
                        self.step_reg.d.next = 0.into();
                        self.fsm.d.next = CtlState::CorrStart;
                    } else {
                        self.fsm.d.next = CtlState::StepStart;
                    }
                }
            }
            CtlState::CorrStart => {
                self.corr_start.next = true;
                self.fsm.d.next = CtlState::CorrWait;
            }
            CtlState::CorrWait => {
                if self.corr_done.val() {
                    self.fsm.d.next = CtlState::Apply;
                }
            }
            CtlState::Apply => {
                self.shift_correct.next = true;
                self.fsm.d.next = CtlState::Dispatch;
            }
            CtlState::OpaStart => {
                self.opa_start.next = true;
                self.fsm.d.next = CtlState::OpaWait;
            }
            CtlState::OpaWait => {
                if self.opa_done.val() {
                    self.fsm.d.next = CtlState::Dispatch;
                }
            }
            CtlState::CrsStart => {
                self.crs_start.next = true;
                self.fsm.d.next = CtlState::CrsWait;
            }
            CtlState::CrsWait => {
                if self.crs_done.val() {
                    self.fsm.d.next = CtlState::Finish;
                }
            }
            CtlState::Finish => {
                self.done.next = true;
                self.fsm.d.next = CtlState::Idle;
            }
            _ => {
                self.fsm.d.next = CtlState::Idle;
            }
        }
    }
}
