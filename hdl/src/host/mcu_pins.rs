//! The MCU's port interface as its host sees it, so the same host drives the rust_hdl
//! design or its Verilator model ([`crate::cosim::mcu`]).

use crate::crossbar::model::CrossbarModel;
use crate::host::design_sim::DesignSim;
use crate::rtl::controller::McuCmd;
use crate::rtl::mcu::Mcu;

/// Input ports the host drives (names as in the exported wrapper).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InPin {
    Rst,
    CmdValid,
    Cmd,
    CmdMask,
    CmdRow,
    CmdCopy,
    CmdSlices,
    CmdCorrect,
    LoadEn,
    LoadCols,
    LoadAddr,
    LoadWord,
    ReadAddr,
    ClipSel,
}

/// Output ports the host reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutPin {
    Busy,
    Done,
    Cycles,
    ReadRaw,
    ReadWord,
    ReadValue,
    ClipEvents,
    Phases,
    OverflowTerms,
    AdcClips,
    LineSaturations,
    CrsSaturations,
}

impl InPin {
    pub const ALL: [InPin; 14] = [
        InPin::Rst,
        InPin::CmdValid,
        InPin::Cmd,
        InPin::CmdMask,
        InPin::CmdRow,
        InPin::CmdCopy,
        InPin::CmdSlices,
        InPin::CmdCorrect,
        InPin::LoadEn,
        InPin::LoadCols,
        InPin::LoadAddr,
        InPin::LoadWord,
        InPin::ReadAddr,
        InPin::ClipSel,
    ];

    /// The port's name.
    pub fn name(self) -> &'static str {
        match self {
            InPin::Rst => "rst",
            InPin::CmdValid => "cmd_valid",
            InPin::Cmd => "cmd",
            InPin::CmdMask => "cmd_mask",
            InPin::CmdRow => "cmd_row",
            InPin::CmdCopy => "cmd_copy",
            InPin::CmdSlices => "cmd_slices",
            InPin::CmdCorrect => "cmd_correct",
            InPin::LoadEn => "load_en",
            InPin::LoadCols => "load_cols",
            InPin::LoadAddr => "load_addr",
            InPin::LoadWord => "load_word",
            InPin::ReadAddr => "read_addr",
            InPin::ClipSel => "clip_sel",
        }
    }
}

impl OutPin {
    pub const ALL: [OutPin; 12] = [
        OutPin::Busy,
        OutPin::Done,
        OutPin::Cycles,
        OutPin::ReadRaw,
        OutPin::ReadWord,
        OutPin::ReadValue,
        OutPin::ClipEvents,
        OutPin::Phases,
        OutPin::OverflowTerms,
        OutPin::AdcClips,
        OutPin::LineSaturations,
        OutPin::CrsSaturations,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OutPin::Busy => "busy",
            OutPin::Done => "done",
            OutPin::Cycles => "cycles",
            OutPin::ReadRaw => "read_raw",
            OutPin::ReadWord => "read_word",
            OutPin::ReadValue => "read_value",
            OutPin::ClipEvents => "clip_events",
            OutPin::Phases => "phases",
            OutPin::OverflowTerms => "overflow_terms",
            OutPin::AdcClips => "adc_clips",
            OutPin::LineSaturations => "line_saturations",
            OutPin::CrsSaturations => "crs_saturations",
        }
    }
}

/// A simulated MCU: set inputs, settle, clock, read outputs.
pub trait McuPins {
    fn set(&mut self, pin: InPin, value: u64);
    fn get(&mut self, pin: OutPin) -> u64;
    /// Propagate input changes (reads between clock edges).
    fn settle(&mut self);
    /// One clock cycle.
    fn cycle(&mut self);
    /// Clock cycles run so far.
    fn cycles(&self) -> u64;
    /// The analog block behind the crossbar ports.
    fn crossbar(&self) -> &CrossbarModel;
}

impl McuPins for Box<DesignSim<Mcu>> {
    fn set(&mut self, pin: InPin, v: u64) {
        let u = &mut self.uut;
        match pin {
            InPin::Rst => u.rst.next = v != 0,
            InPin::CmdValid => u.cmd_valid.next = v != 0,
            InPin::Cmd => u.cmd.next = McuCmd::from_code(v).unwrap_or(McuCmd::Train),
            InPin::CmdMask => u.cmd_mask.next = v.into(),
            InPin::CmdRow => u.cmd_row.next = v.into(),
            InPin::CmdCopy => u.cmd_copy.next = v.into(),
            InPin::CmdSlices => u.cmd_slices.next = v.into(),
            InPin::CmdCorrect => u.cmd_correct.next = v != 0,
            InPin::LoadEn => u.load_en.next = v != 0,
            InPin::LoadCols => u.load_cols.next = v != 0,
            InPin::LoadAddr => u.load_addr.next = v.into(),
            InPin::LoadWord => u.load_word.next = v.into(),
            InPin::ReadAddr => u.read_addr.next = v.into(),
            InPin::ClipSel => u.clip_sel.next = v.into(),
        }
    }

    fn get(&mut self, pin: OutPin) -> u64 {
        let u = &self.uut;
        match pin {
            OutPin::Busy => u.busy.val() as u64,
            OutPin::Done => u.done.val() as u64,
            OutPin::Cycles => u.cycles.val().to_u64(),
            OutPin::ReadRaw => u.read_raw.val().to_u64(),
            OutPin::ReadWord => u.read_word.val().to_u64(),
            OutPin::ReadValue => u.read_value.val().to_u64(),
            OutPin::ClipEvents => u.clip_events.val().to_u64(),
            OutPin::Phases => u.phases.val().to_u64(),
            OutPin::OverflowTerms => u.overflow_terms.val().to_u64(),
            OutPin::AdcClips => u.adc_clips.val().to_u64(),
            OutPin::LineSaturations => u.line_saturations.val().to_u64(),
            OutPin::CrsSaturations => u.crs_saturations.val().to_u64(),
        }
    }

    fn settle(&mut self) {
        DesignSim::settle(self);
    }

    fn cycle(&mut self) {
        DesignSim::cycle(self);
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    fn crossbar(&self) -> &CrossbarModel {
        self.uut.crossbar.model()
    }
}
