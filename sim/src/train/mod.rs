//! Training networks on the modelled machine: the model file ([`model`]), data sets
//! ([`data`]), the mapping of a network onto MCUs and its training step as machine
//! operations ([`plan`]), the `fast` engine that runs them on golden MCUs ([`fast`]), the
//! float64 reference ([`float`]), training runs with their reports ([`run`]) and
//! checkpoints ([`checkpoint`]).
//! docs/training.md describes the whole.

pub mod arch;
pub mod checkpoint;
pub mod compile;
pub mod data;
pub mod fast;
pub mod float;
pub mod model;
pub mod plan;
pub mod run;
pub mod window;

pub use checkpoint::{Checkpoint, DataId};
pub use data::{Dataset, Split};
pub use model::Model;
pub use run::{train, Engine, EpochReport, Session};

#[cfg(test)]
mod tests;
