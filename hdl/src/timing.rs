//! The RTL's cycle counts as closed formulas of the config (adc bits, converters per
//! slice, slices, lines, input bits, copies): the microarchitectural timing model. Tests
//! check every command's measured cycles against these; reports put them next to the
//! golden latency model (`panther_sim::cost::latency`).
//!
//! Terms: a conversion sweep over n lines takes G(n) = ceil(n / A) groups of
//! (clear + B trials + clip check + drain load + S*A drain cycles).

use crate::params::RtlParams;

/// Clock edges of one group: clear, B trial bits, clip check, drain load, the drain.
pub fn group_cycles(p: &RtlParams) -> u64 {
    p.adc_bits as u64 + p.sar_lanes() as u64 + 3
}

/// One sample-and-convert sweep over `n` lines (start, sample, groups, done).
pub fn sweep_cycles(p: &RtlParams, n: usize) -> u64 {
    p.groups(n) as u64 * group_cycles(p) + 3
}

/// Multiply steps of the offset correction (one per bit of the layout constant).
fn correction_cycles(p: &RtlParams) -> u64 {
    let c = p.layout(p.roles.mvm).correction() as u64;
    64 - c.max(1).leading_zeros() as u64
}

/// MVM (rows driven, columns sensed) or MTVM (`mtvm`), from command to done.
pub fn line_op_cycles(p: &RtlParams, mtvm: bool) -> u64 {
    let sensed = if mtvm { p.rows } else { p.cols };
    7 + correction_cycles(p) + p.input_bits as u64 * sweep_cycles(p, sensed)
}

/// OPA with `phases` polarity phases executed.
pub fn opa_cycles(p: &RtlParams, phases: u32) -> u64 {
    let (bits, s) = (p.input_bits as u64, p.slices as u64);
    10 + bits + 2 * s + phases as u64 * bits * s
}

/// Serial reads per row in a CRS (V2 also reads the weights copy).
fn crs_reads(p: &RtlParams) -> u64 {
    if p.variant == panther_sim::config::Variant::V2 {
        2
    } else {
        1
    }
}

/// Carry resolution of the whole array.
pub fn crs_cycles(p: &RtlParams) -> u64 {
    let per_read = sweep_cycles(p, p.cols) + 1;
    let per_row = 2 + crs_reads(p) * per_read + (p.copies * p.slices) as u64;
    3 + p.rows as u64 * per_row
}

/// Serial read of one row (with or without the offset correction).
pub fn read_row_cycles(p: &RtlParams, correct: bool) -> u64 {
    4 + sweep_cycles(p, p.cols) + correct as u64
}

/// Serial write of one row into every copy.
pub fn write_row_cycles(p: &RtlParams) -> u64 {
    5 + (p.copies * p.slices) as u64
}
