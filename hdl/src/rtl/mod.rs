//! The synthesizable blocks of the MCU, one module per block, each named as its exported
//! top (`panther tops` lists them), its instance in the MCU and its VCD scope.

pub mod controller;
pub mod crs_lane;
pub mod crs_sequencer;
pub mod line_drivers;
pub mod mcu;
pub mod offset_correction;
pub mod opa_column;
pub mod opa_unit;
pub mod reg;
pub mod sar_bank;
pub mod shift_add;
