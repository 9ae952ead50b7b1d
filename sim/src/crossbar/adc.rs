//! Sample-and-hold and the SAR ADC.
//!
//! The comparator lives in the analog block: it compares the held current with the
//! reference of a trial code, with thresholds half a level below each code, so a SAR
//! conversion yields round-half-up of the held current clamped to the code range.
//! [`Adc::convert`] is the closed form; [`Adc::sar_convert`] runs the bit-by-bit search
//! through [`Adc::compare`], and a test proves they agree.

use super::{G_FRAC, G_ONE};

/// One conversion: the code and whether the held value was above the top code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversion {
    pub code: u32,
    pub clipped: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adc {
    pub bits: u32,
    pub max_code: u32,
}

impl Adc {
    pub fn new(bits: u32) -> Adc {
        Adc {
            bits,
            max_code: ((1u64 << bits) - 1) as u32,
        }
    }

    /// Comparator: is the held current (Q.12 levels) at or above trial code's threshold?
    #[inline]
    pub fn compare(held_q12: i64, trial_code: u32) -> bool {
        held_q12 + G_ONE / 2 >= (trial_code as i64) << G_FRAC
    }

    /// Closed form of a SAR conversion. Below zero gives code 0 (not counted as a clip);
    /// above the top code gives max_code and counts as a clip.
    #[inline]
    pub fn convert(&self, held_q12: i64) -> Conversion {
        let v = (held_q12 + G_ONE / 2) >> G_FRAC;
        if v > self.max_code as i64 {
            Conversion {
                code: self.max_code,
                clipped: true,
            }
        } else {
            Conversion {
                code: v.max(0) as u32,
                clipped: false,
            }
        }
    }

    /// The successive-approximation search, MSB first, one comparator decision per bit.
    pub fn sar_convert(&self, held_q12: i64) -> Conversion {
        let mut code = 0u32;
        for b in (0..self.bits).rev() {
            let trial = code | (1 << b);
            if Adc::compare(held_q12, trial) {
                code = trial;
            }
        }
        // One more comparison against the code above the range flags over-range.
        let clipped = code == self.max_code && Adc::compare(held_q12, self.max_code + 1);
        Conversion { code, clipped }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sar_search_equals_closed_form(bits in 1u32..=14, held in -100_000i64..100_000_000) {
            let adc = Adc::new(bits);
            prop_assert_eq!(adc.sar_convert(held), adc.convert(held));
        }

        #[test]
        fn codes_stay_in_range(bits in 1u32..=14, held in any::<i32>()) {
            let adc = Adc::new(bits);
            let c = adc.convert(held as i64);
            prop_assert!(c.code <= adc.max_code);
            prop_assert_eq!(c.clipped, ((held as i64 + 2048) >> 12) > adc.max_code as i64);
        }
    }
}
