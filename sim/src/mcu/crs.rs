//! Carry resolution (CRS) and serial reads: every slice read row by row through the ADC
//! at cell resolution, carries propagated digitally (saturating at the word range), and
//! the nominal digits written back serially.
//!
//! V1: the one copy is read and rewritten. V2: the accumulator is added to the weights
//! (batch-end merge) and cleared. V3: the accumulator is resolved and written to itself and
//! to both read copies.

use super::{Mcu, WeightCopy};
use crate::config::Variant;
use crate::cost::latency;
use crate::crossbar::Adc;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrsOut {
    /// Weights whose resolved value was clamped to the word range.
    pub saturations: u64,
}

/// Weights read back serially (row-major rows x cols).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightsOut {
    /// Represented values of the copy that MVM reads.
    pub weights: Vec<i64>,
    /// Represented values of the OPA accumulator (V2, V3).
    pub accumulator: Option<Vec<i64>>,
}

/// Levels of every slice of one copy: `slices[k][i * cols + j]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopySlices {
    pub copy: String,
    pub slices: Vec<Vec<u32>>,
}

/// Serially read every slice of a copy: levels[k][i * cols + j].
fn read_copy(copy: &mut WeightCopy, adc: &Adc) -> Vec<Vec<u32>> {
    copy.arrays
        .iter_mut()
        .map(|a| {
            let (rows, cols) = (a.rows(), a.cols());
            let mut out = vec![0u32; rows * cols];
            for i in 0..rows {
                a.read_row(i, adc, &mut out[i * cols..][..cols]);
            }
            out
        })
        .collect()
}

fn values(copy: &WeightCopy, levels: &[Vec<u32>]) -> Vec<i64> {
    let n = levels[0].len();
    let mut lv = vec![0u32; levels.len()];
    (0..n)
        .map(|c| {
            for (k, l) in levels.iter().enumerate() {
                lv[k] = l[c];
            }
            copy.layout.value(&lv)
        })
        .collect()
}

impl Mcu {
    fn count_serial_read(&mut self, copies: usize) {
        let (rows, cols) = (self.rows() as u64, self.cols() as u64);
        let s = self.cfg.slicing.slices as u64;
        let c = &mut self.counters;
        c.serial_read_rows += rows * s * copies as u64;
        c.adc_conversions += rows * cols * s * copies as u64;
        c.sample_holds += rows * cols * s * copies as u64;
    }

    /// Carry resolution step.
    pub fn crs(&mut self) -> CrsOut {
        let adc = self.adc;
        let word_bits = self.cfg.format.word_bits;
        let src = self.roles.opa;
        let levels = read_copy(&mut self.copies[src], &adc);
        let mut acc = values(&self.copies[src], &levels);
        let mut copies_read = 1;
        if self.cfg.variant == Variant::V2 {
            let w_levels = read_copy(&mut self.copies[self.roles.mvm], &adc);
            let w = values(&self.copies[self.roles.mvm], &w_levels);
            for (a, b) in acc.iter_mut().zip(w) {
                *a += b;
            }
            copies_read = 2;
        }
        self.count_serial_read(copies_read);
        let mut saturations = 0u64;
        for v in acc.iter_mut() {
            let (s, sat) = crate::fixed::saturate(*v, word_bits);
            *v = s;
            saturations += sat as u64;
        }
        match self.cfg.variant {
            Variant::V1 => self.write_copy(0, &acc),
            Variant::V2 => {
                self.write_copy(self.roles.mvm, &acc);
                let zeros = vec![0i64; acc.len()];
                self.write_copy(self.roles.opa, &zeros);
            }
            Variant::V3 => {
                for c in 0..self.copies.len() {
                    self.write_copy(c, &acc);
                }
            }
        }
        let c = &mut self.counters;
        c.crs_ops += 1;
        c.carry_resolves += acc.len() as u64;
        c.output_saturations += 0;
        c.busy_ns += latency::crs_ns(&self.cfg);
        CrsOut { saturations }
    }

    /// Serial read of the weights (and the V2/V3 accumulator).
    pub fn read_weights(&mut self) -> WeightsOut {
        let adc = self.adc;
        let mvm = self.roles.mvm;
        let l = read_copy(&mut self.copies[mvm], &adc);
        let weights = values(&self.copies[mvm], &l);
        let accumulator = if self.roles.opa != mvm {
            let opa = self.roles.opa;
            let l = read_copy(&mut self.copies[opa], &adc);
            Some(values(&self.copies[opa], &l))
        } else {
            None
        };
        let n = if accumulator.is_some() { 2 } else { 1 };
        self.count_serial_read(n);
        self.counters.serial_read_ops += 1;
        self.counters.busy_ns += latency::serial_read_ns(&self.cfg);
        WeightsOut {
            weights,
            accumulator,
        }
    }

    /// Serial read of every slice level of every copy.
    pub fn read_slices(&mut self) -> Vec<CopySlices> {
        let adc = self.adc;
        let out: Vec<CopySlices> = self
            .copies
            .iter_mut()
            .map(|c| CopySlices {
                copy: c.name.to_string(),
                slices: read_copy(c, &adc),
            })
            .collect();
        self.count_serial_read(out.len());
        self.counters.serial_read_ops += 1;
        self.counters.busy_ns += latency::serial_read_ns(&self.cfg);
        out
    }
}
