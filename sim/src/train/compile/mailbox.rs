//! How an MCU operation on another core gets its operands and returns its result: through
//! mailboxes in the tiles' shared memories (eDRAM), one per worker core, at the same
//! address in every tile. The leader core stores an operand into the mailbox (valid for one
//! read), the worker core loads it into its XbarIn/XbarOut slot, runs `train` and stores
//! the result into the mailbox's result box, which the leader loads. A worker on another
//! tile is reached through the tile control units: tile 0 sends the operand words to the
//! worker's tile, which receives them into the same mailbox, and the result travels back
//! the same way. The valid bits order every hand-over, so no other synchronisation is needed.

/// Words of one mailbox: two operand boxes and a result box of one XbarIn slot each.
pub const MAILBOX_WORDS: usize = 3 * crate::isa::addr::SLOT_WORDS as usize;

/// One of the three boxes of a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxKind {
    /// The first operand (the inputs, deltas or OPA row inputs).
    A,
    /// The second operand (the OPA column inputs).
    B,
    /// The result.
    Result,
}

/// The mailbox of worker core `core` on tile `tile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mailbox {
    pub tile: usize,
    pub core: usize,
}

impl Mailbox {
    /// Its first eDRAM word: mailboxes are numbered by global core index.
    pub fn base(self, cores_per_tile: usize) -> usize {
        (self.tile * cores_per_tile + self.core) * MAILBOX_WORDS
    }

    pub fn addr(self, kind: BoxKind, cores_per_tile: usize) -> usize {
        let slot = crate::isa::addr::SLOT_WORDS as usize;
        self.base(cores_per_tile)
            + slot
                * match kind {
                    BoxKind::A => 0,
                    BoxKind::B => 1,
                    BoxKind::Result => 2,
                }
    }

    /// The listing's name of one of its boxes, e.g. `box_t1c0_a`.
    pub fn symbol(self, kind: BoxKind) -> String {
        let k = match kind {
            BoxKind::A => "a",
            BoxKind::B => "b",
            BoxKind::Result => "result",
        };
        format!("box_t{}c{}_{k}", self.tile, self.core)
    }
}

/// A vector of `len` words as eDRAM transfers: (offset, width, vec) with width at most 16
/// (one bus access or packet per iteration).
pub fn segments(len: usize) -> Vec<(usize, usize, usize)> {
    let w = crate::isa::instr::MAX_WIDTH as usize;
    let mut s = Vec::new();
    if len >= w {
        s.push((0, w, len / w));
    }
    if !len.is_multiple_of(w) {
        s.push((len / w * w, len % w, 1));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_a_vector_exactly_in_bus_widths() {
        for len in 1..=300 {
            let s = segments(len);
            let mut next = 0;
            for &(o, w, v) in &s {
                assert_eq!(o, next);
                assert!((1..=16).contains(&w));
                next += w * v;
            }
            assert_eq!(next, len);
            assert!(s.len() <= 2);
        }
        let m = Mailbox { tile: 1, core: 2 };
        assert_eq!(m.base(8), 10 * 384);
        assert_eq!(m.addr(BoxKind::Result, 8), 10 * 384 + 256);
        assert_eq!(m.symbol(BoxKind::B), "box_t1c2_b");
    }
}
