//! The MCU's host: drives the RTL MCU cycle by cycle from Rust (the host side of its ports): loads input
//! registers, issues commands, waits for done and reads results back into the golden
//! model's result types, so one op runner serves both levels. Optional VCD trace.

use crate::host::design_sim::DesignSim;
use crate::host::mcu_pins::{InPin, McuPins, OutPin};
use crate::host::wave::WaveWriter;
use crate::params::*;
use crate::rtl::controller::McuCmd;
use crate::rtl::mcu::Mcu;
use panther_sim::config::Config;
use panther_sim::mcu::{
    CopySlices, CrsOut, LineOut, Mcu as GoldenMcu, McuError, OpaOut, WeightsOut,
};
use panther_sim::opfile::McuBackend;
use std::io::Write;

/// One command on the MCU's command port (docs/rtl.md).
#[derive(Debug, Clone, Copy)]
pub struct HostCmd {
    pub cmd: McuCmd,
    pub mask: u64,
    pub row: usize,
    pub copy: usize,
    pub slices: u64,
    pub correct: bool,
}

impl HostCmd {
    /// `train` with the ISA's (MVM, MTVM, OPA) mask bits.
    pub fn train(mask: u64) -> HostCmd {
        HostCmd {
            cmd: McuCmd::Train,
            mask,
            row: 0,
            copy: 0,
            slices: 0,
            correct: false,
        }
    }
    pub fn resolve() -> HostCmd {
        HostCmd {
            cmd: McuCmd::Resolve,
            ..HostCmd::train(0)
        }
    }
    pub fn read_row(row: usize, copy: usize, slices: u64, correct: bool) -> HostCmd {
        HostCmd {
            cmd: McuCmd::ReadRow,
            row,
            copy,
            slices,
            correct,
            ..HostCmd::train(0)
        }
    }
    pub fn write_row(row: usize) -> HostCmd {
        HostCmd {
            cmd: McuCmd::WriteRow,
            row,
            ..HostCmd::train(0)
        }
    }
}

/// The host of an MCU: the rust_hdl design by default, or any [`McuPins`] (the Verilator
/// model, [`crate::cosim::mcu::VerilatedMcu`]).
pub struct McuHost<P = Box<DesignSim<Mcu>>> {
    /// The simulated MCU (for rust_hdl: the design simulator with `uut` and the trace).
    pub sim: P,
    pub params: RtlParams,
    /// Cycles of the last command (controller counter).
    pub last_command_cycles: u64,
    /// Cycle at which the current op began (set after the initial weights).
    pub op_start: u64,
    /// Commands issued on the command port.
    pub commands: u64,
}

impl McuHost {
    /// The rust_hdl MCU sized by `cfg`.
    pub fn new(cfg: &Config, origin: &str) -> Result<McuHost, RtlError> {
        let params = RtlParams::from_config(cfg, origin)?;
        let sim = Box::new(DesignSim::new(Mcu::new(cfg, &params), |m| &mut m.clock));
        Ok(McuHost::on(sim, params))
    }

    /// Trace cycles `from..to` into `out` (VCD, top scope `uut`, 1 ns clock).
    pub fn trace(&mut self, out: Box<dyn Write>, from: u64, to: u64) -> std::io::Result<()> {
        self.sim.trace(out, from, to)
    }

    /// The trace's signal table (for view files).
    pub fn wave(&self) -> Option<&WaveWriter> {
        self.sim.wave()
    }

    /// Flush the trace; the first write error of the run, if any.
    pub fn finish_trace(&mut self) -> std::io::Result<()> {
        self.sim.finish_trace()
    }
}

impl<P: McuPins> McuHost<P> {
    /// The host of an MCU simulated by `pins`, sized by `params`.
    pub fn on(pins: P, params: RtlParams) -> McuHost<P> {
        McuHost {
            sim: pins,
            params,
            last_command_cycles: 0,
            op_start: 0,
            commands: 0,
        }
    }

    /// Clock cycles run so far.
    pub fn cycles(&self) -> u64 {
        self.sim.cycles()
    }

    fn settle(&mut self) {
        self.sim.settle();
    }

    /// One clock cycle.
    pub fn tick(&mut self) {
        self.sim.cycle();
    }

    fn out(&mut self, pin: OutPin) -> u64 {
        self.sim.get(pin)
    }

    /// Hold the synchronous reset for one clock cycle: the MCU is idle after it (the
    /// crossbar's cells keep their levels).
    pub fn reset(&mut self) {
        self.sim.set(InPin::Rst, 1);
        self.tick();
        self.sim.set(InPin::Rst, 0);
    }

    /// Write input registers (one word per cycle): rows, or columns when `cols`.
    pub fn load(&mut self, cols: bool, words: &[i64]) {
        for (i, &w) in words.iter().enumerate() {
            self.sim.set(InPin::LoadEn, 1);
            self.sim.set(InPin::LoadCols, cols as u64);
            self.sim.set(InPin::LoadAddr, i as u64);
            self.sim.set(InPin::LoadWord, twos(w, 16));
            self.tick();
        }
        self.sim.set(InPin::LoadEn, 0);
    }

    /// Issue one command and run until its done pulse; returns its cycles.
    pub fn command(&mut self, c: HostCmd) -> u64 {
        self.command_start(c);
        let limit = self.cycles() + 1_000_000_000;
        while self.out(OutPin::Done) == 0 {
            self.tick();
            assert!(
                self.cycles() < limit,
                "RTL MCU command {:?} did not finish",
                c.cmd
            );
        }
        self.last_command_cycles = self.out(OutPin::Cycles);
        self.last_command_cycles
    }

    /// Wait until idle, then present one command for one cycle (the caller runs it on).
    pub fn command_start(&mut self, c: HostCmd) {
        // The controller takes a command only when idle (it is busy through its done cycle).
        while self.out(OutPin::Busy) != 0 {
            self.tick();
        }
        self.commands += 1;
        self.sim.set(InPin::CmdValid, 1);
        self.sim.set(InPin::Cmd, c.cmd.code());
        self.sim.set(InPin::CmdMask, c.mask);
        self.sim.set(InPin::CmdRow, c.row as u64);
        self.sim.set(InPin::CmdCopy, c.copy as u64);
        self.sim.set(InPin::CmdSlices, c.slices);
        self.sim.set(InPin::CmdCorrect, c.correct as u64);
        self.tick();
        self.sim.set(InPin::CmdValid, 0);
    }

    fn peek(&mut self, addr: usize) {
        self.sim.set(InPin::ReadAddr, addr as u64);
        self.settle();
    }

    fn line_op(&mut self, input: &[i64], cols: bool) -> LineOut {
        self.load(cols, input);
        let mask = if cols { 0b010 } else { 0b100 };
        self.command(HostCmd::train(mask));
        let n = if cols {
            self.params.rows
        } else {
            self.params.cols
        };
        let mut raw = Vec::with_capacity(n);
        let mut words = Vec::with_capacity(n);
        for j in 0..n {
            self.peek(j);
            raw.push(sext(self.out(OutPin::ReadRaw), WIDE_BITS));
            words.push(sext(self.out(OutPin::ReadWord), 16));
        }
        LineOut {
            raw,
            words,
            adc_clips: self.out(OutPin::AdcClips),
            saturations: self.out(OutPin::LineSaturations),
        }
    }

    /// Values of one copy, row-major, read row by row through the converters.
    fn read_copy(&mut self, copy: usize, slices: u64, correct: bool) -> Vec<Vec<i64>> {
        let (rows, cols) = (self.params.rows, self.params.cols);
        let mut out = Vec::with_capacity(rows);
        for r in 0..rows {
            self.command(HostCmd::read_row(r, copy, slices, correct));
            let mut row = Vec::with_capacity(cols);
            for j in 0..cols {
                self.peek(j);
                row.push(sext(self.out(OutPin::ReadValue), WIDE_BITS));
            }
            out.push(row);
        }
        out
    }

    /// Slice levels of one slice of one copy.
    fn read_slice(&mut self, copy: usize, k: usize) -> Vec<u32> {
        let place = self.params.nominal_bits as usize * k;
        self.read_copy(copy, 1 << k, false)
            .into_iter()
            .flatten()
            .map(|v| (v >> place) as u32)
            .collect()
    }

    /// The analog block (for inspection in tests).
    pub fn crossbar(&self) -> &crate::crossbar::model::CrossbarModel {
        self.sim.crossbar()
    }
}

impl<P: McuPins> McuBackend for McuHost<P> {
    fn mvm(&mut self, x: &[i64]) -> Result<LineOut, McuError> {
        GoldenMcu::check_operand(
            "x",
            x,
            self.params.rows,
            "one input per row",
            self.params.input_bits,
        )?;
        Ok(self.line_op(x, false))
    }

    fn mtvm(&mut self, d: &[i64]) -> Result<LineOut, McuError> {
        GoldenMcu::check_operand(
            "d",
            d,
            self.params.cols,
            "one input per column",
            self.params.input_bits,
        )?;
        Ok(self.line_op(d, true))
    }

    fn opa(&mut self, x: &[i64], d: &[i64]) -> Result<OpaOut, McuError> {
        let (rows, cols, bits) = (self.params.rows, self.params.cols, self.params.input_bits);
        GoldenMcu::check_operand("x", x, rows, "one input per row", bits)?;
        GoldenMcu::check_operand("d", d, cols, "one input per column", bits)?;
        self.load(false, x);
        self.load(true, d);
        self.command(HostCmd::train(0b001));
        let mut clip_events = Vec::with_capacity(self.params.slices);
        for k in 0..self.params.slices {
            self.sim.set(InPin::ClipSel, k as u64);
            self.settle();
            clip_events.push(self.out(OutPin::ClipEvents));
        }
        Ok(OpaOut {
            phases: self.out(OutPin::Phases) as u32,
            clip_events,
            clipped_levels: self.crossbar().clipped_levels()[..self.params.slices].to_vec(),
            overflow_terms: self.out(OutPin::OverflowTerms),
        })
    }

    fn crs(&mut self) -> CrsOut {
        self.command(HostCmd::resolve());
        CrsOut {
            saturations: self.out(OutPin::CrsSaturations),
        }
    }

    fn read_weights(&mut self) -> WeightsOut {
        let all = (1u64 << self.params.slices) - 1;
        let weights = self.read_copy(self.params.roles.mvm, all, true).concat();
        let accumulator = (self.params.roles.opa != self.params.roles.mvm)
            .then(|| self.read_copy(self.params.roles.opa, all, true).concat());
        WeightsOut {
            weights,
            accumulator,
        }
    }

    fn read_slices(&mut self) -> Vec<CopySlices> {
        let names = self
            .crossbar()
            .copies()
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>();
        names
            .into_iter()
            .enumerate()
            .map(|(c, name)| CopySlices {
                copy: name.to_string(),
                slices: (0..self.params.slices)
                    .map(|k| self.read_slice(c, k))
                    .collect(),
            })
            .collect()
    }

    fn write_weights(&mut self, w: &[i64]) -> Result<(), McuError> {
        let (rows, cols) = (self.params.rows, self.params.cols);
        GoldenMcu::check_operand(
            "weights",
            w,
            rows * cols,
            "rows x cols, row-major",
            self.params.word_bits,
        )?;
        for r in 0..rows {
            self.load(true, &w[r * cols..][..cols]);
            self.command(HostCmd::write_row(r));
        }
        Ok(())
    }

    fn reset_counters(&mut self) {
        self.op_start = self.cycles();
    }
}
