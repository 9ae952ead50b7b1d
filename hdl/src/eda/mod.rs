//! The external EDA tools and the gates every export passes: Verilator lint, iverilog,
//! yosys checks and synthesis, OpenSTA static timing.

pub mod gates;
pub mod tools;
