//! panther-hdl: the digital blocks of the PANTHER matrix compute unit in rust_hdl around a
//! behavioural crossbar block that wraps panther-sim's analog model, and the flow that
//! turns them into SystemVerilog and co-simulates that in Verilator.
//!
//! - [`rtl`]: the synthesizable blocks, each exported as Verilog.
//! - [`crossbar`]: the behavioural analog block (exported as a DPI-C shell, a stand-in or a
//!   black box).
//! - [`host`]: simulation from Rust: the design simulator, the MCU's host, VCD waveforms.
//! - [`export`]: the SystemVerilog deliverable: netlist packaging, crossbar shells,
//!   constraints and the export folder.
//! - [`eda`]: the external tools (Verilator lint, iverilog, yosys, OpenSTA) and their gates.
//! - [`cosim`]: Verilator models of exported tops and lock-step co-simulation.

pub mod cosim;
pub mod crossbar;
pub mod design;
pub mod eda;
pub mod export;
pub mod host;
pub mod params;
pub mod rtl;
pub mod timing;

pub use design::Design;
