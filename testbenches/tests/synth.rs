//! Every top passes rust_hdl's `check_all` (open, undriven, loops, writes to inputs) and a
//! yosys validation of its generated Verilog (hierarchy, undriven nets, no latches), for
//! every variant; and the yosys gate itself can fail.

use panther_hdl::eda::gates::yosys_check_netlist as yosys_check;
use panther_hdl::params::RtlParams;
use panther_sim::config::Variant;
use panther_testbenches::small_config;
use panther_testbenches::tops::TOPS;

/// 4 x 4 arrays, 2 converters per slice; the crossbar is a black box in the netlists.
#[test]
fn every_top_passes_check_all_and_yosys() {
    for v in [Variant::V1, Variant::V2, Variant::V3] {
        let cfg = small_config(4, v, 2, true);
        let p = RtlParams::from_config(&cfg, "test").unwrap();
        for top in TOPS {
            (top.check)(&cfg, &p).unwrap_or_else(|e| panic!("{} ({v:?}): {e}", top.name));
        }
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
