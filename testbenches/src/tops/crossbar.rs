//! The behavioural crossbar block: its digital ports over the shared analog model, against
//! the golden arrays built and programmed the same way (ideal and seeded non-ideal devices).

use crate::testbench::{simulate, Outcome, Testbench, Vcd};
use crate::{small_config, variant};
use panther_hdl::crossbar::{Crossbar, SampleKind};
use panther_hdl::params::RtlParams;
use panther_sim::config::Variant;
use panther_sim::crossbar::Adc;
use panther_sim::mcu::build_copies;
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct CrossbarCase {
    pub seed: u64,
    pub ideal: bool,
    pub levels: Vec<u32>,
    pub drive: Vec<bool>,
    pub trials: Vec<u32>,
}

pub struct CrossbarTestbench;

impl Testbench for CrossbarTestbench {
    type Design = Variant;
    type Case = CrossbarCase;

    fn design() -> BoxedStrategy<Variant> {
        variant().boxed()
    }

    fn case(_: &Variant) -> BoxedStrategy<CrossbarCase> {
        (
            any::<u64>(),
            any::<bool>(),
            proptest::collection::vec(0u32..64, 64),
            proptest::collection::vec(any::<bool>(), 8),
            proptest::collection::vec(0u32..600, 16),
        )
            .prop_map(|(seed, ideal, levels, drive, trials)| CrossbarCase {
                seed,
                ideal,
                levels,
                drive,
                trials,
            })
            .boxed()
    }

    /// Digital ports over the shared analog model: serial writes of every row of every slice,
    /// a sample of driven rows, then every converter lane's comparator equals `Adc::compare`
    /// on the golden arrays' currents (same writes, same event order: same noise draws).
    fn ideal_device(c: CrossbarCase) -> CrossbarCase {
        CrossbarCase { ideal: true, ..c }
    }

    fn check(&variant: &Variant, c: &CrossbarCase, vcd: Vcd) -> Outcome {
        let mut cfg = small_config(8, variant, 2, c.ideal);
        cfg.seed = c.seed;
        let p = RtlParams::from_config(&cfg, "testbench").map_err(|e| e.to_string())?;
        let mut b = simulate(Crossbar::new(&cfg, &p), |x| &mut x.clock, vcd);
        // The golden arrays: same construction and initial programming as the block's model.
        let dev: std::sync::Arc<dyn panther_sim::device::DeviceModel> =
            std::sync::Arc::from(panther_sim::device::from_config(&cfg.device));
        let (mut copies, _) = build_copies(&cfg, 0, dev);
        let mut scratch = Vec::new();
        for copy in copies.iter_mut() {
            copy.write_values(&vec![0; 64], &mut scratch, None);
        }
        let copy = p.roles.opa;
        let arrays = &mut copies[copy].arrays;
        b.uut.copy_sel.next = (copy as u64).into();
        for (k, a) in arrays.iter_mut().enumerate() {
            let max = a.max_level();
            for r in 0..8 {
                let row: Vec<u32> = (0..8)
                    .map(|j| c.levels[(r * 8 + j + k) % 64].min(max))
                    .collect();
                a.write_row(r, &row);
                b.uut.write.next = true;
                b.uut.slice_sel.next = (k as u64).into();
                b.uut.row_addr.next = (r as u64).into();
                for (j, &l) in row.iter().enumerate() {
                    b.uut.write_level[j].next = (l as u64).into();
                }
                b.cycle();
            }
        }
        b.uut.write.next = false;
        let active: Vec<u32> = (0..8u32).filter(|&i| c.drive[i as usize]).collect();
        for (i, &on) in c.drive.iter().enumerate() {
            b.uut.row_drive[i].next = on;
        }
        b.uut.sample.next = true;
        b.uut.slice_mask.next = ((1u64 << p.slices) - 1).into();
        b.uut.sample_kind.next = SampleKind::SenseColumns;
        b.cycle();
        b.uut.sample.next = false;
        let mut held = vec![vec![0i64; 8]; arrays.len()];
        for (a, h) in arrays.iter_mut().zip(held.iter_mut()) {
            a.sense_columns(&active, h);
        }
        let lanes = p.sar_lanes();
        for base in (0..8).step_by(p.shared_adcs) {
            b.uut.conv_base.next = (base as u64).into();
            for l in 0..lanes {
                b.uut.sar_trial[l].next = (c.trials[l % c.trials.len()] as u64).into();
            }
            b.cycle();
            for l in 0..lanes {
                let (k, a) = (l / p.shared_adcs, l % p.shared_adcs);
                let trial = c.trials[l % c.trials.len()];
                let want = Adc::compare(held[k][base + a], trial);
                ensure_eq!(
                    b.uut.sar_cmp[l].val(),
                    want,
                    "comparator of slice {k} line {}",
                    base + a
                );
            }
        }
        Ok(b.cycles)
    }
}
