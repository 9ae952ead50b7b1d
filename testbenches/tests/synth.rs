//! Every block passes rust_hdl's `check_all` (open, undriven, loops, writes to inputs) and
//! a yosys validation of its generated Verilog (hierarchy, undriven nets, no latches).

use panther_hdl::eda::gates::yosys_check_netlist as yosys_check;
use panther_hdl::params::RtlParams;
use panther_hdl::rtl::controller::Controller;
use panther_hdl::rtl::crs_lane::CrsLane;
use panther_hdl::rtl::crs_sequencer::CrsSequencer;
use panther_hdl::rtl::line_drivers::LineDrivers;
use panther_hdl::rtl::mcu::Mcu;
use panther_hdl::rtl::offset_correction::OffsetCorrection;
use panther_hdl::rtl::opa_column::OpaColumn;
use panther_hdl::rtl::opa_unit::OpaUnit;
use panther_hdl::rtl::sar_bank::{SarBank, SarLane};
use panther_hdl::rtl::shift_add::{ShiftAdd, ShiftAddLane};
use panther_sim::config::Variant;
use panther_testbenches::small_config;
use rust_hdl::prelude::*;

fn gate<B: Block>(name: &str, mut b: B) {
    b.connect_all();
    check_all(&b).unwrap_or_else(|e| panic!("{name}: check_all: {e:?}"));
    let v = generate_verilog(&b);
    yosys_check(name, &v).unwrap_or_else(|e| panic!("{e}"));
}

fn params(v: Variant) -> (panther_sim::Config, RtlParams) {
    let cfg = small_config(4, v, 2, true);
    let p = RtlParams::from_config(&cfg, "test").unwrap();
    (cfg, p)
}

#[test]
fn drivers() {
    gate("drivers", LineDrivers::new(4));
}

#[test]
fn sar_lane_and_bank() {
    let (_, p) = params(Variant::V1);
    gate("sar_lane", SarLane::new(&p, 1, 1));
    gate("sar_bank", SarBank::new(&p));
}

#[test]
fn shift_add_and_offset_correction() {
    let (_, p) = params(Variant::V1);
    gate("shift_add_lane", ShiftAddLane::new(&p, 2));
    gate("shift_add", ShiftAdd::new(&p));
    gate(
        "offset_correction",
        OffsetCorrection::new(p.acc.correction()),
    );
}

#[test]
fn opa_unit() {
    let (_, p) = params(Variant::V1);
    gate("opa_column", OpaColumn::new(&p));
    gate("opa_unit", OpaUnit::new(&p));
}

#[test]
fn crs_sequencer() {
    for v in [Variant::V1, Variant::V2, Variant::V3] {
        let (_, p) = params(v);
        gate("crs_lane", CrsLane::new(&p, 3));
        gate(&format!("crs_{v:?}"), CrsSequencer::new(&p));
    }
}

#[test]
fn controller() {
    let (_, p) = params(Variant::V3);
    gate("controller", Controller::new(&p));
}

/// The whole MCU, with the crossbar as a black box.
#[test]
fn mcu_top() {
    for v in [Variant::V1, Variant::V2, Variant::V3] {
        let (cfg, p) = params(v);
        gate(&format!("mcu_{v:?}"), Mcu::new(&cfg, &p));
    }
}

/// The gate itself can fail: a latch and an undriven output are rejected.
#[test]
fn yosys_gate_rejects_latches_and_undriven_nets() {
    let latch = "module top(input wire en, input wire d, output reg q);\n\
                 always @(*) if (en) q = d;\nendmodule\n";
    let e = yosys_check("latch", latch).unwrap_err();
    assert!(e.contains("yosys rejected"), "{e}");
    let undriven = "module top(input wire a, output wire q, output wire r);\n\
                    assign q = a;\nendmodule\n";
    let e = yosys_check("undriven", undriven).unwrap_err();
    assert!(e.contains("yosys rejected"), "{e}");
}
