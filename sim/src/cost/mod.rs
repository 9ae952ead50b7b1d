//! Event counters and the cost table that turns them into energy and latency.
//!
//! Every component counts its events; energy = events x the config's constant (pJ),
//! latency = the sum of each operation's latency from the config's timing model (ns).
//! Formulas: docs/cost-model.md.

use crate::config::Config;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Events of one MCU (or a sum of MCUs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counters {
    pub mvm_ops: u64,
    pub mtvm_ops: u64,
    pub opa_ops: u64,
    pub crs_ops: u64,
    pub serial_read_ops: u64,
    pub serial_write_ops: u64,
    /// One input bit step sensed on one slice array (MVM or MTVM).
    pub xbar_read_accesses: u64,
    /// One bit step of one slice array pulsed in one polarity phase (OPA).
    pub xbar_opa_accesses: u64,
    pub opa_phases: u64,
    /// 1-bit DAC drives of a row or column line (MVM, MTVM, OPA rows).
    pub dac_1bit_drives: u64,
    /// Multi-bit column DAC drives (OPA pulse codes).
    pub dac_col_drives: u64,
    pub sample_holds: u64,
    pub adc_conversions: u64,
    pub adc_clips: u64,
    pub shift_adds: u64,
    pub serial_read_rows: u64,
    pub serial_write_rows: u64,
    pub carry_resolves: u64,
    pub output_saturations: u64,
    pub opa_clip_events: u64,
    /// MCU busy time, ns.
    pub busy_ns: f64,
}

/// Applies `$op` field by field (every counter, busy time included).
macro_rules! each_counter {
    ($a:ident, $b:ident, $op:tt) => {
        each_counter!(@fields $a, $b, $op,
            mvm_ops, mtvm_ops, opa_ops, crs_ops, serial_read_ops, serial_write_ops,
            xbar_read_accesses, xbar_opa_accesses, opa_phases, dac_1bit_drives, dac_col_drives,
            sample_holds, adc_conversions, adc_clips, shift_adds, serial_read_rows,
            serial_write_rows, carry_resolves, output_saturations, opa_clip_events, busy_ns)
    };
    (@fields $a:ident, $b:ident, $op:tt, $($f:ident),*) => { $( $a.$f $op $b.$f; )* };
}

impl Counters {
    pub fn add(&mut self, o: &Counters) {
        each_counter!(self, o, +=);
    }

    /// The events since `earlier` (a snapshot of the same counters).
    pub fn since(&self, earlier: &Counters) -> Counters {
        let mut d = self.clone();
        each_counter!(d, earlier, -=);
        d
    }
}

/// Energy per component (pJ) and latency (ns) of a set of counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostReport {
    pub energy_pj: BTreeMap<String, f64>,
    pub total_energy_pj: f64,
    pub latency_ns: f64,
}

impl CostReport {
    pub fn from_counters(c: &Counters, cfg: &Config) -> CostReport {
        let e = &cfg.energy;
        let m: BTreeMap<String, f64> = [
            ("crossbar_read", c.xbar_read_accesses, e.xbar_read_access_pj),
            ("crossbar_opa", c.xbar_opa_accesses, e.xbar_opa_access_pj),
            ("adc", c.adc_conversions, e.adc_conversion_pj),
            ("dac", c.dac_1bit_drives + c.dac_col_drives, e.dac_drive_pj),
            ("sample_hold", c.sample_holds, e.sample_hold_pj),
            ("shift_add", c.shift_adds, e.shift_add_pj),
            ("serial_read", c.serial_read_rows, e.serial_read_row_pj),
            ("serial_write", c.serial_write_rows, e.serial_write_row_pj),
            ("carry_resolve", c.carry_resolves, e.carry_resolve_pj),
        ]
        .into_iter()
        .map(|(k, events, pj)| (k.to_string(), events as f64 * pj))
        .collect();
        let total = m.values().sum();
        CostReport {
            energy_pj: m,
            total_energy_pj: total,
            latency_ns: c.busy_ns,
        }
    }
}

/// Latency of one operation, from the config's timing model.
pub mod latency {
    use crate::config::Config;

    /// MVM/MTVM: a pipeline of `stages` over `input_bits` steps.
    pub fn mvm_ns(cfg: &Config) -> f64 {
        cfg.timing.mvm_stage_ns
            * (cfg.format.input_bits + cfg.timing.mvm_pipeline_stages - 1) as f64
    }

    /// OPA: one pulse window per executed polarity phase and bit-step group.
    pub fn opa_ns(cfg: &Config, phases: u32) -> f64 {
        cfg.timing.opa_phase_ns * phases as f64 * cfg.opa.bit_step_groups as f64
    }

    /// Serial read and write of every row: slice arrays work in parallel, reads and writes
    /// are row-pipelined, so the slower of the two sets the time (as the PANTHER simulator).
    pub fn crs_ns(cfg: &Config) -> f64 {
        let r = cfg.array.rows as f64;
        (r * cfg.timing.serial_read_row_ns).max(r * cfg.timing.serial_write_row_ns)
    }

    pub fn serial_read_ns(cfg: &Config) -> f64 {
        cfg.array.rows as f64 * cfg.timing.serial_read_row_ns
    }

    pub fn serial_write_ns(cfg: &Config) -> f64 {
        cfg.array.rows as f64 * cfg.timing.serial_write_row_ns
    }
}
