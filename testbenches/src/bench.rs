//! A directly driven block under test: settle, clock cycles, optional VCD trace.

use panther_hdl::wave::WaveWriter;
use rust_hdl::prelude::*;
use std::io::Write;

pub struct Bench<B: Block> {
    pub uut: B,
    pub cycles: u64,
    clock: fn(&mut B) -> &mut Signal<In, Clock>,
    vcd: Option<WaveWriter>,
}

impl<B: Block> Bench<B> {
    pub fn new(
        mut uut: B,
        clock: fn(&mut B) -> &mut Signal<In, Clock>,
        vcd: Option<Box<dyn Write>>,
    ) -> Self {
        uut.connect_all();
        let vcd = vcd.and_then(|w| WaveWriter::new(w, &uut).ok());
        let mut b = Bench {
            uut,
            cycles: 0,
            clock,
            vcd,
        };
        b.settle();
        b
    }

    pub fn settle(&mut self) {
        assert!(simulate(&mut self.uut, 10_000), "design did not settle");
    }

    fn dump(&mut self, half: u64) {
        if let Some(w) = self.vcd.as_mut() {
            let _ = w.sample(self.cycles * 1000 + half * 500, &self.uut);
        }
    }

    /// One clock cycle: inputs set, settle low, rising edge, settle high.
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

impl<B: Block> Drop for Bench<B> {
    fn drop(&mut self) {
        if let Some(w) = self.vcd.as_mut() {
            let _ = w.flush();
        }
    }
}
