//! A non-ideal ReRAM cell with independently switchable, seeded effects.
//!
//! Conductance g is in level units. With on/off ratio r (0 = infinite) the lowest
//! conductance is g_lo = max_level / r and level L programs to
//! g(L) = gain * (g_lo + L * (max_level - g_lo) / max_level); one level step is
//! `step = gain * (max_level - g_lo) / max_level`. Formulas: docs/device.md.

use super::{CellTraits, DeviceModel, Stuck, UpdateOutcome};
use crate::config::DeviceConfig;
use crate::rng::Key;

/// Largest pulse-train size (levels) served from the precomputed nonlinearity tables.
const TABLE_N: usize = 1024;

#[derive(Debug, Clone)]
pub struct ReramDevice {
    p: DeviceConfig,
    /// 1 / (1 - e^-alpha): w0 = range * this.
    w0_per_range: f64,
    /// 1 / on_off_ratio (0 for an infinite ratio): g_lo = max_level * this.
    inv_on_off: f64,
    /// 1 / (1 - inv_on_off): levels per unit of conductance of a cell of gain 1.
    levels_per_g: f64,
    /// Per cell width b (index b, max_level = 2^b - 1): 1 - e^(-alpha n / max_level), n = 0..=TABLE_N.
    saturation: [std::sync::OnceLock<Vec<f64>>; 9],
}

impl ReramDevice {
    pub fn new(p: DeviceConfig) -> ReramDevice {
        let a = p.nonlinearity_alpha;
        ReramDevice {
            w0_per_range: if a > 0.0 {
                1.0 / (1.0 - (-a).exp())
            } else {
                0.0
            },
            inv_on_off: if p.on_off_ratio > 0.0 {
                1.0 / p.on_off_ratio
            } else {
                0.0
            },
            levels_per_g: if p.on_off_ratio > 0.0 {
                1.0 / (1.0 - 1.0 / p.on_off_ratio)
            } else {
                1.0
            },
            p,
            saturation: Default::default(),
        }
    }

    /// The table of 1 - e^(-alpha n / max_level), n = 0..=TABLE_N, for cells of 2^b - 1 levels.
    fn saturation_table(&self, max_level: u32) -> Option<&[f64]> {
        let b = (max_level + 1).trailing_zeros() as usize;
        if !(max_level + 1).is_power_of_two() || b >= 9 {
            return None;
        }
        let t = self.saturation[b].get_or_init(|| {
            (0..=TABLE_N)
                .map(|k| 1.0 - (-self.p.nonlinearity_alpha * k as f64 / max_level as f64).exp())
                .collect()
        });
        Some(t)
    }

    /// What one update needs that depends on the array, not the cell.
    fn row_consts(&self, max_level: u32) -> RowConsts<'_> {
        RowConsts {
            max_level,
            saturation: if self.p.nonlinearity_alpha > 0.0 {
                self.saturation_table(max_level)
            } else {
                None
            },
            sqrt: sqrt_table(),
        }
    }

    /// One cell's update (shared by `update` and the row loop, so both give the same bits).
    #[inline(always)]
    fn apply<const NONLINEAR: bool, const NOISY: bool>(
        &self,
        c: &RowConsts<'_>,
        t: CellTraits,
        g: f64,
        n: i64,
        noise: Key,
        event: u64,
    ) -> UpdateOutcome {
        if t.stuck != Stuck::No || n == 0 {
            return UpdateOutcome {
                g,
                clipped_levels: 0.0,
            };
        }
        let (lo, hi, step) = self.rails(t, c.max_level);
        let range = hi - lo;
        let p = g - lo;
        let mag = n.unsigned_abs();
        let mut dp = if !NONLINEAR {
            n as f64 * step
        } else {
            // Positive: (w0 - p)(1 - e^(-a n/M)); negative: (range - w0 - p)(1 - e^(-a |n|/M)).
            let f = match c.saturation {
                Some(tab) if (mag as usize) <= TABLE_N => tab[mag as usize],
                _ => 1.0 - (-self.p.nonlinearity_alpha * mag as f64 / c.max_level as f64).exp(),
            };
            let w0 = range * self.w0_per_range;
            if n > 0 {
                (w0 - p) * f
            } else {
                (range - w0 - p) * f
            }
        };
        if NOISY {
            // Independent per-pulse noise of variance sigma^2 per level adds up to
            // sigma^2 * |n| for the whole train (all pulses on a cell share one sign).
            let root = if (mag as usize) <= TABLE_N {
                c.sqrt[mag as usize]
            } else {
                (mag as f64).sqrt()
            };
            dp += self.p.write_noise_sigma * step * root * noise.normal(event);
        }
        let want = p + dp;
        let got = want.max(0.0).min(range);
        UpdateOutcome {
            g: lo + got,
            clipped_levels: (want - got).abs() * t.inv_gain * self.levels_per_g,
        }
    }

    pub fn params(&self) -> &DeviceConfig {
        &self.p
    }

    /// Rails and level step of a cell: (lowest g, highest g, g per level). Multiplications
    /// only: this runs once per cell update.
    #[inline]
    pub fn rails(&self, t: CellTraits, max_level: u32) -> (f64, f64, f64) {
        let m = max_level as f64;
        (
            t.gain * m * self.inv_on_off,
            t.gain * m,
            t.gain * (1.0 - self.inv_on_off),
        )
    }
}

/// Calls `$self.$f::<NONLINEAR, NOISY>(args)` with the device's effect switches.
macro_rules! by_switches {
    ($self:ident . $f:ident ( $($arg:expr),* )) => {
        match ($self.p.nonlinearity_alpha > 0.0, $self.p.write_noise_sigma > 0.0) {
            (false, false) => $self.$f::<false, false>($($arg),*),
            (false, true) => $self.$f::<false, true>($($arg),*),
            (true, false) => $self.$f::<true, false>($($arg),*),
            (true, true) => $self.$f::<true, true>($($arg),*),
        }
    };
}

/// Per-row constants of an update.
struct RowConsts<'a> {
    max_level: u32,
    saturation: Option<&'a [f64]>,
    sqrt: &'a [f64],
}

/// sqrt(n) for n = 0..=TABLE_N (pulse-train sizes).
fn sqrt_table() -> &'static [f64] {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| (0..=TABLE_N).map(|k| (k as f64).sqrt()).collect())
}

impl DeviceModel for ReramDevice {
    fn is_ideal(&self) -> bool {
        false
    }

    fn traits(&self, key: Key, cell: u64) -> CellTraits {
        let gain = if self.p.d2d_sigma > 0.0 {
            (1.0 + self.p.d2d_sigma * key.with(1).normal(cell)).clamp(0.0, 2.0)
        } else {
            1.0
        };
        let u = key.with(2).uniform(cell);
        let stuck = if u < self.p.stuck_low_fraction {
            Stuck::Low
        } else if u < self.p.stuck_low_fraction + self.p.stuck_high_fraction {
            Stuck::High
        } else {
            Stuck::No
        };
        CellTraits {
            gain,
            inv_gain: if gain > 0.0 { 1.0 / gain } else { 0.0 },
            stuck,
        }
    }

    #[inline(always)]
    fn program(&self, t: CellTraits, level: u32, max_level: u32, noise: Key, event: u64) -> f64 {
        let (lo, hi, step) = self.rails(t, max_level);
        match t.stuck {
            Stuck::Low => return lo,
            Stuck::High => return hi,
            Stuck::No => {}
        }
        let mut g = lo + level as f64 * step;
        if self.p.write_noise_sigma > 0.0 {
            // Program-and-verify leaves one step's worth of write noise.
            g += self.p.write_noise_sigma * step * noise.normal(event);
        }
        g.clamp(lo, hi)
    }

    fn update(
        &self,
        t: CellTraits,
        g: f64,
        n: i64,
        max_level: u32,
        noise: Key,
        event: u64,
    ) -> UpdateOutcome {
        let c = self.row_consts(max_level);
        by_switches!(self.apply(&c, t, g, n, noise, event))
    }

    fn read_noise_sigma(&self) -> f64 {
        self.p.read_noise_sigma
    }

    fn update_row(&self, row: super::CellRow<'_>, n: &[i16]) -> (u64, f64) {
        // Array constants looked up once per row, effect switches fixed at compile time.
        by_switches!(self.update_row_as(row, n))
    }
}

impl ReramDevice {
    fn update_row_as<const NONLINEAR: bool, const NOISY: bool>(
        &self,
        row: super::CellRow<'_>,
        n: &[i16],
    ) -> (u64, f64) {
        let c = self.row_consts(row.max_level);
        let noise = row.noise;
        super::update_cells(row, n, |t, g, d, i| {
            self.apply::<NONLINEAR, NOISY>(&c, t, g, d, noise, i)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(edit: impl Fn(&mut DeviceConfig)) -> ReramDevice {
        let mut p = DeviceConfig::default();
        edit(&mut p);
        ReramDevice::new(p)
    }

    fn nominal() -> CellTraits {
        CellTraits {
            gain: 1.0,
            inv_gain: 1.0,
            stuck: Stuck::No,
        }
    }

    fn moments(v: &[f64]) -> (f64, f64) {
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
        (m, var.sqrt())
    }

    #[test]
    fn write_noise_std_grows_with_sqrt_of_update() {
        let d = dev(|p| p.write_noise_sigma = 0.2);
        let k = Key::new(3);
        for n in [1i64, 4, -9] {
            let v: Vec<f64> = (0..40_000)
                .map(|e| d.update(nominal(), 30.0, n, 63, k, e).g - 30.0 - n as f64)
                .collect();
            let (m, s) = moments(&v);
            let want = 0.2 * (n.abs() as f64).sqrt();
            assert!(m.abs() < 0.01 * want.max(1.0), "n={n} mean {m}");
            assert!((s - want).abs() < 0.02 * want, "n={n} std {s} want {want}");
        }
    }

    #[test]
    fn d2d_gain_has_documented_spread_and_is_fixed_per_cell() {
        let d = dev(|p| p.d2d_sigma = 0.05);
        let k = Key::new(9).with(4);
        let g: Vec<f64> = (0..40_000).map(|c| d.traits(k, c).gain).collect();
        let (m, s) = moments(&g);
        assert!((m - 1.0).abs() < 0.002, "mean {m}");
        assert!((s - 0.05).abs() < 0.002, "std {s}");
        assert_eq!(d.traits(k, 17), d.traits(k, 17));
        // A level programs to gain * level.
        let t = d.traits(k, 5);
        assert!((d.program(t, 10, 63, k, 0) - 10.0 * t.gain).abs() < 1e-12);
    }

    #[test]
    fn nonlinearity_follows_the_saturating_formula() {
        let alpha = 2.0;
        let d = dev(|p| p.nonlinearity_alpha = alpha);
        let (r, m) = (63.0, 63u32);
        let w0 = r / (1.0 - (-alpha).exp());
        for (g, n) in [(0.0, 5i64), (40.0, 5), (40.0, -5), (60.0, -20)] {
            let got = d.update(nominal(), g, n, m, Key::new(1), 0).g;
            let delta = n as f64 / r;
            let want_dp = if n > 0 {
                (w0 - g) * (1.0 - (-alpha * delta).exp())
            } else {
                (r - w0 - g) * (1.0 - (alpha * delta).exp())
            };
            assert!((got - (g + want_dp).clamp(0.0, r)).abs() < 1e-9);
        }
        // Updates shrink towards the rail in their direction (asymmetry).
        let up_low = d.update(nominal(), 5.0, 4, m, Key::new(1), 0).g - 5.0;
        let up_high = d.update(nominal(), 55.0, 4, m, Key::new(1), 0).g - 55.0;
        assert!(up_low > up_high && up_high > 0.0);
        // Composition: two trains equal one of the summed size (what lets the model lump pulses).
        let two = d
            .update(
                nominal(),
                d.update(nominal(), 10.0, 3, m, Key::new(1), 0).g,
                4,
                m,
                Key::new(1),
                0,
            )
            .g;
        let one = d.update(nominal(), 10.0, 7, m, Key::new(1), 0).g;
        assert!((two - one).abs() < 1e-9);
    }

    #[test]
    fn stuck_fractions_match_and_stuck_cells_ignore_writes() {
        let d = dev(|p| {
            p.stuck_low_fraction = 0.02;
            p.stuck_high_fraction = 0.03;
        });
        let k = Key::new(5);
        let n = 100_000;
        let (mut lo, mut hi) = (0, 0);
        for c in 0..n {
            let t = d.traits(k, c);
            match t.stuck {
                Stuck::Low => {
                    lo += 1;
                    assert_eq!(d.program(t, 40, 63, k, c), 0.0);
                }
                Stuck::High => {
                    hi += 1;
                    assert_eq!(d.update(t, 63.0, -10, 63, k, c).g, 63.0);
                }
                Stuck::No => {}
            }
        }
        let (fl, fh) = (lo as f64 / n as f64, hi as f64 / n as f64);
        assert!((fl - 0.02).abs() < 0.002, "{fl}");
        assert!((fh - 0.03).abs() < 0.002, "{fh}");
    }

    #[test]
    fn on_off_ratio_sets_the_floor() {
        let d = dev(|p| p.on_off_ratio = 10.0);
        let t = nominal();
        assert!((d.program(t, 0, 63, Key::new(1), 0) - 6.3).abs() < 1e-12);
        assert!((d.program(t, 63, 63, Key::new(1), 0) - 63.0).abs() < 1e-12);
        // Update can not go below the floor; the lost part is counted.
        let o = d.update(t, 6.3 + 2.0 * (63.0 - 6.3) / 63.0, -5, 63, Key::new(1), 0);
        assert!((o.g - 6.3).abs() < 1e-9);
        assert!((o.clipped_levels - 3.0).abs() < 1e-9);
    }
}
