//! A directly driven block under test: settle, clock cycles, optional VCD trace.

use rust_hdl::core::vcd_probe::VCDProbe;
use rust_hdl::prelude::*;
use std::io::Write;

pub struct Bench<B: Block> {
    pub uut: B,
    pub cycles: u64,
    clock: fn(&mut B) -> &mut Signal<In, Clock>,
    vcd: Option<VCDProbe<Box<dyn Write>>>,
}

impl<B: Block> Bench<B> {
    pub fn new(mut uut: B, clock: fn(&mut B) -> &mut Signal<In, Clock>, vcd: Option<Box<dyn Write>>) -> Self {
        uut.connect_all();
        let vcd = vcd.map(|w| write_vcd_header(w, &uut));
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
        if let Some(mut p) = self.vcd.take() {
            let _ = p.timestamp(self.cycles * 1000 + half * 500);
            self.vcd = Some(write_vcd_change(p, &self.uut));
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
