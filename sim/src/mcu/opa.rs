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
    Phase {
        row_negative: false,
        col_negative: false,
    },
    Phase {
        row_negative: false,
        col_negative: true,
    },
    Phase {
        row_negative: true,
        col_negative: false,
    },
    Phase {
        row_negative: true,
        col_negative: true,
    },
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

/// The aligned term of bit step t before the word mask: `((mag << t) + half) >> shift`,
/// `half` from [`crate::config::OpaRounding::half`] (0 when truncating).
#[inline]
pub fn aligned_term(mag: u64, t: u32, shift: u32, half: u64) -> u64 {
    ((mag << t) + half) >> shift
}

/// Pulse code of slice m at bit step t for a column magnitude `mag` (digit of the aligned term).
#[inline]
pub fn opa_digit(
    mag: u64,
    t: u32,
    m: usize,
    (shift, half): (u32, u64),
    word_bits: u32,
    nominal_bits: u32,
) -> u32 {
    let term = aligned_term(mag, t, shift, half) & ((1u64 << word_bits) - 1);
    ((term >> (nominal_bits as usize * m)) & ((1u64 << nominal_bits) - 1)) as u32
}

impl Mcu {
    /// W_ij += x_i d_j (bit-sliced, four polarity phases) on the variant's OPA copy.
    pub fn opa(&mut self, x: &[i64], d: &[i64]) -> Result<OpaOut, McuError> {
        let f = self.cfg.format.clone();
        Mcu::check_operand("x", x, self.rows(), "one input per row", f.input_bits)?;
        Mcu::check_operand("d", d, self.cols(), "one input per column", f.input_bits)?;
        let cols = self.cols();
        let bits = f.input_bits;
        let copy = &mut self.copies[self.roles.opa];
        let slices = copy.layout.slices();
        let nb = copy.layout.nominal_bits;

        // Columns after the last nonzero d carry no pulses: the work below covers the `cw`
        // columns up to it (the live part of a layer smaller than the array).
        let cw = d.iter().rposition(|&v| v != 0).map_or(0, |p| p + 1);
        // Pulse codes per (t, slice, column), laid out [t][m * cw + j].
        // A slice's code sum over all bit steps stays below 256 (16 steps x at most 15).
        let mut codes = vec![0u8; bits as usize * slices * cw];
        let mut col_live = vec![false; cols];
        let mut overflow_terms = 0u64;
        let half = self.cfg.opa.rounding.half(f.opa_shift_bits);
        for (j, &dj) in d[..cw].iter().enumerate() {
            let mag = dj.unsigned_abs();
            for t in 0..bits {
                let shifted = aligned_term(mag, t, f.opa_shift_bits, half);
                overflow_terms += (shifted >> f.word_bits != 0) as u64;
                for m in 0..slices {
                    let c = opa_digit(mag, t, m, (f.opa_shift_bits, half), f.word_bits, nb) as u8;
                    codes[(t as usize * slices + m) * cw + j] = c;
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
        // Code sums per row via nibble tables: table[q][v] holds, for every (slice, column),
        // the sum of the codes of the bit steps 4q..4q+3 that are set in v. A row's sums are
        // then four table rows added, whatever the popcount of |x_i|.
        let width = slices * cw;
        let nibbles = (bits as usize).div_ceil(4);
        let mut table = vec![0u8; nibbles * 16 * width];
        for q in 0..nibbles {
            for v in 1..16usize {
                let t = 4 * q + v.trailing_zeros() as usize;
                let (lo, hi) = table.split_at_mut((q * 16 + v) * width);
                let prev = &lo[(q * 16 + (v & (v - 1))) * width..][..width];
                let dst = &mut hi[..width];
                if t < bits as usize {
                    let step = &codes[t * width..][..width];
                    for ((o, &p), &c) in dst.iter_mut().zip(prev).zip(step) {
                        *o = p + c;
                    }
                } else {
                    dst.copy_from_slice(prev);
                }
            }
        }
        let slice_live: Vec<bool> = (0..slices)
            .map(|m| {
                (0..bits as usize)
                    .any(|t| codes[t * width + m * cw..][..cw].iter().any(|&c| c != 0))
            })
            .collect();
        let mut n = vec![0i16; cols];
        // Sign of a cell's update: 0 keeps the sum, -1 negates it (two's complement trick).
        let col_negative: Vec<i16> = d[..cw].iter().map(|&v| -((v < 0) as i16)).collect();
        for (i, &xi) in x.iter().enumerate() {
            if xi == 0 {
                continue;
            }
            let mag = xi.unsigned_abs() as usize;
            // At most four nibbles (input_bits <= 16): table rows on the stack.
            let mut rows_of: [&[u8]; 4] = [&[]; 4];
            for (q, r) in rows_of.iter_mut().enumerate().take(nibbles) {
                *r = &table[(q * 16 + ((mag >> (4 * q)) & 15)) * width..][..width];
            }
            let row_negative = -((xi < 0) as i16);
            for m in (0..slices).filter(|&m| slice_live[m]) {
                let r = m * cw..(m + 1) * cw;
                // n[cw..] stays 0: those cells are not updated.
                n[..cw].iter_mut().for_each(|v| *v = 0);
                for tr in &rows_of[..nibbles] {
                    for (v, &s) in n.iter_mut().zip(&tr[r.clone()]) {
                        *v += s as i16;
                    }
                }
                for (v, &cn) in n[..cw].iter_mut().zip(&col_negative) {
                    let neg = cn ^ row_negative;
                    *v = (*v ^ neg) - neg;
                }
                let st = copy.arrays[m].update_row(events[m], i, &n);
                clip_events[m] += st.events;
                clipped_levels[m] += st.levels;
            }
        }

        let c = &mut self.counters;
        let steps = bits as u64 * phases as u64;
        c.opa_ops += 1;
        c.opa_phases += phases as u64;
        c.xbar_opa_accesses += steps * slices as u64;
        c.dac_1bit_drives += steps * self.cfg.array.rows as u64;
        c.dac_col_drives += steps * (slices * cols) as u64;
        c.opa_clip_events += clip_events.iter().sum::<u64>();
        c.busy_ns += latency::opa_ns(&self.cfg, phases);
        self.count_serial_update();
        Ok(OpaOut {
            phases,
            clip_events,
            clipped_levels,
            overflow_terms,
        })
    }
}
