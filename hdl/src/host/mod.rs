//! Host-side simulation (never exported): a design driven from Rust cycle by cycle, the
//! MCU's host that issues commands through its ports, and VCD waveforms.

pub mod design_sim;
pub mod mcu_host;
pub mod mcu_pins;
pub mod wave;
