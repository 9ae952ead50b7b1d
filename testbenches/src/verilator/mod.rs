//! Verilator co-simulation: exported tops built into loadable models with a C++ shim
//! (the `verilated` crate does not build against Verilator 5), their crossbar bound to
//! the Rust model through DPI-C, and lock-step comparison against rust_hdl.

pub mod build;
pub mod lockstep;
pub mod mcu;
pub mod model;
pub mod shim;

pub use model::VerilatedTop;
