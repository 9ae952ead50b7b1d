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
        (self.bits(index) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    /// Standard normal, by the Box-Muller transform of two 32-bit uniforms taken from one draw.
    #[inline(always)]
    pub fn normal(self, index: u64) -> f64 {
        let b = self.bits(index);
        // u1 in (0, 1] so that ln is finite.
        let u1 = ((b >> 32) as f64 + 1.0) * (1.0 / 4294967296.0);
        let u2 = (b & 0xffff_ffff) as f64 * (1.0 / 4294967296.0);
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
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
    fn keys_are_order_independent_and_seed_dependent() {
        let a = Key::new(1).with(5);
        assert_eq!(a.bits(10), Key::new(1).with(5).bits(10));
        assert_ne!(a.bits(10), Key::new(2).with(5).bits(10));
        assert_ne!(a.bits(10), a.bits(11));
    }
}
