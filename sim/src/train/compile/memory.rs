//! Data-memory addresses of the plan's vectors on the leader core: a vector occupies its
//! words only from the first to the last operation of the step that uses it, so vectors
//! whose lives do not overlap share words (first fit). The runtime's vectors (input,
//! target, scores, prediction) and any vector read before the step writes it (such as the
//! update rounding's random words) keep their words for the whole step.

use crate::train::plan::{Op, Operand, Plan, Slice};

/// The buffers an operation reads and writes.
fn uses(op: &Op) -> (Vec<Slice>, Vec<Slice>) {
    match *op {
        Op::Mvm { x, y, .. } => (vec![x], vec![y]),
        Op::Mtvm { d, z, .. } => (vec![d], vec![z]),
        Op::Opa { x, d, .. } => (vec![x, d], vec![]),
        Op::Set { dst, .. } => (vec![], vec![dst]),
        Op::Copy { dst, src } => (vec![src], vec![dst]),
        Op::Window { .. } => (vec![], vec![]),
        Op::Alu { dst, a, b, .. } => {
            let mut r = vec![a];
            if let Operand::Vector(v) = b {
                r.push(v);
            }
            (r, vec![dst])
        }
    }
}

/// The step's vectors placed from `base`: each buffer's address (None: no operation uses
/// it), and one past the last word used.
pub fn allocate(plan: &Plan, base: usize) -> (Vec<Option<usize>>, usize) {
    let ops: Vec<&Op> = plan.forward.iter().chain(&plan.backward).collect();
    let n = plan.buffers.len();
    let mut first: Vec<Option<usize>> = vec![None; n];
    let mut last = vec![0usize; n];
    let mut read_first = vec![false; n];
    for (i, op) in ops.iter().enumerate() {
        let (reads, writes) = uses(op);
        for s in reads {
            if first[s.buf].is_none() {
                read_first[s.buf] = true;
            }
            first[s.buf].get_or_insert(i);
            last[s.buf] = i;
        }
        for s in writes {
            first[s.buf].get_or_insert(i);
            last[s.buf] = i;
        }
    }
    let io = plan.io;
    let end = ops.len();
    let life: Vec<(usize, usize)> = (0..n)
        .map(|b| {
            let pinned = [io.x, io.target, io.scores, io.prediction]
                .iter()
                .any(|s| s.buf == b)
                || read_first[b];
            match first[b] {
                _ if pinned => (0, end),
                Some(f) => (f, last[b]),
                // Never used: no words.
                None => (end + 1, end + 1),
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&b| (life[b].0, std::cmp::Reverse(plan.buffers[b].1)));
    let mut addr = vec![None; n];
    // (offset, len, last use) of the vectors placed so far that may still be live.
    let mut placed: Vec<(usize, usize, usize)> = Vec::new();
    let mut top = 0;
    for b in order {
        let (start, stop) = life[b];
        let len = plan.buffers[b].1;
        if start > end {
            continue;
        }
        placed.retain(|&(_, _, e)| e >= start);
        placed.sort();
        let mut at = 0;
        for &(o, l, _) in &placed {
            if o >= at + len {
                break;
            }
            at = at.max(o + l);
        }
        placed.push((at, len, stop));
        addr[b] = Some(base + at);
        top = top.max(at + len);
    }
    (addr, base + top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use crate::train::model::Model;

    /// Vectors live at the same time never share a word, and the sharing saves memory.
    #[test]
    fn live_vectors_never_overlap() {
        let model = Model::from_toml_str(
            "name = \"m\"\ninput = { size = 40 }\nloss = \"softmax_cross_entropy\"\n\
             [[layers]]\ntype = \"dense\"\nout = 30\nactivation = \"relu\"\n\
             [[layers]]\ntype = \"dense\"\nout = 20\nactivation = \"tanh\"\n\
             [[layers]]\ntype = \"dense\"\nout = 5\n\
             [training]\nlr = 0.1\nepochs = 1\ncrs_every = 1\n",
            "m.toml",
        )
        .unwrap();
        let plan = Plan::new(&model, &Preset::Small.config());
        let (addr, top) = allocate(&plan, 100);
        let ops: Vec<&Op> = plan.forward.iter().chain(&plan.backward).collect();
        let words = |s: Slice| {
            let a = addr[s.buf].unwrap();
            a + s.start..a + s.start + s.len
        };
        // Replay the step on word owners: a read must find its own buffer's words.
        let mut owner = vec![usize::MAX; top];
        let io = plan.io;
        // The runtime writes these before the step.
        let dither = plan.dither.map(|d| d.words);
        for s in [Some(io.x), Some(io.target), dither].into_iter().flatten() {
            for w in words(s) {
                owner[w] = s.buf;
            }
        }
        for op in &ops {
            let (reads, writes) = uses(op);
            for s in reads {
                for w in words(s) {
                    assert_eq!(owner[w], s.buf, "{op:?} reads a word another vector took");
                }
            }
            for s in writes {
                for w in words(s) {
                    owner[w] = s.buf;
                }
            }
        }
        for s in [io.scores, io.prediction, io.x, io.target] {
            for w in words(s) {
                assert_eq!(owner[w], s.buf);
            }
        }
        let total: usize = plan.buffers.iter().map(|b| b.1).sum();
        assert!(top - 100 < total, "{} words of {total}", top - 100);
    }
}
