//! The behavioural analog crossbar: one model shared by the golden MCU, the rust_hdl
//! behavioural block and the Verilator DPI shell.
//!
//! Its boundary is digital on both sides: callers pass drive bits (active rows or columns),
//! pulse trains, sample strobes and SAR trial codes; they get comparator bits and codes.
//! Currents are held inside as Q.12 fixed-point level units ([`G_FRAC`]) so that sums are
//! exact integers, independent of the order in which a level touches cells.

mod adc;
mod array;

pub use adc::{Adc, Conversion};
pub(crate) use array::round_i64;
pub use array::{ArrayState, CellArray, CellState, ClipStats};

/// Fraction bits of conductances and currents inside the analog block.
pub const G_FRAC: u32 = 12;
/// One level in Q.12.
pub const G_ONE: i64 = 1 << G_FRAC;
