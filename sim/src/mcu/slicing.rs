//! How a signed weight word is spread over slice cells (docs/arithmetic.md).
//!
//! Offset binary: u = w + 2^(W-1) is unsigned; digit k is bits [n(k+1)-1 : nk] of u.
//! A cell of b_k bits stores level L_k = digit_k + c_k with c_k = 2^(b_k-1) - 2^(n-1), which
//! centres the nominal digits in the cell range and leaves headroom for carries both ways.
//! The represented value is w = sum_k (L_k - c_k) 2^(nk) - 2^(W-1) = sum_k L_k 2^(nk) - C,
//! with the constant C = sum_k c_k 2^(nk) + 2^(W-1) removed digitally after MVM/MTVM.

use crate::fixed;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceLayout {
    pub word_bits: u32,
    pub nominal_bits: u32,
    pub cell_bits: Vec<u32>,
    /// Level of nominal digit 0 in each slice.
    pub offsets: Vec<u32>,
}

impl SliceLayout {
    pub fn new(word_bits: u32, nominal_bits: u32, cell_bits: &[u32]) -> SliceLayout {
        let offsets = cell_bits
            .iter()
            .map(|&b| (1u32 << (b - 1)) - (1u32 << (nominal_bits - 1)))
            .collect();
        SliceLayout {
            word_bits,
            nominal_bits,
            cell_bits: cell_bits.to_vec(),
            offsets,
        }
    }

    /// Cells that only ever hold nominal digits (read copies): b_k = n, no offset.
    pub fn nominal(word_bits: u32, nominal_bits: u32) -> SliceLayout {
        let s = (word_bits / nominal_bits) as usize;
        SliceLayout::new(word_bits, nominal_bits, &vec![nominal_bits; s])
    }

    pub fn slices(&self) -> usize {
        self.cell_bits.len()
    }

    pub fn max_level(&self, k: usize) -> u32 {
        (1u32 << self.cell_bits[k]) - 1
    }

    /// Weight of slice k in the word: 2^(n k).
    pub fn place(&self, k: usize) -> i64 {
        1i64 << (self.nominal_bits as usize * k)
    }

    pub fn bias(&self) -> i64 {
        1i64 << (self.word_bits - 1)
    }

    /// The digital correction constant C.
    pub fn correction(&self) -> i64 {
        self.offsets
            .iter()
            .enumerate()
            .map(|(k, &c)| c as i64 * self.place(k))
            .sum::<i64>()
            + self.bias()
    }

    /// Level of slice k for a word (must be in the word range).
    #[inline]
    pub fn level(&self, k: usize, w: i64) -> u32 {
        debug_assert!(fixed::in_word(w, self.word_bits));
        let digit = ((w + self.bias()) >> (self.nominal_bits as usize * k))
            & ((1 << self.nominal_bits) - 1);
        digit as u32 + self.offsets[k]
    }

    /// Levels of one word, one per slice.
    pub fn encode(&self, w: i64, out: &mut [u32]) {
        for (k, o) in out.iter_mut().enumerate() {
            *o = self.level(k, w);
        }
    }

    /// Represented value of one word's levels (outside the word while carries are pending).
    pub fn value(&self, levels: &[u32]) -> i64 {
        let mut v = [-self.correction()];
        for (k, &l) in levels.iter().enumerate() {
            self.add_slice(k, &[l], &mut v);
        }
        v[0]
    }

    /// Slice k of many words: `out[c]` = level of `values[c]` (serial writes).
    pub fn slice_levels(&self, k: usize, values: &[i64], out: &mut [u32]) {
        for (o, &v) in out.iter_mut().zip(values) {
            *o = self.level(k, v);
        }
    }

    /// Adds slice k's share `L * 2^(nk)` to represented values; start from `-correction()`
    /// and add every slice (serial reads, cached values).
    pub fn add_slice<L: Copy + Into<i64>>(&self, k: usize, levels: &[L], values: &mut [i64]) {
        let shift = self.nominal_bits as usize * k;
        for (v, &l) in values.iter_mut().zip(levels) {
            *v += l.into() << shift;
        }
    }

    /// True when every slice holds a nominal digit.
    pub fn is_nominal(&self, levels: &[u32]) -> bool {
        levels
            .iter()
            .zip(&self.offsets)
            .all(|(&l, &c)| l >= c && l < c + (1 << self.nominal_bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panther_layout_offsets_and_correction() {
        let l = SliceLayout::new(16, 2, &[6, 6, 6, 6, 5, 5, 5, 5]);
        assert_eq!(l.offsets, vec![30, 30, 30, 30, 14, 14, 14, 14]);
        let mut v = [0u32; 8];
        for w in [-32768i64, -1, 0, 1, 12345, 32767] {
            l.encode(w, &mut v);
            assert_eq!(l.value(&v), w);
            assert!(l.is_nominal(&v));
            let sum: i64 = v
                .iter()
                .enumerate()
                .map(|(k, &x)| x as i64 * l.place(k))
                .sum();
            assert_eq!(sum - l.correction(), w);
        }
        let n = SliceLayout::nominal(16, 2);
        assert_eq!(n.offsets, vec![0; 8]);
        assert_eq!(n.correction(), 32768);
    }
}
