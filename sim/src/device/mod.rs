//! ReRAM cell behaviour behind a trait.
//!
//! A cell has integer levels 0..=max_level. An ideal device conducts exactly its level (in
//! level units). [`ReramDevice`] adds seeded, independently switchable effects; see
//! docs/device.md for every formula and parameter. Users can plug in their own model by
//! implementing [`DeviceModel`].

mod reram;

pub use reram::ReramDevice;

use crate::config::DeviceConfig;
use crate::rng::Key;

/// Fixed per-cell properties drawn once when an array is built (device-to-device).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellTraits {
    /// Conductance scale (1.0 for a nominal cell).
    pub gain: f64,
    /// 1 / gain (0 for a dead cell of gain 0), kept to avoid a division per update.
    pub inv_gain: f64,
    pub stuck: Stuck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stuck {
    No,
    /// Stuck at the lowest conductance; writes have no effect.
    Low,
    /// Stuck at the highest conductance; writes have no effect.
    High,
}

/// Result of one lumped update of a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpdateOutcome {
    /// New conductance in level units.
    pub g: f64,
    /// Part of the update lost at a rail, in level units (>= 0).
    pub clipped_levels: f64,
}

/// A device model. Conductances are in level units: an ideal cell at level L conducts L.
pub trait DeviceModel: Send + Sync + std::fmt::Debug {
    /// True when cells are exact integer levels (the fast integer path is used).
    fn is_ideal(&self) -> bool;
    /// Per-cell fixed traits, drawn from `key` (array) and `cell` (index in the array).
    fn traits(&self, key: Key, cell: u64) -> CellTraits;
    /// Conductance after programming (serial write with verify) to `level`.
    /// `noise_key`/`event` identify the draw.
    fn program(&self, t: CellTraits, level: u32, max_level: u32, noise: Key, event: u64) -> f64;
    /// Apply a train of pulses worth `n` levels (signed) to a cell at conductance `g`.
    fn update(
        &self,
        t: CellTraits,
        g: f64,
        n: i64,
        max_level: u32,
        noise: Key,
        event: u64,
    ) -> UpdateOutcome;
    /// Standard deviation of one cell's read current, in levels.
    fn read_noise_sigma(&self) -> f64;

    /// Program a row of cells to `levels`, one `program` per cell.
    fn program_row(&self, row: CellRow<'_>, levels: &[u32]) {
        let (max, noise) = (row.max_level, row.noise);
        program_cells(row, levels, |t, l, i| self.program(t, l, max, noise, i))
    }

    /// Apply one update window to a row of cells: cell j moves by `n[j]` levels (0 =
    /// untouched). Returns (cells that hit a rail, levels lost at the rails). Override only
    /// for speed; the result must equal one `update` per cell.
    fn update_row(&self, row: CellRow<'_>, n: &[i16]) -> (u64, f64) {
        let (max, noise) = (row.max_level, row.noise);
        update_cells(row, n, |t, g, d, i| self.update(t, g, d, max, noise, i))
    }
}

/// One row of an analog array handed to a device model: conductances in Q.12 level units
/// (`crossbar::G_FRAC`), cell j drawing noise index `first_cell + j`.
pub struct CellRow<'a> {
    pub traits: &'a [CellTraits],
    pub g: &'a mut [i32],
    pub max_level: u32,
    pub noise: Key,
    pub first_cell: u64,
}

pub(crate) const Q12_ONE: f64 = (1u64 << crate::crossbar::G_FRAC) as f64;
/// 1 / Q12_ONE: a power of two, so multiplying by it equals dividing by Q12_ONE exactly.
pub(crate) const Q12_STEP: f64 = 1.0 / Q12_ONE;

/// The loop of a row program: `cell(traits, level, noise index)` gives one cell's
/// conductance in levels.
#[inline(always)]
pub fn program_cells(
    row: CellRow<'_>,
    levels: &[u32],
    mut cell: impl FnMut(CellTraits, u32, u64) -> f64,
) {
    let max = row.max_level;
    for (j, ((gc, &l), &t)) in row.g.iter_mut().zip(levels).zip(row.traits).enumerate() {
        let v = cell(t, l.min(max), row.first_cell + j as u64);
        *gc = crate::crossbar::round_i64(v * Q12_ONE) as i32;
    }
}

/// The loop of an update window: `cell(traits, g, n, noise index)` gives one updated cell;
/// cells with `n == 0` are untouched. Returns (cells that hit a rail, levels lost).
#[inline(always)]
pub fn update_cells(
    row: CellRow<'_>,
    n: &[i16],
    mut cell: impl FnMut(CellTraits, f64, i64, u64) -> UpdateOutcome,
) -> (u64, f64) {
    let (mut events, mut levels) = (0u64, 0f64);
    for (j, ((gc, &d), &t)) in row.g.iter_mut().zip(n).zip(row.traits).enumerate() {
        if d == 0 {
            continue;
        }
        let o = cell(
            t,
            *gc as f64 * Q12_STEP,
            d as i64,
            row.first_cell + j as u64,
        );
        *gc = crate::crossbar::round_i64(o.g * Q12_ONE) as i32;
        events += (o.clipped_levels > 0.0) as u64;
        levels += o.clipped_levels;
    }
    (events, levels)
}

/// Ideal integer levels, no noise.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdealDevice;

impl DeviceModel for IdealDevice {
    fn is_ideal(&self) -> bool {
        true
    }
    fn traits(&self, _: Key, _: u64) -> CellTraits {
        CellTraits {
            gain: 1.0,
            inv_gain: 1.0,
            stuck: Stuck::No,
        }
    }
    fn program(&self, _: CellTraits, level: u32, _: u32, _: Key, _: u64) -> f64 {
        level as f64
    }
    fn update(
        &self,
        _: CellTraits,
        g: f64,
        n: i64,
        max_level: u32,
        _: Key,
        _: u64,
    ) -> UpdateOutcome {
        let want = g + n as f64;
        let got = want.clamp(0.0, max_level as f64);
        UpdateOutcome {
            g: got,
            clipped_levels: (want - got).abs(),
        }
    }
    fn read_noise_sigma(&self) -> f64 {
        0.0
    }
}

/// The device model a configuration asks for.
pub fn from_config(cfg: &DeviceConfig) -> Box<dyn DeviceModel> {
    if cfg.is_ideal() {
        Box::new(IdealDevice)
    } else {
        Box::new(ReramDevice::new(cfg.clone()))
    }
}
