//! panther-hdl: the digital blocks of the PANTHER matrix compute unit in rust_hdl, around
//! a behavioural crossbar block that wraps panther-sim's analog model.

pub mod drivers;
pub mod params;
pub mod crossbar;
