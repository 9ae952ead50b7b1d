//! The registry of exported tops: every command (`panther tops`, `sim`, `verilog`, `cosim`,
//! `report`), the Makefile (`--top all`), the gates and the docs checks read this one
//! table. A row names the block (its [`Design::NAME`]), says what it is, builds it from
//! the config for export, and runs its randomized testbench.

pub mod controller;
pub mod crossbar;
pub mod crs_lane;
pub mod crs_sequencer;
pub mod line_drivers;
pub mod mcu;
pub mod offset_correction;
pub mod opa_column;
pub mod opa_unit;
pub mod sar_bank;
pub mod shift_add;

use crate::testbench::{run, run_ideal, Testbench, TestbenchRun, Vcd};
use panther_hdl::eda::gates::check_design;
use panther_hdl::export::SvTop;
use panther_hdl::params::RtlParams;
use panther_hdl::rtl;
use panther_hdl::Design;
use panther_sim::config::Config;

/// One exportable top.
pub struct Top {
    pub name: &'static str,
    /// One line: what it is, and what its testbench checks.
    pub about: &'static str,
    /// Its testbench simulates (and co-simulates) the whole MCU, not the block alone.
    pub tested_in_mcu: bool,
    /// The block as an exported top, sized by the config.
    pub export: fn(&Config, &RtlParams) -> Result<SvTop, String>,
    /// rust_hdl's checks and the yosys check of the block's export.
    pub check: fn(&Config, &RtlParams) -> Result<(), String>,
    /// `cases` random cases of one design point drawn from `seed` (VCD of the first).
    pub testbench: fn(seed: u64, cases: u32, vcd: Vcd) -> TestbenchRun,
    /// The testbench with an ideal device in every case (what a recorded SystemVerilog
    /// testbench replays with the stand-in crossbar).
    pub ideal_run: fn(seed: u64, cases: u32) -> TestbenchRun,
}

impl Top {
    const fn of<B: Design, T: Testbench>(about: &'static str, tested_in_mcu: bool) -> Top {
        Top {
            name: B::NAME,
            about,
            tested_in_mcu,
            export: SvTop::from_config::<B>,
            check: check_as::<B>,
            testbench: run_as::<B, T>,
            ideal_run: ideal_run_as::<B, T>,
        }
    }
}

fn check_as<B: Design>(cfg: &Config, p: &RtlParams) -> Result<(), String> {
    check_design(B::from_config(cfg, p))
}

fn run_as<B: Design, T: Testbench>(seed: u64, cases: u32, vcd: Vcd) -> TestbenchRun {
    run::<T>(B::NAME, seed, cases, vcd)
}

fn ideal_run_as<B: Design, T: Testbench>(seed: u64, cases: u32) -> TestbenchRun {
    run_ideal::<T>(B::NAME, seed, cases)
}

pub const TOPS: &[Top] = &[
    Top::of::<rtl::mcu::Mcu, mcu::McuTestbench>(
        "the whole matrix compute unit (testbench: random op sequences against the golden MCU, each command's cycles against the timing model)",
        false,
    ),
    Top::of::<rtl::line_drivers::LineDrivers, line_drivers::LineDriversTestbench>(
        "row/column drivers: input registers and 1-bit DAC bit streaming",
        false,
    ),
    Top::of::<rtl::sar_bank::SarBank, sar_bank::SarBankTestbench>(
        "sample-and-hold and SAR ADC control bank behind the line multiplexer",
        false,
    ),
    Top::of::<rtl::shift_add::ShiftAdd, shift_add::ShiftAddTestbench>(
        "shift-and-add lanes: accumulation over slices and input bits, rounding, saturation",
        false,
    ),
    Top::of::<rtl::offset_correction::OffsetCorrection, offset_correction::OffsetCorrectionTestbench>(
        "offset correction of MVM/MTVM sums (input sum x layout constant)",
        false,
    ),
    Top::of::<rtl::opa_column::OpaColumn, opa_column::OpaColumnTestbench>(
        "one column of the OPA update unit: pulse codes of the aligned product",
        false,
    ),
    Top::of::<rtl::opa_unit::OpaUnit, opa_unit::OpaUnitTestbench>(
        "the bit-sliced OPA update unit (testbench: inside the MCU, every pulse step)",
        true,
    ),
    Top::of::<rtl::crs_lane::CrsLane, crs_lane::CrsLaneTestbench>(
        "one carry-resolution lane: carry propagation, saturation, nominal digits",
        false,
    ),
    Top::of::<rtl::crs_sequencer::CrsSequencer, crs_sequencer::CrsSequencerTestbench>(
        "the carry-resolution sequencer: serial read, carries, serial write (testbench: inside the MCU)",
        true,
    ),
    Top::of::<rtl::controller::Controller, controller::ControllerTestbench>(
        "the MCU controller: commands, sequencing, busy/done, cycle counter (testbench: inside the MCU, cycles against the timing model)",
        true,
    ),
    Top::of::<panther_hdl::crossbar::Crossbar, crossbar::CrossbarTestbench>(
        "the analog crossbar, behavioural (exported as a DPI-C shell, a stand-in and a black box)",
        false,
    ),
];

/// The top called `name`; the error lists the allowed names.
pub fn find(name: &str) -> Result<&'static Top, String> {
    TOPS.iter()
        .find(|t| t.name == name)
        .ok_or_else(|| format!("unknown top `{name}`; allowed: {}", names().join(", ")))
}

pub fn names() -> Vec<&'static str> {
    TOPS.iter().map(|t| t.name).collect()
}
