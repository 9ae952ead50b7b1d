//! Fixed-point word helpers: two's complement ranges, rounding and saturation.
//!
//! Output rounding is round-half-up (add half an LSB, then arithmetic shift right, i.e.
//! ties go towards +infinity); saturation clamps to the word range. See docs/arithmetic.md.

/// Smallest value of a `bits`-wide two's complement word.
#[inline]
pub fn word_min(bits: u32) -> i64 {
    -(1i64 << (bits - 1))
}

/// Largest value of a `bits`-wide two's complement word.
#[inline]
pub fn word_max(bits: u32) -> i64 {
    (1i64 << (bits - 1)) - 1
}

#[inline]
pub fn in_word(v: i64, bits: u32) -> bool {
    (word_min(bits)..=word_max(bits)).contains(&v)
}

/// Clamp to the word range; returns the value and whether it was clamped.
#[inline]
pub fn saturate(v: i64, bits: u32) -> (i64, bool) {
    let (lo, hi) = (word_min(bits), word_max(bits));
    if v < lo {
        (lo, true)
    } else if v > hi {
        (hi, true)
    } else {
        (v, false)
    }
}

/// Round-half-up shift right: floor((v + 2^(shift-1)) / 2^shift).
#[inline]
pub fn round_shift(v: i64, shift: u32) -> i64 {
    if shift == 0 {
        v
    } else {
        (v + (1i64 << (shift - 1))) >> shift
    }
}

/// Round, then saturate: the output word of an accumulated raw value.
#[inline]
pub fn to_output_word(raw: i64, shift: u32, bits: u32) -> (i64, bool) {
    saturate(round_shift(raw, shift), bits)
}

/// Float to fixed point with round-to-nearest and saturation (for demos and data sets).
pub fn from_f64(v: f64, frac_bits: u32, bits: u32) -> i64 {
    let scaled = (v * (1u64 << frac_bits) as f64).round();
    let clamped = scaled.clamp(word_min(bits) as f64, word_max(bits) as f64);
    clamped as i64
}

pub fn to_f64(v: i64, frac_bits: u32) -> f64 {
    v as f64 / (1u64 << frac_bits) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_ties_go_up() {
        assert_eq!(round_shift(3, 1), 2); // 1.5 -> 2
        assert_eq!(round_shift(-3, 1), -1); // -1.5 -> -1
        assert_eq!(round_shift(5, 2), 1); // 1.25 -> 1
        assert_eq!(to_output_word(1 << 30, 12, 16), (32767, true));
        assert_eq!(to_output_word(-(1 << 30), 12, 16), (-32768, true));
    }
}
