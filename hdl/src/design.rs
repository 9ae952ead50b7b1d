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

/// Where a walk over a block tree (`Block::accept` with a `Probe`) stands relative to a
/// path of instance names below the root (the design): call [`ScopeWalk::enter`] and
/// [`ScopeWalk::leave`] on every scope and namespace.
#[derive(Debug, Default)]
pub struct ScopeWalk {
    depth: usize,
    /// Scopes below the root entered so far that follow the path.
    matched: usize,
}

impl ScopeWalk {
    /// Enter scope `name`; true when it is the block at `path`.
    pub fn enter<S: AsRef<str>>(&mut self, path: &[S], name: &str) -> bool {
        let follows = self.depth >= 1
            && self.matched == self.depth - 1
            && path.get(self.matched).is_some_and(|s| s.as_ref() == name);
        if follows {
            self.matched += 1;
        }
        self.depth += 1;
        follows && self.matched == path.len()
    }

    pub fn leave(&mut self) {
        self.depth -= 1;
        if self.depth >= 1 && self.matched == self.depth {
            self.matched -= 1;
        }
    }

    /// Directly inside the block at a path of `len` names (its own atoms, not its
    /// children's); `len` 0 is the design.
    pub fn in_target(&self, len: usize) -> bool {
        self.depth == len + 1 && self.matched == len
    }
}
