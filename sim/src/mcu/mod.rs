//! The golden matrix compute unit (MCU): bit-exact digital arithmetic around the
//! behavioural crossbar. Operations: MVM, MTVM, OPA, CRS, serial read and write, for the
//! variants V1, V2 and V3. Arithmetic: docs/arithmetic.md.

mod crs;
mod mvm;
mod opa;
pub mod slicing;
mod state;

pub use crs::{CopySlices, CrsOut, WeightsOut};
pub use mvm::LineOut;
pub use opa::{aligned_term, opa_digit, OpaOut, Phase, PHASES};
pub use state::McuState;

use crate::config::{Config, Variant};
use crate::cost::Counters;
use crate::crossbar::{Adc, CellArray};
use crate::device::{self, DeviceModel};
use crate::fixed;
use crate::rng::Key;
use slicing::SliceLayout;
use std::sync::Arc;

/// A bad operand: which one, and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum McuError {
    #[error("`{name}` has {got} elements; this MCU needs {want} ({what})")]
    Length {
        name: &'static str,
        got: usize,
        want: usize,
        what: &'static str,
    },
    #[error("`{name}[{index}]` = {value} is outside the {bits}-bit word range {min}..={max}")]
    Range {
        name: String,
        index: usize,
        value: i64,
        bits: u32,
        min: i64,
        max: i64,
    },
}

/// One logical weight copy: a slice array per slice.
#[derive(Debug, Clone)]
pub struct WeightCopy {
    pub name: &'static str,
    pub layout: SliceLayout,
    pub arrays: Vec<CellArray>,
    /// Represented values of an ideal copy, with the array generations they were built from.
    value_cache: Option<(Vec<u64>, Vec<i32>)>,
}

impl WeightCopy {
    /// Serial write of the whole copy from values (in the word range): slice by slice, each
    /// slice row by row. `levels` is scratch space of rows x cols.
    /// Write represented values (row-major) into every slice; with a window, only its cells
    /// of a non-ideal array ([`crate::crossbar::CellArray::write_window`]).
    pub fn write_values(
        &mut self,
        values: &[i64],
        levels: &mut Vec<u32>,
        window: Option<(usize, usize)>,
    ) {
        levels.resize(values.len(), 0);
        let (rows, cols) = (self.arrays[0].rows(), self.arrays[0].cols());
        // Ideal rows not updated since their last write that get the values they hold would
        // be written with the levels they have: they are left as they are (CRS of rows
        // that no OPA touched). The result is the same as writing every row.
        let keep: Option<Vec<bool>> = if self.arrays.iter().all(|a| a.is_ideal()) {
            let clean: Vec<bool> = (0..rows)
                .map(|i| self.arrays.iter().all(|a| a.row_written(i)))
                .collect();
            let held = self.ideal_values().expect("an ideal copy");
            Some(
                (0..rows)
                    .map(|i| {
                        clean[i]
                            && held[i * cols..][..cols]
                                .iter()
                                .zip(&values[i * cols..][..cols])
                                .all(|(&h, &v)| h as i64 == v)
                    })
                    .collect(),
            )
        } else {
            None
        };
        for k in 0..self.layout.slices() {
            match &keep {
                Some(keep) => {
                    for i in (0..rows).filter(|&i| !keep[i]) {
                        let r = i * cols..(i + 1) * cols;
                        self.layout
                            .slice_levels(k, &values[r.clone()], &mut levels[r]);
                    }
                    self.arrays[k].write_all_but(levels, keep);
                }
                None => {
                    self.layout.slice_levels(k, values, levels);
                    match window {
                        Some(w) => self.arrays[k].write_window(levels, w),
                        None => self.arrays[k].write_all(levels),
                    }
                }
            }
        }
    }

    /// Represented value of every cell (row-major) from the levels of an ideal copy (no
    /// cost: inspection and caching).
    pub fn values_from_levels(&self) -> Option<Vec<i64>> {
        let n = self.arrays[0].rows() * self.arrays[0].cols();
        let mut v = vec![-self.layout.correction(); n];
        for (k, a) in self.arrays.iter().enumerate() {
            self.layout.add_slice(k, a.levels()?, &mut v);
        }
        Some(v)
    }

    /// [`Self::values_from_levels`] as i32, rebuilt only when a cell has changed since the
    /// last call (the exact MVM/MTVM shortcut reads it every operation).
    pub fn ideal_values(&mut self) -> Option<&[i32]> {
        let gens: Vec<u64> = self.arrays.iter().map(|a| a.generation()).collect();
        let (rows, cols) = (self.arrays[0].rows(), self.arrays[0].cols());
        match &mut self.value_cache {
            Some((g, _)) if *g == gens => {}
            Some((g, v)) => {
                // Rebuild the rows that changed in any slice since the cache was built.
                let correction = self.layout.correction() as i32;
                let mut levels = Vec::with_capacity(self.arrays.len());
                for a in &self.arrays {
                    levels.push(a.levels()?);
                }
                for i in 0..rows {
                    let dirty = (self.arrays.iter().zip(g.iter()))
                        .any(|(a, &since)| a.row_changed_since(i, since));
                    if !dirty {
                        continue;
                    }
                    let row = &mut v[i * cols..][..cols];
                    row.fill(-correction);
                    for (k, l) in levels.iter().enumerate() {
                        let shift = self.layout.nominal_bits as usize * k;
                        for (w, &c) in row.iter_mut().zip(&l[i * cols..][..cols]) {
                            *w += (c as i32) << shift;
                        }
                    }
                }
                *g = gens;
            }
            None => {
                let v = self
                    .values_from_levels()?
                    .into_iter()
                    .map(|x| x as i32)
                    .collect();
                self.value_cache = Some((gens, v));
            }
        }
        self.value_cache.as_ref().map(|(_, v)| &v[..])
    }
}

/// The weight copies of the configured variant (every cell at level 0, not yet programmed)
/// and the copy each operation uses. Shared by the golden MCU and the RTL crossbar block.
pub fn build_copies(cfg: &Config, id: u64, dev: Arc<dyn DeviceModel>) -> (Vec<WeightCopy>, Roles) {
    let f = &cfg.format;
    let s = &cfg.slicing;
    let acc = SliceLayout::new(f.word_bits, s.nominal_bits, &s.cell_bits);
    let nominal = SliceLayout::nominal(f.word_bits, s.nominal_bits);
    let roles = Roles::of(cfg.variant);
    // The copy OPA accumulates into has carry headroom; the others hold nominal digits.
    let specs = (Roles::copy_names(cfg.variant).iter().enumerate()).map(|(c, &name)| {
        let layout = if c == roles.opa {
            acc.clone()
        } else {
            nominal.clone()
        };
        (name, layout)
    });
    let base = Key::new(cfg.seed).with(id);
    let copies = specs
        .into_iter()
        .enumerate()
        .map(|(c, (name, layout))| WeightCopy {
            name,
            arrays: (0..layout.slices())
                .map(|k| {
                    CellArray::new(
                        cfg.array.rows,
                        cfg.array.cols,
                        layout.cell_bits[k],
                        base.with(c as u64).with(k as u64),
                        dev.clone(),
                    )
                })
                .collect(),
            layout,
            value_cache: None,
        })
        .collect();
    (copies, roles)
}

/// Which copy each operation uses (depends on the variant). The one home of the mapping:
/// the golden MCU, the crossbar block and the RTL's parameters read it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub mvm: usize,
    pub mtvm: usize,
    pub opa: usize,
}

impl Roles {
    pub fn of(variant: Variant) -> Roles {
        match variant {
            Variant::V1 => Roles {
                mvm: 0,
                mtvm: 0,
                opa: 0,
            },
            Variant::V2 => Roles {
                mvm: 0,
                mtvm: 0,
                opa: 1,
            },
            Variant::V3 => Roles {
                mvm: 0,
                mtvm: 1,
                opa: 2,
            },
        }
    }

    /// The weight copies of a variant, in copy order (V1: one copy does everything; V2:
    /// weights plus a gradient accumulator; V3: forward, backward and accumulator).
    pub fn copy_names(variant: Variant) -> &'static [&'static str] {
        match variant {
            Variant::V1 => &["weights"],
            Variant::V2 => &["weights", "accumulator"],
            Variant::V3 => &["forward", "backward", "accumulator"],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Mcu {
    cfg: Config,
    copies: Vec<WeightCopy>,
    roles: Roles,
    adc: Adc,
    /// Take the exact shortcut of MVM/MTVM when it applies (docs/arithmetic.md).
    exact_shortcut: bool,
    /// Reused rows x cols buffer of serial reads and writes (avoids large allocations).
    scratch_levels: Vec<u32>,
    pub counters: Counters,
    /// The part of the arrays that holds weights and meets inputs, when the user declares
    /// one ([`Mcu::set_live_window`]); None: all of it.
    live: Option<LiveWindow>,
}

/// Rows `..rows` and columns `..cols` of an MCU's arrays hold weights and meet inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveWindow {
    pub rows: usize,
    pub cols: usize,
    pub dead_cells: DeadCells,
}

/// What a CRS does with the cells outside the live window of a non-ideal array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadCells {
    /// Not read and not rewritten: they keep their state (fast; what the engines use).
    Kept,
    /// Read and rewritten to 0 like the live cells (the whole array, as without a window).
    Rewritten,
}

impl Mcu {
    /// A new MCU with every weight 0. `id` distinguishes MCUs in noise keys.
    pub fn new(cfg: &Config, id: u64) -> Mcu {
        let dev: Arc<dyn DeviceModel> = Arc::from(device::from_config(&cfg.device));
        Mcu::with_device(cfg, id, dev)
    }

    /// A new MCU with a user-supplied device model.
    pub fn with_device(cfg: &Config, id: u64, dev: Arc<dyn DeviceModel>) -> Mcu {
        let (copies, roles) = build_copies(cfg, id, dev);
        let mut m = Mcu {
            cfg: cfg.clone(),
            copies,
            roles,
            adc: Adc::new(cfg.adc_bits()),
            exact_shortcut: true,
            scratch_levels: Vec::new(),
            counters: Counters::default(),
            live: None,
        };
        let zeros = vec![0i64; cfg.array.rows * cfg.array.cols];
        m.program_all(&zeros);
        m.counters = Counters::default();
        m
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }
    pub fn rows(&self) -> usize {
        self.cfg.array.rows
    }
    pub fn cols(&self) -> usize {
        self.cfg.array.cols
    }
    pub fn copies(&self) -> &[WeightCopy] {
        &self.copies
    }
    pub fn roles(&self) -> Roles {
        self.roles
    }
    pub fn adc(&self) -> Adc {
        self.adc
    }
    /// Force the explicit bit-serial path of MVM/MTVM even where the exact shortcut
    /// applies (tests that compare both paths, benchmarks).
    pub fn set_exact_shortcut(&mut self, on: bool) {
        self.exact_shortcut = on;
    }

    pub fn reset_counters(&mut self) {
        self.counters = Counters::default();
    }

    /// Represented value of every cell of a copy, from the cell levels (ideal devices only;
    /// inspection for tests, no cost). Row-major rows x cols.
    pub fn peek_values(&self, copy: usize) -> Option<Vec<i64>> {
        self.copies[copy].values_from_levels()
    }

    /// One operand: `want` elements (`what` says which), each in the `bits`-bit word range.
    /// Shared with the RTL harness so both levels reject the same input the same way.
    pub fn check_operand(
        name: &'static str,
        v: &[i64],
        want: usize,
        what: &'static str,
        bits: u32,
    ) -> Result<(), McuError> {
        if v.len() != want {
            return Err(McuError::Length {
                name,
                got: v.len(),
                want,
                what,
            });
        }
        Mcu::check_words(name, v, bits)
    }

    pub fn check_words(name: &str, v: &[i64], bits: u32) -> Result<(), McuError> {
        for (index, &value) in v.iter().enumerate() {
            if !fixed::in_word(value, bits) {
                return Err(McuError::Range {
                    name: name.to_string(),
                    index,
                    value,
                    bits,
                    min: fixed::word_min(bits),
                    max: fixed::word_max(bits),
                });
            }
        }
        Ok(())
    }

    /// Serial-write weights (row-major rows x cols) into every copy of the variant; the
    /// V2 accumulator is cleared to 0.
    pub fn write_weights(&mut self, w: &[i64]) -> Result<(), McuError> {
        let n = self.rows() * self.cols();
        Mcu::check_operand(
            "weights",
            w,
            n,
            "rows x cols, row-major",
            self.cfg.format.word_bits,
        )?;
        self.program_all(w);
        Ok(())
    }

    fn program_all(&mut self, w: &[i64]) {
        let zeros;
        let acc_src = if self.cfg.variant == Variant::V2 {
            zeros = vec![0i64; w.len()];
            &zeros[..]
        } else {
            w
        };
        for c in 0..self.copies.len() {
            let src = if c == self.roles.opa { acc_src } else { w };
            self.write_copy(c, src);
        }
        self.counters.serial_write_ops += 1;
        self.counters.busy_ns += crate::cost::latency::serial_write_ns(&self.cfg);
    }

    /// Declare that only rows `..rows` and columns `..cols` hold weights and meet inputs:
    /// the other cells hold 0, every MVM gives them input 0, every MTVM 0 on those columns,
    /// and their outputs are not used (a network block's dead part). With
    /// [`DeadCells::Kept`] a CRS reads and writes only this window of a non-ideal array
    /// (the same draws for its cells; the others keep their state instead of being
    /// rewritten to 0 with fresh write noise), and counts its events and time as for the
    /// whole array: results for the window are those of the whole array.
    /// MVM and MTVM sense, convert and count (saturated words, clipped conversions) the
    /// window's outputs only; the others are 0 (on the exact path of an ideal device they
    /// are computed, and are 0 anyway).
    pub fn set_live_window(&mut self, rows: usize, cols: usize, dead_cells: DeadCells) {
        self.live = Some(LiveWindow {
            rows: rows.min(self.rows()),
            cols: cols.min(self.cols()),
            dead_cells,
        });
    }

    /// The window a CRS reads and writes (None: the whole array).
    fn crs_window(&self) -> Option<(usize, usize)> {
        self.live
            .filter(|w| w.dead_cells == DeadCells::Kept)
            .map(|w| (w.rows, w.cols))
    }

    /// Serial write of whole copy `c` from values (in the word range), row by row.
    pub(crate) fn write_copy(&mut self, c: usize, values: &[i64]) {
        let mut levels = std::mem::take(&mut self.scratch_levels);
        let window = self.crs_window();
        let copy = &mut self.copies[c];
        copy.write_values(values, &mut levels, window);
        let s = copy.layout.slices();
        self.scratch_levels = levels;
        self.counters.serial_write_rows += (self.cfg.array.rows * s) as u64;
    }
}

#[cfg(test)]
mod tests;
