//! Section 1: one 128x128 MCU operation on PANTHER and each baseline, against the
//! simulator's per-operation figures.

use super::doc::{Block, Section};
use super::ratio;
use crate::charts::Short;
use panther_sim::config::{Preset, SerialUpdate};
use panther_sim::cost::latency;
use panther_sim::eval::ops::one_of_each;
use panther_sim::eval::paper::OP_FIGURES;

pub fn section() -> Section {
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for f in OP_FIGURES {
        let preset = Preset::from_name(f.preset).expect("the figures name presets");
        let cfg = preset.config();
        let (_, costs) = one_of_each(&cfg, 1);
        let c = costs.iter().find(|c| c.op == f.op).expect("measured op");
        let array_nj = c.array_energy_pj() / 1e3;
        rows.push(vec![
            format!("`{}`", f.preset),
            f.op.to_uppercase(),
            format!("{}", Short(c.latency_ns)),
            format!("{}", Short(f.latency_ns)),
            ratio(c.latency_ns, f.latency_ns),
            format!("{}", Short(array_nj)),
            format!("{}", Short(f.array_energy_nj)),
            ratio(array_nj, f.array_energy_nj),
        ]);
        if f.op == "opa" {
            let serial = c.latency_ns - f.latency_ns;
            match cfg.opa.serial_update {
                SerialUpdate::None => {}
                u => notes.push(format!(
                    "`{}` OPA: {} ns more than the simulator's {} ns, the serial {} of the updated slice arrays that follows the outer product (row by row, {} ns; the simulator leaves it out, docs/cost-model.md \"Baselines\").",
                    f.preset,
                    Short(serial),
                    Short(f.latency_ns),
                    if u == SerialUpdate::Write { "write" } else { "read and write" },
                    Short(latency::serial_write_ns(&cfg))
                )),
            }
        }
    }
    let panther = Preset::Panther.config();
    let accesses = panther.format.input_bits as usize * 4 * panther.slicing.slices;
    notes.insert(
        0,
        format!(
            "OPA energy is {}x the simulator's on every preset: an access here is one bit step of one slice array in one executed polarity phase, {} x 4 x {} = {accesses} for a full OPA, where the simulator counts 16 x 16 = 256; the ratios between presets are unaffected.",
            ratio(accesses as f64, 256.0),
            panther.format.input_bits,
            panther.slicing.slices,
        ),
    );
    notes.insert(
        1,
        format!(
            "PANTHER's OPA takes the simulator's {} ns: all {} bit steps of a phase in one {} ns pulse window (`opa.bit_step_groups = 1`). Streaming them one by one, as the arithmetic does, would take {} ns (`opa.bit_step_groups = 16`).",
            Short(latency::opa_ns(&panther, 4)),
            panther.format.input_bits,
            Short(panther.timing.opa_phase_ns),
            Short(panther.timing.opa_phase_ns * 4.0 * panther.format.input_bits as f64)
        ),
    );
    let mut blocks = vec![
        Block::Para(
            "One operation on one MCU of the golden model (random 16-bit weights and inputs; an OPA with all four polarity phases), against the simulator's constants files: latency (MVM 18 stages x `xbar_ip_lat`, OPA 4 phases x `xbar_op_lat`) and the array's energy without the converters (128 accesses per MVM, 256 per OPA, power x latency).".into(),
        ),
        Block::Table {
            header: ["config", "op", "latency ns", "simulator ns", "ratio", "array energy nJ", "simulator nJ", "ratio"]
                .map(String::from)
                .to_vec(),
            rows,
        },
    ];
    blocks.extend(notes.into_iter().map(Block::Para));
    Section {
        title: "Per-operation cost of one 128x128 MCU".into(),
        blocks,
    }
}
