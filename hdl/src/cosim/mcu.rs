//! The MCU's Verilator model behind its host ([`McuPins`]): the same host that drives
//! rust_hdl drives Verilator alone, for long runs (`panther cosim --verilator-only`,
//! `panther bench cosim`).

use super::model::VerilatedTop;
use crate::crossbar::model::CrossbarModel;
use crate::export::SvTop;
use crate::host::mcu_host::McuHost;
use crate::host::mcu_pins::{InPin, McuPins, OutPin};
use crate::params::RtlParams;
use crate::rtl::mcu::Mcu;
use panther_sim::config::Config;
use std::path::Path;

pub struct VerilatedMcu {
    model: VerilatedTop,
    ins: Vec<usize>,
    outs: Vec<usize>,
    clock: usize,
    cycles: u64,
}

impl VerilatedMcu {
    /// The exported MCU sized by `cfg` in Verilator, its crossbar a fresh model of `cfg`
    /// (as rust_hdl's and the golden model's start).
    pub fn new(cfg: &Config, p: &RtlParams) -> Result<VerilatedMcu, String> {
        let top = SvTop::from_config::<Mcu>(cfg, p)?;
        let model = VerilatedTop::new(&top, Some(CrossbarModel::new(cfg, 0)))?;
        let find = |name: &str| {
            model
                .port(name)
                .ok_or_else(|| format!("exported MCU has no port `{name}`"))
        };
        let ins = InPin::ALL
            .iter()
            .map(|p| find(p.name()))
            .collect::<Result<_, _>>()?;
        let outs = OutPin::ALL
            .iter()
            .map(|p| find(p.name()))
            .collect::<Result<_, _>>()?;
        let clock = find("clock")?;
        let mut m = VerilatedMcu {
            model,
            ins,
            outs,
            clock,
            cycles: 0,
        };
        // Verilator 5 needs one evaluation with the clock low before the first edge.
        m.model.set_u64(m.clock, 0);
        m.model.eval();
        Ok(m)
    }

    /// Verilator's VCD of cycles `from..to` into `path`.
    pub fn trace(&mut self, path: &Path, from: u64, to: u64) -> Result<(), String> {
        self.model.trace_open(path, from, to)
    }

    fn eval(&mut self, clock_high: bool) {
        self.model.eval();
        self.model.dump_at(self.cycles, clock_high);
    }
}

impl McuPins for VerilatedMcu {
    fn set(&mut self, pin: InPin, v: u64) {
        self.model.set_u64(self.ins[pin as usize], v);
    }

    fn get(&mut self, pin: OutPin) -> u64 {
        self.model.get_u64(self.outs[pin as usize])
    }

    fn settle(&mut self) {
        self.eval(true);
    }

    fn cycle(&mut self) {
        self.model.set_u64(self.clock, 0);
        self.eval(false);
        self.model.set_u64(self.clock, 1);
        self.eval(true);
        self.cycles += 1;
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    fn crossbar(&self) -> &CrossbarModel {
        self.model.crossbar().expect("the MCU has a crossbar")
    }
}

/// The MCU's host on its Verilator model.
pub fn verilated_mcu(cfg: &Config, origin: &str) -> Result<McuHost<VerilatedMcu>, String> {
    let p = RtlParams::from_config(cfg, origin).map_err(|e| e.to_string())?;
    Ok(McuHost::on(VerilatedMcu::new(cfg, &p)?, p))
}
