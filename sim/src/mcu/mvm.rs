//! MVM and MTVM: inputs streamed LSB first through 1-bit DACs (the MSB step negative),
//! one line current per (input bit, slice), sample-and-hold, ADC, shift-and-add, digital
//! offset correction, rounding and saturation to the output word.

use super::{Mcu, McuError};
use crate::cost::latency;
use crate::fixed;
use serde::{Deserialize, Serialize};

/// Result of an MVM or MTVM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineOut {
    /// Exact accumulated integer before rounding (input frac + weight frac fraction bits).
    pub raw: Vec<i64>,
    /// Output words: round-half-up, then saturated.
    pub words: Vec<i64>,
    pub adc_clips: u64,
    pub saturations: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    /// Drive rows, sense columns.
    Mvm,
    /// Drive columns, sense rows.
    Mtvm,
}

/// Signed weight of input bit step t of a `bits`-wide two's complement word.
#[inline]
pub fn step_weight(t: u32, bits: u32) -> i64 {
    if t == bits - 1 {
        -(1i64 << t)
    } else {
        1i64 << t
    }
}

impl Mcu {
    /// y_j = sum_i x_i W_ij (drive rows with x, sense columns).
    pub fn mvm(&mut self, x: &[i64]) -> Result<LineOut, McuError> {
        let bits = self.cfg.format.input_bits;
        Mcu::check_operand("x", x, self.rows(), "one input per row", bits)?;
        Ok(self.line_op(x, Dir::Mvm))
    }

    /// z_i = sum_j W_ij d_j (drive columns with d, sense rows; same stored cells).
    pub fn mtvm(&mut self, d: &[i64]) -> Result<LineOut, McuError> {
        let bits = self.cfg.format.input_bits;
        Mcu::check_operand("d", d, self.cols(), "one input per column", bits)?;
        Ok(self.line_op(d, Dir::Mtvm))
    }

    fn line_op(&mut self, input: &[i64], dir: Dir) -> LineOut {
        let bits = self.cfg.format.input_bits;
        let (drive_n, sense_n) = match dir {
            Dir::Mvm => (self.rows(), self.cols()),
            Dir::Mtvm => (self.cols(), self.rows()),
        };
        let copy_idx = match dir {
            Dir::Mvm => self.roles.mvm,
            Dir::Mtvm => self.roles.mtvm,
        };
        // The outputs the user reads: their saturations and clips are counted.
        let used = match (self.live, dir) {
            (Some(w), Dir::Mvm) => w.cols,
            (Some(w), Dir::Mtvm) => w.rows,
            (None, _) => sense_n,
        };
        let adc = self.adc;
        let copy = &mut self.copies[copy_idx];
        let slices = copy.layout.slices();
        // Exact shortcut: on an ideal device, when no line sum can exceed the ADC range every
        // code equals its current, so the shift-and-add of all (step, slice) codes is the
        // integer product with the represented weights (docs/arithmetic.md, "Exact shortcut").
        let no_clip_possible = self.exact_shortcut
            && copy.arrays.iter().all(|a| {
                a.is_ideal() && drive_n as u64 * a.max_level() as u64 <= adc.max_code as u64
            });
        let (raw, clips) = if no_clip_possible {
            for a in copy.arrays.iter_mut() {
                a.skip_sensing(bits as u64);
            }
            let cols = self.cfg.array.cols;
            let w = copy.ideal_values().expect("ideal copy");
            (exact_product(w, input, cols, dir), 0)
        } else {
            bit_serial(copy, input, dir, bits, sense_n, adc, used)
        };
        let f = &self.cfg.format;
        let shift = f.input_frac_bits + f.frac_bits - f.output_frac_bits;
        let mut saturations = 0;
        let words = raw
            .iter()
            .enumerate()
            .map(|(j, &r)| {
                let (w, sat) = fixed::to_output_word(r, shift, f.word_bits);
                saturations += (sat && j < used) as u64;
                w
            })
            .collect();

        let c = &mut self.counters;
        let steps = bits as u64;
        let conversions = steps * slices as u64 * sense_n as u64;
        match dir {
            Dir::Mvm => c.mvm_ops += 1,
            Dir::Mtvm => c.mtvm_ops += 1,
        }
        c.xbar_read_accesses += steps * slices as u64;
        c.dac_1bit_drives += steps * drive_n as u64;
        c.sample_holds += conversions;
        c.adc_conversions += conversions;
        c.adc_clips += clips;
        c.shift_adds += conversions;
        c.output_saturations += saturations;
        c.busy_ns += latency::mvm_ns(&self.cfg);
        LineOut {
            raw,
            words,
            adc_clips: clips,
            saturations,
        }
    }
}

/// Integer product with the represented weights (the exact shortcut).
fn exact_product(w: &[i32], input: &[i64], cols: usize, dir: Dir) -> Vec<i64> {
    match dir {
        Dir::Mvm => {
            let mut y = vec![0i64; cols];
            for (&xi, row) in input.iter().zip(w.chunks_exact(cols)) {
                for (yj, &wij) in y.iter_mut().zip(row) {
                    *yj += xi * wij as i64;
                }
            }
            y
        }
        Dir::Mtvm => w
            .chunks_exact(cols)
            .map(|row| {
                row.iter()
                    .zip(input)
                    .map(|(&wij, &dj)| wij as i64 * dj)
                    .sum()
            })
            .collect(),
    }
}

/// The explicit path: one sensing access per (input bit, slice), one conversion per line.
fn bit_serial(
    copy: &mut super::WeightCopy,
    input: &[i64],
    dir: Dir,
    bits: u32,
    sense_n: usize,
    adc: crate::crossbar::Adc,
    used: usize,
) -> (Vec<i64>, u64) {
    let slices = copy.layout.slices();
    let mut acc = vec![0i64; sense_n];
    let mut current = vec![0i64; sense_n];
    let mut active: Vec<u32> = Vec::with_capacity(input.len());
    // Sum of the inputs, rebuilt digitally from the drive bits for the offset correction.
    let mut input_sum = 0i64;
    let mut clips = 0u64;
    for t in 0..bits {
        active.clear();
        active.extend(
            input
                .iter()
                .enumerate()
                .filter(|(_, &v)| (v >> t) & 1 == 1)
                .map(|(i, _)| i as u32),
        );
        let wt = step_weight(t, bits);
        input_sum += wt * active.len() as i64;
        for k in 0..slices {
            let array = &mut copy.arrays[k];
            // Lines past `used` are not read by the user: not sensed, not converted.
            array.sense_used(dir == Dir::Mtvm, &active, &mut current, used);
            let scale = wt * copy.layout.place(k);
            for (a, &held) in acc.iter_mut().zip(&current[..used]) {
                let conv = adc.convert(held);
                clips += conv.clipped as u64;
                *a += scale * conv.code as i64;
            }
        }
    }
    let correction = copy.layout.correction() * input_sum;
    let raw = acc
        .into_iter()
        .enumerate()
        .map(|(line, a)| if line < used { a - correction } else { 0 })
        .collect();
    (raw, clips)
}
