//! What the export and the co-simulation need from a block, so that generic code never
//! names a concrete one.

use crate::crossbar::Crossbar;
use crate::params::RtlParams;
use panther_sim::config::Config;
use rust_hdl::prelude::Block;

/// A block that can be an exported top.
pub trait Design: Block + Sized {
    /// The block's one name: its module file, its `--top`, its exported module, the scope
    /// of its waveforms and (for a block inside the MCU) its instance.
    const NAME: &'static str;

    /// The block as a top, sized by the config.
    fn from_config(cfg: &Config, p: &RtlParams) -> Self;

    /// The behavioural crossbar inside the design (the crossbar itself or the MCU's): its
    /// analog model is what a Verilator model must start from to follow this design.
    fn crossbar(&self) -> Option<&Crossbar> {
        None
    }
}
