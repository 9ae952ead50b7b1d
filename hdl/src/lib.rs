//! panther-hdl: the digital blocks of the PANTHER matrix compute unit in rust_hdl, around
//! a behavioural crossbar block that wraps panther-sim's analog model.

pub mod bench;
pub mod controller;
pub mod crossbar;
pub mod crs;
pub mod drivers;
pub mod export;
pub mod harness;
pub mod mcu;
pub mod opa_unit;
pub mod params;
pub mod pins;
pub mod sar;
pub mod shift_add;
pub mod timing;
pub mod wave;
