//! The MCU controller, inside the MCU: random command sequences, every result equal to the
//! golden MCU's and every command's cycles equal to the timing model (the controller's
//! cycle counter is what the host reads).

use super::mcu::McuTestbench;

/// The controller is checked through the commands it sequences: the MCU's testbench.
pub type ControllerTestbench = McuTestbench;
