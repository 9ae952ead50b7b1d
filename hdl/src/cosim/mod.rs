//! Verilator co-simulation: exported tops built into loadable models with a C++ shim (the
//! `verilated` crate does not build against Verilator 5), their crossbar bound to the Rust
//! model through DPI-C, lock-step comparison against rust_hdl, and sessions that put every
//! simulated design of a testbench in lock-step.

pub mod build;
pub mod lockstep;
pub mod mcu;
pub mod model;
pub mod session;
pub mod shim;

pub use model::VerilatedTop;
