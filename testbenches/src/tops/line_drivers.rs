//! Row/column drivers (the 1-bit DAC interface): bit t of each word (MVM/MTVM), bit t of
//! |word| on lines of the phase's sign (OPA gates), nonzero marks; the active count and
//! the frame strobe.

use crate::testbench::{simulate, Outcome, Testbench, Vcd};
use crate::words;
use panther_hdl::params::twos;
use panther_hdl::rtl::line_drivers::{DriveMode, LineDrivers};
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct DriversCase {
    pub words: Vec<i64>,
    pub step: u32,
    pub phase_negative: bool,
}

pub struct LineDriversTestbench;

impl Testbench for LineDriversTestbench {
    /// Lines.
    type Design = usize;
    type Case = DriversCase;

    fn design() -> BoxedStrategy<usize> {
        (1usize..=12).boxed()
    }

    fn case(&lines: &usize) -> BoxedStrategy<DriversCase> {
        (words(lines, 16), 0u32..16, any::<bool>())
            .prop_map(|(words, step, phase_negative)| DriversCase {
                words,
                step,
                phase_negative,
            })
            .boxed()
    }

    fn check(&lines: &usize, c: &DriversCase, vcd: Vcd) -> Outcome {
        let mut b = simulate(LineDrivers::new(lines), |d| &mut d.clock, vcd);
        for (i, &w) in c.words.iter().enumerate() {
            b.uut.load_en.next = true;
            b.uut.load_addr.next = (i as u64).into();
            b.uut.load_word.next = twos(w, 16).into();
            b.cycle();
        }
        b.uut.load_en.next = false;
        b.uut.step.next = (c.step as u64).into();
        b.uut.phase_negative.next = c.phase_negative;
        let t = c.step;
        for mode in [
            DriveMode::Idle,
            DriveMode::WordBit,
            DriveMode::MagnitudeBit,
            DriveMode::Nonzero,
        ] {
            b.uut.mode.next = mode;
            b.cycle();
            let mut count = 0;
            for (i, &w) in c.words.iter().enumerate() {
                let want = match mode {
                    DriveMode::Idle => false,
                    DriveMode::WordBit => (w >> t) & 1 == 1,
                    DriveMode::MagnitudeBit => {
                        (w.unsigned_abs() >> t) & 1 == 1 && (w < 0) == c.phase_negative
                    }
                    DriveMode::Nonzero => w != 0,
                };
                ensure_eq!(b.uut.drive[i].val(), want, "drive[{i}] in {mode:?}");
                ensure_eq!(
                    b.uut.magnitude[i].val().to_u64(),
                    w.unsigned_abs(),
                    "magnitude[{i}]"
                );
                ensure_eq!(b.uut.negative[i].val(), w < 0, "negative[{i}]");
                count += want as u64;
            }
            ensure_eq!(
                b.uut.active_count.val().to_u64(),
                count,
                "active_count in {mode:?}"
            );
            ensure_eq!(
                b.uut.frame.val(),
                mode != DriveMode::Idle && t == 0,
                "frame in {mode:?}"
            );
        }
        Ok(b.cycles)
    }
}
