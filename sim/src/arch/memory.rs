//! Tile shared memory (eDRAM, 16-bit words) with its attribute store: a valid bit and a
//! read counter per word (docs/references.md §2).
//! - a store (`st`, `receive`) waits until every target word is invalid, then writes the
//!   words valid with count = the instruction's counter;
//! - a read (`ld`, `send`) waits until every word is valid, then counts one read per word;
//!   a word whose count reaches 0 becomes invalid;
//! - count 0 marks a persistent word (initial data): reads never consume it.

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SharedMemory {
    words: Vec<i16>,
    valid: Vec<bool>,
    count: Vec<u8>,
}

impl SharedMemory {
    pub fn new(words: usize) -> SharedMemory {
        SharedMemory {
            words: vec![0; words],
            valid: vec![false; words],
            count: vec![0; words],
        }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Error message when addr..addr+width leaves the memory.
    pub fn check_range(&self, addr: usize, width: usize) -> Result<(), String> {
        if addr + width > self.words.len() {
            Err(format!(
                "shared memory words {addr}..{} are outside the {}-word shared memory",
                addr + width,
                self.words.len()
            ))
        } else {
            Ok(())
        }
    }

    pub fn all_valid(&self, addr: usize, width: usize) -> bool {
        self.valid[addr..addr + width].iter().all(|&v| v)
    }

    pub fn all_invalid(&self, addr: usize, width: usize) -> bool {
        self.valid[addr..addr + width].iter().all(|&v| !v)
    }

    /// First word of the range that blocks a read (invalid) or a write (valid).
    pub fn first_blocking(&self, addr: usize, width: usize, for_read: bool) -> Option<usize> {
        (addr..addr + width).find(|&a| self.valid[a] != for_read)
    }

    /// Read `out.len()` valid words and count one read of each.
    pub fn read_consume(&mut self, addr: usize, out: &mut [i16]) {
        for (k, o) in out.iter_mut().enumerate() {
            let a = addr + k;
            debug_assert!(self.valid[a], "read of an invalid word {a}");
            *o = self.words[a];
            if self.count[a] > 0 {
                self.count[a] -= 1;
                if self.count[a] == 0 {
                    self.valid[a] = false;
                }
            }
        }
    }

    /// Write words as valid with `counter` future reads (0 = persistent).
    pub fn write_valid(&mut self, addr: usize, data: &[i16], counter: u8) {
        for (k, &d) in data.iter().enumerate() {
            self.words[addr + k] = d;
            self.valid[addr + k] = true;
            self.count[addr + k] = counter;
        }
    }

    /// Word values regardless of validity (dumps, tests).
    pub fn peek(&self, addr: usize, width: usize) -> &[i16] {
        &self.words[addr..addr + width]
    }

    pub fn is_valid(&self, addr: usize) -> bool {
        self.valid[addr]
    }

    pub fn count(&self, addr: usize) -> u8 {
        self.count[addr]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_consumes_and_persistent_words_stay() {
        let mut m = SharedMemory::new(32);
        assert!(m.all_invalid(0, 4));
        m.write_valid(0, &[1, 2], 2);
        assert!(m.all_valid(0, 2) && !m.all_invalid(0, 2));
        let mut out = [0; 2];
        m.read_consume(0, &mut out);
        assert_eq!(out, [1, 2]);
        assert!(m.all_valid(0, 2));
        m.read_consume(0, &mut out);
        assert!(
            m.all_invalid(0, 2),
            "second read of counter 2 frees the words"
        );
        m.write_valid(4, &[9], 0);
        for _ in 0..5 {
            m.read_consume(4, &mut out[..1]);
        }
        assert!(m.is_valid(4));
        assert_eq!(m.first_blocking(3, 2, true), Some(3));
        assert!(m.check_range(30, 4).is_err());
    }
}
