//! The bit-sliced update unit in depth, inside the MCU (`mcu_level::opa_unit`): at every
//! pulse step the row gates and every column's pulse code equal the golden digit of
//! (t, m, phase); executed phases, pulse-step count, per-slice clip counts and overflow
//! terms match the golden OPA; weights after CRS match. Also the CRS sequencer, the
//! controller (results and timing-model cycles per command) and the behavioural crossbar.

use panther_sim::config::Variant;
use panther_sim::Mcu;
use panther_testbenches::mcu_level::*;
use panther_testbenches::{persisted, small_config};
use proptest::prelude::*;

fn ok(o: Result<u64, String>) -> Result<(), TestCaseError> {
    o.map(|_| ()).map_err(TestCaseError::fail)
}

proptest! {
    #![proptest_config(persisted("opa", 12))]

    #[test]
    fn opa_pulses_clips_and_weights(c in opa_unit_case()) { ok(opa_unit(&c, None))?; }
}

proptest! {
    #![proptest_config(persisted("sequences", 5))]

    #[test]
    fn crs_sequencer_matches_golden(c in sequence_case(3)) { ok(crs(&c, None))?; }

    #[test]
    fn controller_results_and_cycles(c in sequence_case(4)) { ok(controller(&c, None))?; }

    #[test]
    fn crossbar_block_compares_like_the_golden_arrays(c in crossbar_case()) { ok(crossbar(&c, None))?; }
}

/// Updates large enough to clip: per-slice clip counts must match, not just be zero.
#[test]
fn opa_clip_counts_per_slice() {
    let weights: Vec<i64> = (0..64)
        .map(|i| if i % 2 == 0 { 32767 } else { -32768 })
        .collect();
    let x = vec![32767, -32768, 30000, -30000, 1, -1, 0, 12345];
    let d = vec![-32768, 32767, 20000, -20000, 4096, -4096, 1, 0];
    let c = OpaUnitCase {
        variant: Variant::V1,
        skip_empty_phases: true,
        weights: weights.clone(),
        x: x.clone(),
        d: d.clone(),
    };
    opa_unit(&c, None).unwrap();
    let cfg = small_config(8, Variant::V1, 4, true);
    let mut g = Mcu::new(&cfg, 0);
    g.write_weights(&weights).unwrap();
    let o = g.opa(&x, &d).unwrap();
    assert!(o.clip_events.iter().sum::<u64>() > 0, "{o:?}");
}
