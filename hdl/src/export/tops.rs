//! Every exportable top, built from one config: the MCU and each of its blocks.

use super::SvTop;
use crate::controller::Controller;
use crate::crossbar::Crossbar;
use crate::crs::{CrsLane, CrsSequencer};
use crate::drivers::LineDrivers;
use crate::mcu::Mcu;
use crate::opa_unit::{OpaColumn, OpaUnit};
use crate::params::RtlParams;
use crate::sar::SarBank;
use crate::shift_add::{OffsetCorrection, ShiftAdd};
use panther_sim::config::Config;
use rust_hdl::prelude::*;

/// (name, what it is).
pub const TOPS: [(&str, &str); 11] = [
    ("mcu", "the whole matrix compute unit"),
    (
        "drivers",
        "row drivers (DAC input registers and bit streaming)",
    ),
    ("sar", "sample-and-hold and SAR ADC control bank"),
    ("shift_add", "shift-and-add lanes"),
    ("offset_correction", "offset correction of the MVM sum"),
    ("opa_column", "one column of the OPA update unit"),
    ("opa_unit", "the bit-sliced OPA update unit"),
    ("crs_lane", "one carry-resolution lane"),
    ("crs", "the carry-resolution sequencer"),
    ("controller", "the MCU controller"),
    ("crossbar", "the analog crossbar (DPI-C shell)"),
];

pub fn names() -> Vec<&'static str> {
    TOPS.iter().map(|t| t.0).collect()
}

fn verilog<B: Block>(mut b: B) -> String {
    b.connect_all();
    generate_verilog(&b)
}

/// Export top `name` sized by `cfg`.
pub fn export(name: &str, cfg: &Config, p: &RtlParams) -> Result<SvTop, String> {
    let (v, shape) = match name {
        "mcu" => {
            let m = Mcu::new(cfg, p);
            let shape = m.xbar.shape();
            (verilog(m), Some(shape))
        }
        "drivers" => (verilog(LineDrivers::new(p.rows)), None),
        "sar" => (verilog(SarBank::new(p)), None),
        "shift_add" => (verilog(ShiftAdd::new(p)), None),
        "offset_correction" => (
            verilog(OffsetCorrection::new(p.layout(p.mvm_copy()).correction())),
            None,
        ),
        "opa_column" => (verilog(OpaColumn::new(p)), None),
        "opa_unit" => (verilog(OpaUnit::new(p)), None),
        "crs_lane" => (verilog(CrsLane::new(p, 0)), None),
        "crs" => (verilog(CrsSequencer::new(p)), None),
        "controller" => (verilog(Controller::new(p)), None),
        "crossbar" => {
            let x = Crossbar::new(cfg, p);
            let shape = x.shape();
            (verilog(x), Some(shape))
        }
        _ => {
            return Err(format!(
                "unknown top `{name}`; allowed: {}",
                names().join(", ")
            ))
        }
    };
    SvTop::new(name, &v, shape)
}
