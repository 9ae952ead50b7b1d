//! Bit-sliced outer-product accumulate (OPA): W_ij += x_i * d_j, in place, in parallel.
//!
//! x is streamed on the rows as the bits of |x_i| (LSB first), d drives the columns as
//! 2-bit pulse codes per slice: for bit step t and slice m the code of column j is the m-th
//! digit of the aligned term a_t(d_j) = ((|d_j| << t) >> opa_shift) mod 2^W. Four polarity
//! phases (row sign, column sign) cover the signs; a cell's pulses in one OPA all share the
//! sign sign(x_i) sign(d_j). So, without clipping, W_ij changes by exactly
//!   sign(x_i) sign(d_j) * sum_{t : bit t of |x_i|} a_t(d_j)
//! ("the aligned product", docs/arithmetic.md). A slice that reaches its cell range clips;
//! the lost part is counted per slice.

use super::{Mcu, McuError};
use crate::cost::latency;
use serde::{Deserialize, Serialize};

/// Polarity phase: (row sign, column sign); `true` = negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub row_negative: bool,
    pub col_negative: bool,
}

/// The phase order: ++, +-, -+, --.
pub const PHASES: [Phase; 4] = [
    Phase { row_negative: false, col_negative: false },
    Phase { row_negative: false, col_negative: true },
    Phase { row_negative: true, col_negative: false },
    Phase { row_negative: true, col_negative: true },
];

/// Result of one OPA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpaOut {
    /// Polarity phases executed (after skipping empty ones when configured).
    pub phases: u32,
    /// Per slice (LSB first): cells whose update hit the cell range.
    pub clip_events: Vec<u64>,
    /// Per slice: update lost at the cell range, in levels.
    pub clipped_levels: Vec<f64>,
    /// Aligned terms with bits above the word, dropped (the weight would overflow anyway).
    pub overflow_terms: u64,
}

/// Pulse code of slice m at bit step t for a column magnitude `mag` (digit of the aligned term).
#[inline]
pub fn opa_digit(mag: u64, t: u32, m: usize, shift: u32, word_bits: u32, nominal_bits: u32) -> u32 {
    let term = ((mag << t) >> shift) & ((1u64 << word_bits) - 1);
    ((term >> (nominal_bits as usize * m)) & ((1u64 << nominal_bits) - 1)) as u32
}

impl Mcu {
    /// W_ij += x_i d_j (bit-sliced, four polarity phases) on the variant's OPA copy.
    pub fn opa(&mut self, x: &[i64], d: &[i64]) -> Result<OpaOut, McuError> {
        self.check_len("x", x, self.rows(), "one input per row")?;
        self.check_len("d", d, self.cols(), "one input per column")?;
        let f = self.cfg.format.clone();
        Mcu::check_words("x", x, f.input_bits)?;
        Mcu::check_words("d", d, f.input_bits)?;
        let (rows, cols) = (self.rows(), self.cols());
        let bits = f.input_bits;
        let copy = &mut self.copies[self.roles.opa];
        let slices = copy.layout.slices();
        let nb = copy.layout.nominal_bits;

        // Pulse codes per (t, slice, column), laid out [t][m * cols + j].
        let mut codes = vec![0i32; bits as usize * slices * cols];
        let mut col_live = vec![false; cols];
        let mut overflow_terms = 0u64;
        for (j, &dj) in d.iter().enumerate() {
            let mag = dj.unsigned_abs();
            for t in 0..bits {
                let shifted = (mag << t) >> f.opa_shift_bits;
                overflow_terms += (shifted >> f.word_bits != 0) as u64;
                for m in 0..slices {
                    let c = opa_digit(mag, t, m, f.opa_shift_bits, f.word_bits, nb) as i32;
                    codes[(t as usize * slices + m) * cols + j] = c;
                    col_live[j] |= c != 0;
                }
            }
        }

        // Executed phases: a phase is empty when no row or no column of its polarity is live.
        let row_live = |neg: bool| x.iter().any(|&v| v != 0 && (v < 0) == neg);
        let col_pol = |neg: bool| (0..cols).any(|j| col_live[j] && (d[j] < 0) == neg);
        let phases = if self.cfg.opa.skip_empty_phases {
            PHASES
                .iter()
                .filter(|p| row_live(p.row_negative) && col_pol(p.col_negative))
                .count() as u32
        } else {
            4
        };

        let events: Vec<u64> = copy.arrays.iter_mut().map(|a| a.begin_update()).collect();
        let mut clip_events = vec![0u64; slices];
        let mut clipped_levels = vec![0f64; slices];
        let mut n = vec![0i32; slices * cols];
        let col_sign: Vec<i32> = d.iter().map(|&v| if v < 0 { -1 } else { 1 }).collect();
        for (i, &xi) in x.iter().enumerate() {
            if xi == 0 {
                continue;
            }
            let mag = xi.unsigned_abs();
            n.iter_mut().for_each(|v| *v = 0);
            for t in 0..bits {
                if (mag >> t) & 1 == 1 {
                    let row = &codes[t as usize * slices * cols..][..slices * cols];
                    for (a, &c) in n.iter_mut().zip(row) {
                        *a += c;
                    }
                }
            }
            let row_sign = if xi < 0 { -1 } else { 1 };
            for m in 0..slices {
                let nm = &mut n[m * cols..][..cols];
                for (v, &s) in nm.iter_mut().zip(&col_sign) {
                    *v *= s * row_sign;
                }
                let st = copy.arrays[m].update_row(events[m], i, nm);
                clip_events[m] += st.events;
                clipped_levels[m] += st.levels;
            }
        }
        let _ = rows;

        let c = &mut self.counters;
        let steps = bits as u64 * phases as u64;
        c.opa_ops += 1;
        c.opa_phases += phases as u64;
        c.xbar_opa_accesses += steps * slices as u64;
        c.dac_1bit_drives += steps * self.cfg.array.rows as u64;
        c.dac_col_drives += steps * (slices * cols) as u64;
        c.opa_clip_events += clip_events.iter().sum::<u64>();
        c.busy_ns += latency::opa_ns(&self.cfg, phases);
        Ok(OpaOut {
            phases,
            clip_events,
            clipped_levels,
            overflow_terms,
        })
    }
}
