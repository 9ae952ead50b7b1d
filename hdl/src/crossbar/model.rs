//! The analog state behind the crossbar block: panther-sim's weight copies (cell arrays and
//! device models), the sample-and-hold capacitors and the open update window. Every call
//! goes to the same `CellArray` methods the golden MCU uses, in the same per-array order,
//! so the two levels see the same noise draws.

use super::SampleKind;
use panther_sim::config::Config;
use panther_sim::crossbar::Adc;
use panther_sim::device;
use panther_sim::mcu::{build_copies, WeightCopy};
use std::sync::Arc;

/// The crossbar's digital inputs at one rising clock edge (the rust_hdl block and the
/// Verilator DPI shell both hand these to [`CrossbarModel::clock_edge`]).
#[derive(Debug, Clone, Default)]
pub struct EdgeInputs {
    pub copy_sel: usize,
    pub row_drive: Vec<bool>,
    pub col_drive: Vec<bool>,
    /// The sample strobe and what it holds (`None`: no strobe).
    pub sample: Option<SampleKind>,
    pub slice_mask: u64,
    pub row_addr: usize,
    pub update_begin: bool,
    pub pulse: bool,
    pub pulse_negative: bool,
    pub slice_sel: usize,
    pub pulse_code: Vec<u32>,
    pub commit: bool,
    pub write: bool,
    pub write_level: Vec<u32>,
}

/// What a sample strobe holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// Drive rows, hold every column current (MVM).
    Columns,
    /// Drive columns, hold every row current (MTVM).
    Rows,
    /// Hold every cell of one row alone (serial read at cell resolution).
    RowCells(usize),
}

#[derive(Debug, Clone)]
struct UpdateWindow {
    copy: usize,
    /// Event number of each slice array's window.
    events: Vec<u64>,
    /// Lumped pulse count per cell: `pulses[slice][row * cols + col]`.
    pulses: Vec<Vec<i16>>,
}

#[derive(Debug, Clone)]
pub struct CrossbarModel {
    rows: usize,
    cols: usize,
    copies: Vec<WeightCopy>,
    /// Q.12 held value per slice and line.
    held: Vec<Vec<i64>>,
    held_lines: usize,
    window: Option<UpdateWindow>,
    /// Levels lost at the cell range, per slice of the last update window.
    clipped_levels: Vec<f64>,
    scratch: Vec<u32>,
}

impl CrossbarModel {
    /// The arrays of MCU `id` under `cfg`, every copy programmed to 0 as the golden MCU
    /// starts.
    pub fn new(cfg: &Config, id: u64) -> CrossbarModel {
        let dev: Arc<dyn device::DeviceModel> = Arc::from(device::from_config(&cfg.device));
        let (mut copies, _) = build_copies(cfg, id, dev);
        let (rows, cols) = (cfg.array.rows, cfg.array.cols);
        let zeros = vec![0i64; rows * cols];
        let mut scratch = Vec::new();
        for c in copies.iter_mut() {
            c.write_values(&zeros, &mut scratch, None);
        }
        let slices = copies.iter().map(|c| c.arrays.len()).max().unwrap_or(0);
        CrossbarModel {
            rows,
            cols,
            copies,
            held: vec![vec![0; rows.max(cols)]; slices],
            held_lines: 0,
            window: None,
            clipped_levels: vec![0.0; slices],
            scratch,
        }
    }

    pub fn copies(&self) -> &[WeightCopy] {
        &self.copies
    }

    /// Sample-and-hold of the slices of `copy` in `slices` (bit k = slice k; the others
    /// are not accessed, so their read-noise events do not advance). `active` lists the
    /// driven lines.
    pub fn sample(&mut self, copy: usize, slices: u64, what: Sample, active: &[u32]) {
        let Some(c) = self.copies.get_mut(copy) else {
            return;
        };
        let n = match what {
            Sample::Columns | Sample::RowCells(_) => self.cols,
            Sample::Rows => self.rows,
        };
        for (k, (a, h)) in c.arrays.iter_mut().zip(self.held.iter_mut()).enumerate() {
            let out = &mut h[..n];
            if slices >> k & 1 == 0 {
                out.iter_mut().for_each(|v| *v = 0);
                continue;
            }
            match what {
                Sample::Columns => a.sense_columns(active, out),
                Sample::Rows => a.sense_rows(active, out),
                Sample::RowCells(r) if r < self.rows => a.sample_row(r, out),
                Sample::RowCells(_) => out.iter_mut().for_each(|v| *v = 0),
            }
        }
        self.held_lines = n;
    }

    /// The comparator of slice `k`'s converter on `line`: held value >= trial code.
    pub fn compare(&self, k: usize, line: usize, trial: u32) -> bool {
        line < self.held_lines
            && self
                .held
                .get(k)
                .is_some_and(|h| Adc::compare(h[line], trial))
    }

    /// Everything the crossbar does at a rising clock edge, in the order the hardware
    /// does it; returns the clip count of a commit.
    pub fn clock_edge(&mut self, e: &EdgeInputs) -> Option<u64> {
        let active = |lines: &[bool]| -> Vec<u32> {
            (0..lines.len() as u32)
                .filter(|&i| lines[i as usize])
                .collect()
        };
        if let Some(what) = e.sample {
            let (kind, lines) = match what {
                SampleKind::SenseColumns => (Sample::Columns, active(&e.row_drive)),
                SampleKind::SenseRows => (Sample::Rows, active(&e.col_drive)),
                SampleKind::RowCells => (Sample::RowCells(e.row_addr), Vec::new()),
            };
            self.sample(e.copy_sel, e.slice_mask, kind, &lines);
        }
        if e.update_begin {
            self.begin_update(e.copy_sel);
        }
        if e.pulse {
            self.pulse(e.slice_sel, &e.row_drive, &e.pulse_code, e.pulse_negative);
        }
        let clip = e.commit.then(|| self.commit(e.slice_sel, &e.row_drive));
        if e.write {
            self.write_row(e.copy_sel, e.slice_sel, e.row_addr, &e.write_level);
        }
        clip
    }

    /// SAR comparator lane `lane` (slice `lane / shared_adcs`, converter
    /// `lane % shared_adcs`, on line `conv_base + converter`).
    pub fn lane_compare(
        &self,
        lane: usize,
        shared_adcs: usize,
        conv_base: usize,
        trial: u32,
    ) -> bool {
        let (k, a) = (lane / shared_adcs, lane % shared_adcs);
        self.compare(k, conv_base + a, trial)
    }

    /// Open an update window on every slice array of `copy`.
    pub fn begin_update(&mut self, copy: usize) {
        let Some(c) = self.copies.get_mut(copy) else {
            return;
        };
        let events = c.arrays.iter_mut().map(|a| a.begin_update()).collect();
        let n = self.rows * self.cols;
        self.window = Some(UpdateWindow {
            copy,
            events,
            pulses: vec![vec![0; n]; c.arrays.len()],
        });
        self.clipped_levels.iter_mut().for_each(|v| *v = 0.0);
    }

    /// One pulse step of slice `k`: every gated row, every column by its code.
    pub fn pulse(&mut self, k: usize, gates: &[bool], codes: &[u32], negative: bool) {
        let cols = self.cols;
        let Some(w) = self.window.as_mut() else {
            return;
        };
        let Some(p) = w.pulses.get_mut(k) else {
            return;
        };
        for (i, _) in gates.iter().enumerate().filter(|(_, &g)| g) {
            for (cell, &c) in p[i * cols..][..cols].iter_mut().zip(codes) {
                *cell += if negative { -(c as i16) } else { c as i16 };
            }
        }
    }

    /// Commit the lumped pulses of slice `k` on the given rows; returns the cells clipped.
    pub fn commit(&mut self, k: usize, rows: &[bool]) -> u64 {
        let cols = self.cols;
        let Some(w) = self.window.as_mut() else {
            return 0;
        };
        let (Some(a), Some(p)) = (self.copies[w.copy].arrays.get_mut(k), w.pulses.get(k)) else {
            return 0;
        };
        let mut events = 0;
        for (i, _) in rows.iter().enumerate().filter(|(_, &r)| r) {
            let st = a.update_row(w.events[k], i, &p[i * cols..][..cols]);
            events += st.events;
            self.clipped_levels[k] += st.levels;
        }
        events
    }

    /// Levels lost at the cell range per slice in the current/last update window.
    pub fn clipped_levels(&self) -> &[f64] {
        &self.clipped_levels
    }

    /// Serial write of row `row` of slice `k` of `copy`.
    pub fn write_row(&mut self, copy: usize, k: usize, row: usize, levels: &[u32]) {
        if let Some(a) = self.copies.get_mut(copy).and_then(|c| c.arrays.get_mut(k)) {
            if row < self.rows {
                self.scratch.clear();
                self.scratch.extend_from_slice(&levels[..self.cols]);
                a.write_row(row, &self.scratch);
            }
        }
    }
}
