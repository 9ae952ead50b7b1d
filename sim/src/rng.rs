//! Counter-based randomness: every draw is a pure function of (seed, stream, index).
//!
//! The golden model, the cycle-level RTL and Verilator touch cells in different orders;
//! keying each draw by what it is for (array, cell or line, event number) instead of by
//! its position in one sequential stream makes all three see the same values.

/// splitmix64 finaliser: a bijective 64-bit mix with good avalanche.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

/// A key for one family of draws, e.g. (seed, purpose, array id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(u64);

impl Key {
    pub fn new(seed: u64) -> Key {
        Key(mix64(seed ^ 0x5041_4e54_4845_5221))
    }
    /// Derive a sub-key; order of derivation matters, draws inside do not depend on call order.
    #[inline(always)]
    pub fn with(self, v: u64) -> Key {
        Key(mix64(self.0 ^ mix64(v.wrapping_add(0x9e3779b97f4a7c15))))
    }
    #[inline(always)]
    pub fn bits(self, index: u64) -> u64 {
        mix64(self.0.wrapping_add(index.wrapping_mul(0x9e3779b97f4a7c15)))
    }
    /// Uniform in [0, 1).
    #[inline(always)]
    pub fn uniform(self, index: u64) -> f64 {
        ((self.bits(index) >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    /// Standard normal draw (see [`normal_from_bits`]).
    #[inline(always)]
    pub fn normal(self, index: u64) -> f64 {
        normal_from_bits(self.bits(index))
    }
}

/// Knots of the inverse normal CDF used by [`normal_from_bits`].
const NORMAL_KNOTS: usize = 4096;

/// Segments of the interpolated inverse CDF: value = base + frac * slope.
fn normal_table() -> &'static [(f64, f64); NORMAL_KNOTS] {
    static TABLE: std::sync::OnceLock<Box<[(f64, f64); NORMAL_KNOTS]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut k = vec![0.0; NORMAL_KNOTS + 1];
        for (i, v) in k.iter_mut().enumerate() {
            *v = inverse_normal_cdf((i as f64 + 0.5) / (NORMAL_KNOTS as f64 + 1.0));
        }
        // Scale so that the piecewise-linear distribution has exactly unit variance:
        // each segment is uniform between its knots, E[X^2] = (a^2 + ab + b^2) / 3.
        let var: f64 = k
            .windows(2)
            .map(|w| (w[0] * w[0] + w[0] * w[1] + w[1] * w[1]) / 3.0)
            .sum::<f64>()
            / NORMAL_KNOTS as f64;
        let s = 1.0 / var.sqrt();
        let mut t = Box::new([(0.0, 0.0); NORMAL_KNOTS]);
        for (i, seg) in t.iter_mut().enumerate() {
            *seg = (k[i] * s, (k[i + 1] - k[i]) * s);
        }
        t
    })
}

/// A standard normal value from 64 random bits: linear interpolation of the inverse CDF
/// between 4,097 knots (fast and order-free; tails end at about 3.9 sigma, variance 1).
#[inline(always)]
pub fn normal_from_bits(bits: u64) -> f64 {
    let t = normal_table();
    let u = bits >> 12; // 52 bits: 12 select the segment, 40 place the value in it
    let (base, slope) = t[(u >> 40) as usize & (NORMAL_KNOTS - 1)];
    // Through i64: a signed conversion is one instruction, an unsigned one is several.
    let frac = ((u & ((1 << 40) - 1)) as i64) as f64 * (1.0 / (1u64 << 40) as f64);
    base + frac * slope
}

/// Acklam's rational approximation of the inverse standard normal CDF (rel. error < 1.2e-9).
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// A small sequential generator for test stimulus and demos (not for device effects).
#[derive(Debug, Clone)]
pub struct SeqRng {
    key: Key,
    n: u64,
}

impl SeqRng {
    pub fn new(seed: u64) -> SeqRng {
        SeqRng {
            key: Key::new(seed).with(0x5345_5152_4e47),
            n: 0,
        }
    }
    pub fn next_u64(&mut self) -> u64 {
        self.n += 1;
        self.key.bits(self.n)
    }
    /// Uniform integer in [lo, hi] (inclusive).
    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }
    pub fn uniform(&mut self) -> f64 {
        self.n += 1;
        self.key.uniform(self.n)
    }
    pub fn normal(&mut self) -> f64 {
        self.n += 1;
        self.key.normal(self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_has_unit_moments() {
        let k = Key::new(7).with(3);
        let n = 200_000u64;
        let (mut s, mut s2) = (0.0, 0.0);
        for i in 0..n {
            let v = k.normal(i);
            s += v;
            s2 += v * v;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "var {var}");
    }

    #[test]
    fn normal_tails_match_the_gaussian() {
        let k = Key::new(11);
        let n = 400_000u64;
        let beyond = |s: f64| (0..n).filter(|&i| k.normal(i).abs() > s).count() as f64 / n as f64;
        // P(|Z| > 1) = 0.3173, P(|Z| > 2) = 0.0455, P(|Z| > 3) = 0.0027.
        assert!((beyond(1.0) - 0.3173).abs() < 0.004);
        assert!((beyond(2.0) - 0.0455).abs() < 0.0015);
        assert!((beyond(3.0) - 0.0027).abs() < 0.0005);
    }

    #[test]
    fn keys_are_order_independent_and_seed_dependent() {
        let a = Key::new(1).with(5);
        assert_eq!(a.bits(10), Key::new(1).with(5).bits(10));
        assert_ne!(a.bits(10), Key::new(2).with(5).bits(10));
        assert_ne!(a.bits(10), a.bits(11));
    }
}
