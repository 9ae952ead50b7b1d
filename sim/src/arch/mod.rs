//! The architectural simulator: a node of tiles on a concentrated-mesh network; each tile
//! has cores, shared memory with valid bits and read counters, a receive buffer and a tile
//! control unit; each core has a 3-stage pipeline, data memory with the XbarIn/XbarOut
//! regions, VFU lanes, a scalar ALU and two golden MCUs ([`crate::mcu::Mcu`]).
//! Cycle model: docs/timing.md. Bundles: docs/bundle.md.

pub mod bundle;
pub mod core;
pub mod memory;
pub mod noc;
pub mod node;
pub mod params;
pub mod snapshot;
pub mod tile;
pub mod vfu;

pub use bundle::Bundle;
pub use node::{run_bundle, ArchError, Node, RunReport};
pub use params::ArchConfig;
