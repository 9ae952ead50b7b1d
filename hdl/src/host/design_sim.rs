//! A design simulated from Rust: inputs set directly, settle, clock cycles, and an
//! optional VCD trace of a cycle window. The MCU's host and the testbenches run on it.

use crate::design::Design;
use crate::host::wave::WaveWriter;
use rust_hdl::prelude::*;
use std::io::Write;

/// Settle passes allowed per half cycle before the design counts as oscillating.
const SETTLE_LIMIT: usize = 10_000;

struct Trace {
    wave: WaveWriter,
    /// Cycles [from, to) are traced.
    window: (u64, u64),
    error: Option<std::io::Error>,
}

/// Something that follows the design through every settled state (the Verilator
/// lock-step, [`crate::cosim::lockstep`]).
pub trait Shadow<B> {
    /// `uut` has settled, `cycle` cycles have completed, and its clock is at `clock_high`.
    fn settled(&mut self, uut: &B, cycle: u64, clock_high: bool);
}

/// A design under simulation; `uut` is the design itself.
pub struct DesignSim<B: Design> {
    pub uut: B,
    /// Clock cycles run so far.
    pub cycles: u64,
    clock: fn(&mut B) -> &mut Signal<In, Clock>,
    trace: Option<Trace>,
    shadow: Option<Box<dyn Shadow<B>>>,
}

impl<B: Design> DesignSim<B> {
    /// Connect and settle `uut`; `clock` names its clock input.
    pub fn new(mut uut: B, clock: fn(&mut B) -> &mut Signal<In, Clock>) -> Self {
        uut.connect_all();
        let mut b = DesignSim {
            uut,
            cycles: 0,
            clock,
            trace: None,
            shadow: None,
        };
        b.settle();
        b
    }

    /// Trace cycles `from..to` into `out` (VCD, top scope the design's name, 1 ns clock).
    pub fn trace(&mut self, out: Box<dyn Write>, from: u64, to: u64) -> std::io::Result<()> {
        let wave = WaveWriter::new(out, B::NAME, &self.uut)?;
        self.trace = Some(Trace {
            wave,
            window: (from, to),
            error: None,
        });
        Ok(())
    }

    /// The trace's signal table (for view files).
    pub fn wave(&self) -> Option<&WaveWriter> {
        self.trace.as_ref().map(|t| &t.wave)
    }

    /// Flush the trace; the first write error of the run, if any.
    pub fn finish_trace(&mut self) -> std::io::Result<()> {
        if let Some(t) = self.trace.as_mut() {
            if let Some(e) = t.error.take() {
                return Err(e);
            }
            t.wave.flush()?;
        }
        Ok(())
    }

    /// Follow every settled state with `shadow`, starting with the present one.
    pub fn set_shadow(&mut self, shadow: Box<dyn Shadow<B>>) {
        self.shadow = Some(shadow);
        self.settle();
    }

    /// Propagate input changes until nothing moves (panics on a combinational loop).
    pub fn settle(&mut self) {
        if !simulate(&mut self.uut, SETTLE_LIMIT) {
            panic!("design did not settle within {SETTLE_LIMIT} passes (combinational loop)");
        }
        if let Some(s) = self.shadow.as_mut() {
            let high = (self.clock)(&mut self.uut).val().clk;
            s.settled(&self.uut, self.cycles, high);
        }
    }

    fn dump(&mut self, half: u64) {
        let cycle = self.cycles;
        if let Some(t) = self.trace.as_mut() {
            if cycle >= t.window.0 && cycle < t.window.1 {
                if let Err(e) = t.wave.sample(cycle * 1000 + half * 500, &self.uut) {
                    t.error.get_or_insert(e);
                }
            }
        }
    }

    /// One clock cycle: inputs already set; settle low, rising edge, settle high.
    pub fn cycle(&mut self) {
        (self.clock)(&mut self.uut).next = false.into();
        self.settle();
        self.dump(0);
        (self.clock)(&mut self.uut).next = true.into();
        self.settle();
        self.dump(1);
        self.cycles += 1;
    }
}

impl<B: Design> Drop for DesignSim<B> {
    fn drop(&mut self) {
        let _ = self.finish_trace();
    }
}
