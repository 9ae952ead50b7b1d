//! What one operation of one MCU costs on a configuration: an MVM, an MTVM, an OPA with all
//! four polarity phases and a CRS on random weights and inputs (the per-operation figures
//! the paper's simulator tables give).

use crate::config::Config;
use crate::cost::CostReport;
use crate::mcu::Mcu;
use crate::rng::SeqRng;
use serde::{Deserialize, Serialize};

/// The operations measured, in order.
pub const OPS: [&str; 4] = ["mvm", "mtvm", "opa", "crs"];

/// One operation's latency and energy by component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpCost {
    pub op: String,
    pub latency_ns: f64,
    pub energy: CostReport,
}

impl OpCost {
    /// The array's own energy: crossbar reads (MVM, MTVM) or pulses (OPA), without the
    /// converters and serial accesses.
    pub fn array_energy_pj(&self) -> f64 {
        let e = &self.energy.energy_pj;
        e.get("crossbar_read").copied().unwrap_or(0.0)
            + e.get("crossbar_opa").copied().unwrap_or(0.0)
    }
}

/// Each of [`OPS`] once on a new MCU of `cfg` with random weights; also the results (MVM,
/// MTVM outputs and the weights after the OPA and CRS), which do not depend on the cost
/// constants.
pub fn one_of_each(cfg: &Config, seed: u64) -> (Vec<Vec<i64>>, Vec<OpCost>) {
    let mut m = Mcu::new(cfg, 0);
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let mut rng = SeqRng::new(seed);
    let w: Vec<i64> = (0..rows * cols)
        .map(|_| rng.range_i64(-3000, 3000))
        .collect();
    m.write_weights(&w).expect("weights in the word range");
    let x: Vec<i64> = (0..rows).map(|_| rng.range_i64(-4096, 4096)).collect();
    let dz: Vec<i64> = (0..cols).map(|_| rng.range_i64(-4096, 4096)).collect();
    let d: Vec<i64> = (0..cols).map(|_| rng.range_i64(-64, 64)).collect();
    let mut results = Vec::new();
    let mut costs = Vec::new();
    for op in OPS {
        m.reset_counters();
        match op {
            "mvm" => results.push(m.mvm(&x).expect("valid operands").raw),
            "mtvm" => results.push(m.mtvm(&dz).expect("valid operands").raw),
            "opa" => {
                m.opa(&x, &d).expect("valid operands");
            }
            _ => {
                m.crs();
            }
        }
        costs.push(OpCost {
            op: op.to_string(),
            latency_ns: m.counters.busy_ns,
            energy: CostReport::from_counters(&m.counters, cfg),
        });
    }
    results.push(m.read_weights().weights);
    (results, costs)
}
