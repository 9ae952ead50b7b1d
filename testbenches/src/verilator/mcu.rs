//! The MCU's Verilator model behind the host harness ([`McuPins`]): the same host that
//! drives rust_hdl drives Verilator alone, for long runs (`panther cosim --verilator-only`,
//! `panther bench cosim`).

use super::model::VerilatedTop;
use panther_hdl::crossbar::model::CrossbarModel;
use panther_hdl::export::tops;
use panther_hdl::harness::RtlMcu;
use panther_hdl::params::RtlParams;
use panther_hdl::pins::{InPin, McuPins, OutPin};
use panther_sim::config::Config;
use std::path::Path;

pub struct VerilatedMcu {
    model: VerilatedTop,
    ins: Vec<usize>,
    outs: Vec<usize>,
    clock: usize,
    cycles: u64,
    trace: Option<(u64, u64)>,
    last_time: Option<u64>,
}

impl VerilatedMcu {
    /// The exported MCU sized by `cfg` in Verilator, its crossbar a fresh model of `cfg`
    /// (as rust_hdl's and the golden model's start).
    pub fn new(cfg: &Config, p: &RtlParams) -> Result<VerilatedMcu, String> {
        let top = tops::export("mcu", cfg, p)?;
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
            trace: None,
            last_time: None,
        };
        // Verilator 5 needs one evaluation with the clock low before the first edge.
        m.model.set_u64(m.clock, 0);
        m.model.eval();
        Ok(m)
    }

    /// Verilator's VCD of cycles `from..to` into `path`.
    pub fn trace(&mut self, path: &Path, from: u64, to: u64) -> Result<(), String> {
        self.model.trace_open(path)?;
        self.trace = Some((from, to));
        Ok(())
    }

    pub fn finish_trace(&mut self) {
        self.model.trace_close();
    }

    fn eval(&mut self, half: u64) {
        self.model.eval();
        if let Some((from, to)) = self.trace {
            if (from..to).contains(&self.cycles) {
                let want = self.cycles * 1000 + half;
                let t = match self.last_time {
                    Some(l) if l >= want => l + 1,
                    _ => want,
                };
                self.model.dump(t);
                self.last_time = Some(t);
            }
        }
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
        self.eval(500);
    }

    fn cycle(&mut self) {
        self.model.set_u64(self.clock, 0);
        self.eval(0);
        self.model.set_u64(self.clock, 1);
        self.eval(500);
        self.cycles += 1;
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    fn crossbar(&self) -> &CrossbarModel {
        self.model.crossbar().expect("the MCU has a crossbar")
    }
}

/// The host harness on the MCU's Verilator model.
pub fn verilated_mcu(cfg: &Config, origin: &str) -> Result<RtlMcu<VerilatedMcu>, String> {
    let p = RtlParams::from_config(cfg, origin).map_err(|e| e.to_string())?;
    Ok(RtlMcu::on(VerilatedMcu::new(cfg, &p)?, p))
}
