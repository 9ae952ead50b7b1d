//! One physical crossbar: rows x cols cells of one slice of one weight copy.
//!
//! Ideal device: cells are `u8` levels and currents are exact integer sums.
//! Non-ideal device: cells hold Q.12 conductances (level units) set by the device model.

use super::{Adc, G_FRAC, G_ONE};
use crate::device::{CellRow, CellTraits, DeviceModel};
use crate::rng::Key;
use std::sync::Arc;

/// Clipping of one update, for one array.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClipStats {
    /// Cells whose update hit a rail.
    pub events: u64,
    /// Update lost at the rails, in levels (summed over cells).
    pub levels: f64,
}

#[derive(Debug, Clone)]
enum Cells {
    Ideal(Vec<u8>),
    Analog {
        g: Vec<i32>,
        traits: Vec<CellTraits>,
        device: Arc<dyn DeviceModel>,
    },
}

/// A saved array: levels of an ideal device or Q.12 conductances, and the noise event
/// numbers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArrayState {
    pub cells: CellState,
    pub read_events: u64,
    pub write_events: u64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    Levels(Vec<u8>),
    Conductances(Vec<i32>),
}

/// Cell values without the device state: owned (the column-major cache) or borrowed
/// (the view that a sensing access sums).
#[derive(Debug, Clone)]
enum Matrix<L, G> {
    Levels(L),
    Conductances(G),
}

type OwnedMatrix = Matrix<Vec<u8>, Vec<i32>>;

/// Noise purposes, mixed into keys so that draws for different uses never coincide.
const PURPOSE_TRAITS: u64 = 1;
const PURPOSE_READ: u64 = 2;
const PURPOSE_WRITE: u64 = 3;

#[derive(Debug, Clone)]
pub struct CellArray {
    rows: usize,
    cols: usize,
    max_level: u32,
    key: Key,
    cells: Cells,
    /// Sensing accesses so far: the event number of read-noise draws.
    read_events: u64,
    /// Write operations so far (row writes and update commits): the event number of write noise.
    write_events: u64,
    /// Bumped by every change of a cell, so that callers can cache values derived from levels.
    generation: u64,
    /// The generation at which each row last changed (caches rebuild only those rows).
    row_changed: Vec<u64>,
    /// Rows updated (OPA) or restored since their last serial write: only these can differ
    /// from the encoding a serial write gives their values.
    row_dirty: Vec<bool>,
    /// The cells column-major, with the generation they were copied at (sensing rows).
    transposed: Option<(u64, OwnedMatrix)>,
}

impl CellArray {
    /// A new array with every cell programmed to level 0. `key` identifies this array
    /// (derived from seed, MCU, copy and slice).
    pub fn new(
        rows: usize,
        cols: usize,
        cell_bits: u32,
        key: Key,
        device: Arc<dyn DeviceModel>,
    ) -> CellArray {
        let max_level = (1u32 << cell_bits) - 1;
        let n = rows * cols;
        let cells = if device.is_ideal() {
            Cells::Ideal(vec![0; n])
        } else {
            let tk = key.with(PURPOSE_TRAITS);
            let traits: Vec<CellTraits> = (0..n as u64).map(|c| device.traits(tk, c)).collect();
            // The initial erase uses its own event number, apart from later writes.
            let ek = key.with(PURPOSE_WRITE).with(u64::MAX);
            let g = traits
                .iter()
                .enumerate()
                .map(|(c, &t)| to_q12(device.program(t, 0, max_level, ek, c as u64)))
                .collect();
            Cells::Analog { g, traits, device }
        };
        CellArray {
            rows,
            cols,
            max_level,
            key,
            cells,
            read_events: 0,
            write_events: 0,
            generation: 0,
            row_changed: vec![0; rows],
            // The initial erase holds level 0, not the encoding of a value.
            row_dirty: vec![true; rows],
            transposed: None,
        }
    }

    /// Everything a later run needs to continue from here (checkpoints): the cells and the
    /// event numbers of the noise draws. Per-cell traits follow from the key again.
    pub fn state(&self) -> ArrayState {
        ArrayState {
            cells: match &self.cells {
                Cells::Ideal(l) => CellState::Levels(l.clone()),
                Cells::Analog { g, .. } => CellState::Conductances(g.clone()),
            },
            read_events: self.read_events,
            write_events: self.write_events,
        }
    }

    /// Continue from `state` (of an array of the same shape and device kind).
    pub fn restore(&mut self, state: &ArrayState) -> Result<(), String> {
        let n = self.rows * self.cols;
        match (&mut self.cells, &state.cells) {
            (Cells::Ideal(l), CellState::Levels(s)) if s.len() == n => {
                if s.iter().any(|&v| v as u32 > self.max_level) {
                    return Err(format!("a level above {}", self.max_level));
                }
                l.copy_from_slice(s)
            }
            (Cells::Analog { g, .. }, CellState::Conductances(s)) if s.len() == n => {
                g.copy_from_slice(s)
            }
            _ => {
                return Err(format!(
                    "the saved array is not the {} array of {n} cells this config builds",
                    if self.is_ideal() { "ideal" } else { "analog" }
                ))
            }
        }
        self.read_events = state.read_events;
        self.write_events = state.write_events;
        self.generation += 1;
        self.row_changed.fill(self.generation);
        self.row_dirty.fill(true);
        Ok(())
    }

    /// Changes whenever a cell may have changed.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// True when row `i` holds what its last serial write put there (no update since).
    pub fn row_written(&self, i: usize) -> bool {
        !self.row_dirty[i]
    }

    /// A serial write of every row of an ideal array in which the rows that `keep` marks
    /// keep their levels (the caller knows they would be written unchanged): the same event
    /// numbers and end state as [`Self::write_all`], without touching those rows.
    pub fn write_all_but(&mut self, levels: &[u32], keep: &[bool]) {
        let (rows, cols) = (self.rows, self.cols);
        let max = self.max_level;
        let Cells::Ideal(l) = &mut self.cells else {
            panic!("write_all_but is for ideal arrays");
        };
        self.generation += 1;
        for i in (0..rows).filter(|&i| !keep[i]) {
            for (c, &v) in l[i * cols..][..cols]
                .iter_mut()
                .zip(&levels[i * cols..][..cols])
            {
                debug_assert!(v <= max);
                *c = v.min(max) as u8;
            }
            self.row_changed[i] = self.generation;
        }
        self.row_dirty.fill(false);
        self.write_events += rows as u64;
    }

    /// True when a cell of row `i` may have changed after generation `since`.
    pub fn row_changed_since(&self, i: usize, since: u64) -> bool {
        self.row_changed[i] > since
    }

    /// Count a serial read of every row whose levels the caller already knows exactly (an
    /// ideal array read by an ADC that resolves every level), keeping event numbers aligned.
    pub fn skip_serial_read(&mut self) {
        debug_assert!(self.is_ideal());
        self.read_events += self.rows as u64;
    }

    /// Levels of an ideal array, row-major (None for a non-ideal device).
    pub fn levels(&self) -> Option<&[u8]> {
        match &self.cells {
            Cells::Ideal(l) => Some(l),
            Cells::Analog { .. } => None,
        }
    }

    /// Count `n` sensing accesses that need no computation (an exact shortcut taken by the
    /// caller on an ideal array), keeping event numbers aligned with the explicit path.
    pub fn skip_sensing(&mut self, n: u64) {
        debug_assert!(self.is_ideal());
        self.read_events += n;
    }

    pub fn rows(&self) -> usize {
        self.rows
    }
    pub fn cols(&self) -> usize {
        self.cols
    }
    pub fn max_level(&self) -> u32 {
        self.max_level
    }
    pub fn is_ideal(&self) -> bool {
        matches!(self.cells, Cells::Ideal(_))
    }

    /// Conductance of one cell in levels (inspection and tests; no cost, no noise).
    pub fn conductance(&self, i: usize, j: usize) -> f64 {
        match &self.cells {
            Cells::Ideal(l) => l[i * self.cols + j] as f64,
            Cells::Analog { g, .. } => g[i * self.cols + j] as f64 / G_ONE as f64,
        }
    }

    /// Integer level of one cell of an ideal array.
    pub fn level(&self, i: usize, j: usize) -> Option<u32> {
        match &self.cells {
            Cells::Ideal(l) => Some(l[i * self.cols + j] as u32),
            Cells::Analog { .. } => None,
        }
    }

    /// Drive the given rows (1-bit DACs) and sense every column: Q.12 currents with read
    /// noise, written to `out` (len = cols). One sensing access.
    pub fn sense_columns(&mut self, active_rows: &[u32], out: &mut [i64]) {
        debug_assert_eq!(out.len(), self.cols);
        self.sense(false, active_rows, out, self.cols);
    }

    /// Drive the given columns and sense every row (MTVM): Q.12 currents into `out` (len = rows).
    pub fn sense_rows(&mut self, active_cols: &[u32], out: &mut [i64]) {
        debug_assert_eq!(out.len(), self.rows);
        self.sense(true, active_cols, out, self.rows);
    }

    /// [`Self::sense_columns`] (or, driving columns, [`Self::sense_rows`]) of which only the
    /// first `used` lines are sensed: their currents and noise are those of the full access;
    /// the other lines read 0 (the caller does not use them).
    pub fn sense_used(
        &mut self,
        drive_columns: bool,
        active: &[u32],
        out: &mut [i64],
        used: usize,
    ) {
        let used = used.min(out.len());
        self.sense(drive_columns, active, out, used);
        out[used..].fill(0);
    }

    /// One sensing access. Driving columns reads a column-major copy of the cells (rebuilt
    /// only after a change), so both directions sum contiguous driven lines.
    fn sense(&mut self, drive_columns: bool, active: &[u32], out: &mut [i64], used: usize) {
        let (rows, cols) = (self.rows, self.cols);
        if drive_columns && self.transposed.as_ref().map(|t| t.0) != Some(self.generation) {
            let t = match &self.cells {
                Cells::Ideal(l) => Matrix::Levels(transpose(l, rows, cols)),
                Cells::Analog { g, .. } => Matrix::Conductances(transpose(g, rows, cols)),
            };
            self.transposed = Some((self.generation, t));
        }
        let view = match (&self.cells, &self.transposed) {
            (Cells::Ideal(_), Some((_, Matrix::Levels(t)))) if drive_columns => Matrix::Levels(t),
            (Cells::Ideal(l), _) => Matrix::Levels(l),
            (Cells::Analog { .. }, Some((_, Matrix::Conductances(t)))) if drive_columns => {
                Matrix::Conductances(t)
            }
            (Cells::Analog { g, .. }, _) => Matrix::Conductances(g),
        };
        let width = out.len();
        match view {
            Matrix::Levels(l) => {
                // u16 sums are exact while lines * max_level fits; they vectorise twice as wide.
                if active.len() * self.max_level as usize <= u16::MAX as usize {
                    sum_levels::<u16>(l, width, used, active, self.max_level, out);
                } else {
                    sum_levels::<u32>(l, width, used, active, self.max_level, out);
                }
            }
            Matrix::Conductances(g) => {
                // i32 sums are exact while lines * the largest conductance fits (gain <= 2).
                if active.len() as u64 * 2 * ((self.max_level as u64) << G_FRAC) < i32::MAX as u64 {
                    sum_conductances::<i32>(g, width, used, active, out);
                } else {
                    sum_conductances::<i64>(g, width, used, active, out);
                }
                if let Cells::Analog { device, .. } = &self.cells {
                    self.add_read_noise(
                        device.read_noise_sigma() * (active.len() as f64).sqrt(),
                        &mut out[..used],
                    );
                }
            }
        }
        self.read_events += 1;
    }

    fn add_read_noise(&self, sigma_levels: f64, out: &mut [i64]) {
        if sigma_levels > 0.0 {
            let k = self.key.with(PURPOSE_READ).with(self.read_events);
            for (line, o) in out.iter_mut().enumerate() {
                *o += round_i64(sigma_levels * G_ONE as f64 * k.normal(line as u64));
            }
        }
    }

    /// Sample-and-hold of one row for a serial read at cell resolution: the Q.12 value of
    /// each cell, sensed alone (read noise has the one-cell sigma). One sensing access.
    pub fn sample_row(&mut self, i: usize, out: &mut [i64]) {
        self.sample_row_part(i, self.cols, out)
    }

    /// [`Self::sample_row`] of the first `n` cells only: the same values for them.
    fn sample_row_part(&mut self, i: usize, n: usize, out: &mut [i64]) {
        let cols = self.cols;
        match &self.cells {
            Cells::Ideal(l) => {
                for (o, &v) in out.iter_mut().zip(&l[i * cols..][..n]) {
                    *o = (v as i64) << G_FRAC;
                }
            }
            Cells::Analog { g, device, .. } => {
                let sigma = device.read_noise_sigma();
                let k = self.key.with(PURPOSE_READ).with(self.read_events);
                for (j, (o, &v)) in out.iter_mut().zip(&g[i * cols..][..n]).enumerate() {
                    let noise = if sigma > 0.0 {
                        round_i64(sigma * G_ONE as f64 * k.normal(j as u64))
                    } else {
                        0
                    };
                    *o = v as i64 + noise;
                }
            }
        }
        self.read_events += 1;
    }

    /// Serial read of one row through an ADC at cell resolution: one code per cell, clamped
    /// to the cell range ([`Self::sample_row`], then a conversion).
    pub fn read_row(&mut self, i: usize, adc: &Adc, out: &mut [u32]) {
        self.read_row_part(i, self.cols, adc, out)
    }

    /// [`Self::read_row`] of the first `cols` cells only.
    fn read_row_part(&mut self, i: usize, cols: usize, adc: &Adc, out: &mut [u32]) {
        // Rows up to 128 cells are held on the stack (no allocation per row read).
        let mut held = [0i64; 128];
        let mut buf;
        let held: &mut [i64] = if cols <= held.len() {
            &mut held[..cols]
        } else {
            buf = vec![0i64; cols];
            &mut buf
        };
        self.sample_row_part(i, cols, held);
        for (o, &h) in out.iter_mut().zip(held.iter()) {
            *o = adc.convert(h).code.min(self.max_level);
        }
    }

    /// Serial read of every row, in row order (row-major codes into `out`).
    pub fn read_all(&mut self, adc: &Adc, out: &mut [u32]) {
        let (rows, cols) = (self.rows, self.cols);
        if let Cells::Ideal(l) = &self.cells {
            if adc.max_code >= self.max_level {
                // Every level is within the ADC range: each code is the level.
                for (o, &v) in out.iter_mut().zip(l.iter()) {
                    *o = v as u32;
                }
                self.read_events += rows as u64;
                return;
            }
        }
        for i in 0..rows {
            self.read_row(i, adc, &mut out[i * cols..][..cols]);
        }
    }

    /// Serial write of every row, in row order, from row-major levels.
    pub fn write_all(&mut self, levels: &[u32]) {
        let (rows, cols) = (self.rows, self.cols);
        let max = self.max_level;
        if let Cells::Ideal(l) = &mut self.cells {
            self.generation += 1;
            // Rows written with the levels they hold do not change (caches keep them).
            for (i, (row, new)) in l.chunks_mut(cols).zip(levels.chunks(cols)).enumerate() {
                if row.iter().zip(new).any(|(&c, &v)| c as u32 != v) {
                    for (c, &v) in row.iter_mut().zip(new) {
                        debug_assert!(v <= max);
                        *c = v.min(max) as u8;
                    }
                    self.row_changed[i] = self.generation;
                }
            }
            self.row_dirty.fill(false);
            self.write_events += rows as u64;
            return;
        }
        for i in 0..rows {
            self.write_row(i, &levels[i * cols..][..cols]);
        }
    }

    /// A serial read of every row of which only the cells of the window `(rows, cols)` at
    /// the origin are sampled and converted: for them the codes of [`Self::read_all`] (the
    /// same event numbers and draws), the rest of `out` untouched. For arrays whose other
    /// cells hold no weight and meet no input (a network block's dead part).
    pub fn read_window(&mut self, adc: &Adc, (rows, cols): (usize, usize), out: &mut [u32]) {
        if self.is_ideal() {
            return self.read_all(adc, out);
        }
        let width = self.cols;
        for i in 0..self.rows {
            if i < rows {
                self.read_row_part(i, cols, adc, &mut out[i * width..][..cols]);
            } else {
                self.read_events += 1;
            }
        }
    }

    /// A serial write of every row of which only the cells of the window `(rows, cols)` are
    /// programmed (the draws of [`Self::write_all`] for them); the others keep their state.
    pub fn write_window(&mut self, levels: &[u32], (rows, cols): (usize, usize)) {
        if self.is_ideal() {
            return self.write_all(levels);
        }
        let width = self.cols;
        for i in 0..self.rows {
            if i < rows {
                self.write_row_part(i, cols, &levels[i * width..][..cols]);
            } else {
                self.write_events += 1;
                self.row_dirty[i] = false;
            }
        }
    }

    /// Serial write (program and verify) of one row to the given levels.
    pub fn write_row(&mut self, i: usize, levels: &[u32]) {
        self.write_row_part(i, self.cols, levels)
    }

    /// [`Self::write_row`] of the first `cols` cells only.
    fn write_row_part(&mut self, i: usize, cols: usize, levels: &[u32]) {
        let width = self.cols;
        let max = self.max_level;
        let event = self.write_events;
        self.write_events += 1;
        self.generation += 1;
        self.row_changed[i] = self.generation;
        self.row_dirty[i] = false;
        match &mut self.cells {
            Cells::Ideal(l) => {
                for (c, &v) in l[i * width..][..cols].iter_mut().zip(levels) {
                    debug_assert!(v <= max);
                    *c = v.min(max) as u8;
                }
            }
            Cells::Analog { g, traits, device } => {
                let k = self.key.with(PURPOSE_WRITE).with(event);
                let r = i * width..i * width + cols;
                device.program_row(
                    CellRow {
                        traits: &traits[r.clone()],
                        g: &mut g[r],
                        max_level: max,
                        noise: k,
                        first_cell: (i * width) as u64,
                    },
                    &levels[..cols],
                );
            }
        }
    }

    /// Open an update window (one OPA): every cell's pulse train in it is committed with
    /// this window's event number.
    pub fn begin_update(&mut self) -> u64 {
        let e = self.write_events;
        self.write_events += 1;
        e
    }

    /// Commit the lumped pulse trains of one row: cell (i, j) moves by `n[j]` levels
    /// (signed; all pulses on a cell in one OPA share a sign). Returns the clipping.
    pub fn update_row(&mut self, event: u64, i: usize, n: &[i16]) -> ClipStats {
        let cols = self.cols;
        let max = self.max_level as i16;
        let mut st = ClipStats::default();
        self.generation += 1;
        self.row_changed[i] = self.generation;
        self.row_dirty[i] = true;
        match &mut self.cells {
            Cells::Ideal(l) => {
                let (mut lost, mut events) = (0u64, 0u64);
                // 64-cell chunks keep the loss sums in u16 (64 * 511 fits), which vectorises.
                for (cells, deltas) in l[i * cols..][..cols].chunks_mut(64).zip(n.chunks(64)) {
                    let (mut chunk_lost, mut chunk_events) = (0u16, 0u16);
                    for (c, &d) in cells.iter_mut().zip(deltas) {
                        let want = *c as i16 + d;
                        let got = want.clamp(0, max);
                        chunk_lost = chunk_lost.wrapping_add((want - got).unsigned_abs());
                        chunk_events = chunk_events.wrapping_add((want != got) as u16);
                        *c = got as u8;
                    }
                    lost += chunk_lost as u64;
                    events += chunk_events as u64;
                }
                st.events = events;
                st.levels = lost as f64;
            }
            Cells::Analog { g, traits, device } => {
                let k = self.key.with(PURPOSE_WRITE).with(event);
                let r = i * cols..(i + 1) * cols;
                let row = CellRow {
                    traits: &traits[r.clone()],
                    g: &mut g[r],
                    max_level: self.max_level,
                    noise: k,
                    first_cell: (i * cols) as u64,
                };
                let (events, levels) = device.update_row(row, &n[..cols]);
                st.events = events;
                st.levels = levels;
            }
        }
        st
    }
}

/// Accumulator width of line sums: 256 lines at a time, on the stack.
const CHUNK: usize = 256;

/// Column sums of the given rows of a row-major u8 matrix `width` wide, as Q.12 currents.
/// Rows are first added in groups that cannot overflow a byte (255 / max_level rows), so
/// most additions are byte-wide; each group sum is then widened into `A`.
fn sum_levels<A>(l: &[u8], width: usize, used: usize, rows: &[u32], max_level: u32, out: &mut [i64])
where
    A: Copy + Default + From<u8> + std::ops::AddAssign + Into<i64>,
{
    let group = (255 / max_level.max(1)) as usize;
    let mut acc = [A::default(); CHUNK];
    let mut part = [0u8; CHUNK];
    for base in (0..used).step_by(CHUNK) {
        let w = CHUNK.min(used - base);
        let acc = &mut acc[..w];
        let part = &mut part[..w];
        acc.iter_mut().for_each(|a| *a = A::default());
        for grp in rows.chunks(group) {
            part.copy_from_slice(&l[grp[0] as usize * width + base..][..w]);
            for &i in &grp[1..] {
                for (p, &v) in part.iter_mut().zip(&l[i as usize * width + base..][..w]) {
                    *p += v;
                }
            }
            for (a, &p) in acc.iter_mut().zip(part.iter()) {
                *a += A::from(p);
            }
        }
        for (o, &a) in out[base..base + w].iter_mut().zip(acc.iter()) {
            *o = a.into() << G_FRAC;
        }
    }
}

/// Column sums of the given rows of a row-major matrix of Q.12 conductances, accumulated
/// in `A` (i32 where it cannot overflow, it vectorises twice as wide as i64).
fn sum_conductances<A>(g: &[i32], width: usize, used: usize, rows: &[u32], out: &mut [i64])
where
    A: Copy + Default + From<i32> + std::ops::AddAssign + Into<i64>,
{
    let mut acc = [A::default(); CHUNK];
    for base in (0..used).step_by(CHUNK) {
        let w = CHUNK.min(used - base);
        let acc = &mut acc[..w];
        acc.iter_mut().for_each(|a| *a = A::default());
        for &i in rows {
            for (a, &v) in acc.iter_mut().zip(&g[i as usize * width + base..][..w]) {
                *a += A::from(v);
            }
        }
        for (o, &a) in out[base..base + w].iter_mut().zip(acc.iter()) {
            *o = a.into();
        }
    }
}

/// Column-major copy of a row-major rows x cols matrix.
fn transpose<T: Copy + Default>(m: &[T], rows: usize, cols: usize) -> Vec<T> {
    let mut t = vec![T::default(); m.len()];
    for (i, row) in m.chunks_exact(cols).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            t[j * rows + i] = v;
        }
    }
    t
}

/// Round half away from zero without a libm call (as `f64::round`).
#[inline(always)]
pub(crate) fn round_i64(v: f64) -> i64 {
    (v + if v >= 0.0 { 0.5 } else { -0.5 }) as i64
}

fn to_q12(g: f64) -> i32 {
    round_i64(g * G_ONE as f64) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DeviceConfig;
    use crate::device::{IdealDevice, ReramDevice};

    #[test]
    fn ideal_sensing_sums_levels_of_driven_lines() {
        let mut a = CellArray::new(4, 3, 6, Key::new(1), Arc::new(IdealDevice));
        a.write_row(0, &[1, 2, 3]);
        a.write_row(2, &[10, 20, 30]);
        let mut out = [0i64; 3];
        a.sense_columns(&[0, 2], &mut out);
        assert_eq!(out, [11 << 12, 22 << 12, 33 << 12]);
        let mut rows = [0i64; 4];
        a.sense_rows(&[1, 2], &mut rows);
        assert_eq!(rows, [5 << 12, 0, 50 << 12, 0]);
        let st = a.update_row(a.clone().begin_update(), 0, &[70, -5, 0]);
        assert_eq!(st.events, 2);
        assert_eq!(st.levels, 8.0 + 3.0);
        assert_eq!(a.level(0, 0), Some(63));
        assert_eq!(a.level(0, 1), Some(0));
    }

    #[test]
    fn analog_sensing_in_both_directions_sums_conductances_after_updates() {
        let p = DeviceConfig {
            d2d_sigma: 0.1,
            write_noise_sigma: 0.2,
            ..DeviceConfig::default()
        };
        let dev: Arc<dyn DeviceModel> = Arc::new(ReramDevice::new(p));
        let (rows, cols) = (5usize, 7usize);
        let mut a = CellArray::new(rows, cols, 6, Key::new(4), dev);
        for i in 0..rows {
            a.write_row(
                i,
                &(0..cols as u32)
                    .map(|j| (3 * i as u32 + j) % 64)
                    .collect::<Vec<_>>(),
            );
        }
        let check = |a: &mut CellArray| {
            let q12 = |i: usize, j: usize| (a.conductance(i, j) * 4096.0).round() as i64;
            let (act_r, act_c) = ([0u32, 2, 4], [1u32, 3, 6]);
            let want_c: Vec<i64> = (0..cols)
                .map(|j| act_r.iter().map(|&i| q12(i as usize, j)).sum())
                .collect();
            let want_r: Vec<i64> = (0..rows)
                .map(|i| act_c.iter().map(|&j| q12(i, j as usize)).sum())
                .collect();
            let (mut oc, mut or) = (vec![0i64; cols], vec![0i64; rows]);
            a.sense_columns(&act_r, &mut oc);
            a.sense_rows(&act_c, &mut or);
            assert_eq!(oc, want_c);
            assert_eq!(or, want_r);
        };
        check(&mut a);
        // After an update the column-major copy must follow.
        let e = a.begin_update();
        a.update_row(e, 2, &[3, -2, 0, 5, 1, -4, 2]);
        check(&mut a);
    }

    #[test]
    fn read_noise_std_scales_with_sqrt_of_active_cells() {
        let p = DeviceConfig {
            read_noise_sigma: 0.3,
            ..DeviceConfig::default()
        };
        let dev: Arc<dyn DeviceModel> = Arc::new(ReramDevice::new(p));
        let (rows, cols) = (64usize, 64usize);
        let mut a = CellArray::new(rows, cols, 6, Key::new(2), dev);
        for i in 0..rows {
            a.write_row(i, &vec![20; cols]);
        }
        let active: Vec<u32> = (0..16).collect();
        let mut out = vec![0i64; cols];
        let mut dev_sum = 0.0;
        let mut dev_sq = 0.0;
        let mut n = 0.0;
        for _ in 0..400 {
            a.sense_columns(&active, &mut out);
            for &o in &out {
                let r = o as f64 / 4096.0 - 16.0 * 20.0;
                dev_sum += r;
                dev_sq += r * r;
                n += 1.0;
            }
        }
        let mean = dev_sum / n;
        let std = (dev_sq / n - mean * mean).sqrt();
        let want = 0.3 * 4.0;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((std - want).abs() < 0.03 * want, "std {std} want {want}");
    }
}
