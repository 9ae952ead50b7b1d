//! panther-sim: the golden model of PANTHER, the ReRAM crossbar accelerator for
//! neural-network training. It never depends on the RTL.
//!
//! - [`arch`]: the architectural simulator (node, tiles, cores, NoC) running ISA programs;
//! - [`config`]: the one typed configuration (TOML, validated) and its presets;
//! - [`files`]: reading and writing files safely (size caps, atomic outputs, cleanup);
//! - [`fixed`]: fixed-point words, rounding, saturation;
//! - [`rng`]: counter-based randomness shared by every level;
//! - [`device`]: ReRAM cell models behind a trait;
//! - [`crossbar`]: the behavioural analog crossbar (arrays, sample-and-hold, SAR ADC);
//! - [`mcu`]: the bit-sliced matrix compute unit (MVM, MTVM, OPA, CRS);
//! - [`cost`]: event counters, energy and latency;
//! - [`isa`]: the instruction set, its 64-bit encoding, assembler and disassembler;
//! - [`opfile`]: JSON operation sequences evaluated on one MCU (golden vectors);
//! - [`train`]: networks trained on the modelled machine (model files, data, engines);
//! - [`eval`]: the paper's evaluation: workloads, baselines, GPU reference, step costs.

pub mod arch;
pub mod config;
pub mod cost;
pub mod crossbar;
pub mod device;
pub mod eval;
pub mod files;
pub mod fixed;
pub mod isa;
pub mod mcu;
pub mod opfile;
pub mod rng;
pub mod train;

pub use config::{Config, Preset, Variant};
pub use mcu::Mcu;
