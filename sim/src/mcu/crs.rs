//! Carry resolution (CRS) and serial reads: every slice read row by row through the ADC
//! at cell resolution, carries propagated digitally (saturating at the word range), and
//! the nominal digits written back serially.
//!
//! V1: the one copy is read and rewritten. V2: the accumulator is added to the weights
//! (batch-end merge) and cleared. V3: the accumulator is resolved and written to itself and
//! to both read copies.

use super::{LiveWindow, Mcu, WeightCopy};
use crate::config::{SerialUpdate, Variant};
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

/// Serially read every slice of a copy into represented values (row-major). `levels` is
/// scratch space of rows x cols; `keep` receives each slice's levels when given.
fn read_values(
    copy: &mut WeightCopy,
    adc: &Adc,
    levels: &mut Vec<u32>,
    mut keep: Option<&mut Vec<Vec<u32>>>,
    window: Option<(usize, usize)>,
) -> Vec<i64> {
    let exact = |a: &crate::crossbar::CellArray| a.is_ideal() && adc.max_code >= a.max_level();
    if keep.is_none() && copy.arrays.iter().all(exact) {
        // Each code is the cell's level: the cached values are what the read gives.
        let v: Vec<i64> = copy
            .ideal_values()
            .expect("an ideal copy")
            .iter()
            .map(|&w| w as i64)
            .collect();
        copy.arrays.iter_mut().for_each(|a| a.skip_serial_read());
        return v;
    }
    let n = copy.arrays[0].rows() * copy.arrays[0].cols();
    levels.resize(n, 0);
    let mut v = vec![-copy.layout.correction(); n];
    for (k, a) in copy.arrays.iter_mut().enumerate() {
        match window {
            Some(w) => a.read_window(adc, w, levels),
            None => a.read_all(adc, levels),
        }
        copy.layout.add_slice(k, levels, &mut v);
        if let Some(keep) = keep.as_deref_mut() {
            keep.push(levels.clone());
        }
    }
    v
}

impl Mcu {
    /// A serial read operation of its own (not part of a CRS): events and its latency.
    fn count_serial_read_op(&mut self, copies: usize) {
        self.count_serial_read(copies);
        self.counters.serial_read_ops += 1;
        self.counters.busy_ns += latency::serial_read_ns(&self.cfg);
    }

    /// The serial accesses a baseline makes after each outer product
    /// (`opa.serial_update`): the updated copy written back row by row (the slice arrays
    /// in parallel), after being read out the same way for `read_write`, which is
    /// row-pipelined like a CRS and takes its time.
    pub(super) fn count_serial_update(&mut self) {
        let update = self.cfg.opa.serial_update;
        if update == SerialUpdate::None {
            return;
        }
        let rows = (self.cfg.array.rows * self.cfg.slicing.slices) as u64;
        self.counters.serial_write_rows += rows;
        self.counters.busy_ns += if update == SerialUpdate::ReadWrite {
            self.count_serial_read(1);
            latency::crs_ns(&self.cfg)
        } else {
            latency::serial_write_ns(&self.cfg)
        };
    }

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
        let mut scratch = std::mem::take(&mut self.scratch_levels);
        let live = self.crs_window();
        let mut acc = read_values(&mut self.copies[src], &adc, &mut scratch, None, live);
        let mut copies_read = 1;
        if self.cfg.variant == Variant::V2 {
            let w = read_values(
                &mut self.copies[self.roles.mvm],
                &adc,
                &mut scratch,
                None,
                live,
            );
            for (a, b) in acc.iter_mut().zip(w) {
                *a += b;
            }
            copies_read = 2;
        }
        self.scratch_levels = scratch;
        self.count_serial_read(copies_read);
        if let Some(LiveWindow { rows, cols, .. }) = self.live {
            // Outside the window the weights are 0: kept (not read, not written) or
            // rewritten as 0; no saturation is counted there.
            let width = self.cols();
            for (k, v) in acc.iter_mut().enumerate() {
                if k / width >= rows || k % width >= cols {
                    *v = 0;
                }
            }
        }
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
        c.busy_ns += latency::crs_ns(&self.cfg);
        CrsOut { saturations }
    }

    /// Serial read of the weights (and the V2/V3 accumulator).
    pub fn read_weights(&mut self) -> WeightsOut {
        let adc = self.adc;
        let mvm = self.roles.mvm;
        let mut scratch = std::mem::take(&mut self.scratch_levels);
        let weights = read_values(&mut self.copies[mvm], &adc, &mut scratch, None, None);
        let accumulator = if self.roles.opa != mvm {
            let opa = self.roles.opa;
            Some(read_values(
                &mut self.copies[opa],
                &adc,
                &mut scratch,
                None,
                None,
            ))
        } else {
            None
        };
        self.scratch_levels = scratch;
        let n = if accumulator.is_some() { 2 } else { 1 };
        self.count_serial_read_op(n);
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
            .map(|c| {
                let mut slices = Vec::new();
                read_values(c, &adc, &mut Vec::new(), Some(&mut slices), None);
                CopySlices {
                    copy: c.name.to_string(),
                    slices,
                }
            })
            .collect();
        self.count_serial_read_op(out.len());
        out
    }
}
