//! A port of an exported module: its exported name, the rust_hdl name the probes read it
//! by, its direction and width.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    Input,
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    /// The name in the export (`trial_3`).
    pub name: String,
    /// The name rust_hdl gives it (`trial$3`): the probe's signal name.
    pub rtl_name: String,
    pub dir: Dir,
    pub width: u32,
}

impl Port {
    /// 32-bit words a value of this port takes.
    pub fn words(&self) -> usize {
        self.width.div_ceil(32) as usize
    }
}
