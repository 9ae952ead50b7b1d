//! The bit-sliced update unit in depth, inside the MCU: at every pulse step the row gates
//! and every column's pulse code equal the golden digit of (t, m, phase); the executed
//! phases, the pulse-step count, per-slice clip counts and overflow terms match the golden
//! OPA; weights after CRS match.

use panther_hdl::controller::McuCmd;
use panther_hdl::harness::RtlMcu;
use panther_sim::config::Variant;
use panther_sim::mcu::{opa_digit, PHASES};
use panther_sim::opfile::McuBackend;
use panther_sim::Mcu;
use panther_testbenches::*;
use proptest::prelude::*;
use rust_hdl::prelude::*;

fn opa_in_depth(v: Variant, skip: bool, w: &[i64], x: &[i64], d: &[i64]) -> Result<(), TestCaseError> {
    let mut cfg = small_config(8, v, 4, true);
    cfg.opa.skip_empty_phases = skip;
    let (rows, cols) = (8, 8);
    let mut golden = Mcu::new(&cfg, 0);
    let mut rtl = RtlMcu::new(&cfg, "test").unwrap();
    golden.write_weights(w).unwrap();
    rtl.write_weights(w).unwrap();
    let want = golden.opa(x, d).unwrap();

    rtl.load(false, x);
    rtl.load(true, d);
    let p = rtl.params.clone();
    let mut pulses = 0u64;
    let mut phases_seen = std::collections::BTreeSet::new();
    rtl.uut.cmd_valid.next = true;
    rtl.uut.cmd.next = McuCmd::Train;
    rtl.uut.cmd_mask.next = 1u64.into();
    rtl.tick();
    rtl.uut.cmd_valid.next = false;
    while !rtl.uut.done.val() {
        let u = &rtl.uut;
        if u.xbar.pulse.val() {
            pulses += 1;
            let t = u.opa.step.val().to_u32();
            let m = u.opa.slice_idx.val().index();
            let phase = PHASES[u.opa.phase_idx.val().index()];
            phases_seen.insert(u.opa.phase_idx.val().index());
            prop_assert_eq!(u.xbar.pulse_negative.val(), phase.row_negative ^ phase.col_negative);
            for (i, &xi) in x.iter().enumerate() {
                let gate = xi != 0 && (xi < 0) == phase.row_negative && (xi.unsigned_abs() >> t) & 1 == 1;
                prop_assert_eq!(u.xbar.row_drive[i].val(), gate, "row {} t {} phase {:?}", i, t, phase);
            }
            for (j, &dj) in d.iter().enumerate() {
                let digit = opa_digit(dj.unsigned_abs(), t, m, p.opa_shift, p.word_bits, p.nominal_bits);
                let code = if (dj < 0) == phase.col_negative { digit } else { 0 };
                prop_assert_eq!(u.xbar.pulse_code[j].val().to_u32(), code, "col {} t {} m {} {:?}", j, t, m, phase);
            }
        }
        rtl.tick();
    }
    prop_assert_eq!(phases_seen.len() as u32, want.phases);
    prop_assert_eq!(pulses, (want.phases * p.input_bits) as u64 * p.slices as u64);
    prop_assert_eq!(rtl.uut.phases.val().to_u32(), want.phases);
    prop_assert_eq!(rtl.uut.overflow_terms.val().to_u64(), want.overflow_terms);
    for k in 0..p.slices {
        rtl.uut.clip_sel.next = (k as u64).into();
        settle(rtl.uut.as_mut());
        prop_assert_eq!(rtl.uut.clip_events.val().to_u64(), want.clip_events[k], "slice {}", k);
    }
    prop_assert_eq!(rtl.crs(), golden.crs());
    prop_assert_eq!(McuBackend::read_weights(&mut rtl), McuBackend::read_weights(&mut golden));
    let _ = (rows, cols);
    Ok(())
}

proptest! {
    #![proptest_config(persisted("opa", 12))]

    #[test]
    fn opa_pulses_clips_and_weights(
        v in prop_oneof![Just(Variant::V1), Just(Variant::V2), Just(Variant::V3)],
        skip in any::<bool>(),
        w in words(64, 16), x in words(8, 16), d in words(8, 16),
    ) {
        opa_in_depth(v, skip, &w, &x, &d)?;
    }
}

/// Updates large enough to clip: per-slice clip counts must match, not just be zero.
#[test]
fn opa_clip_counts_per_slice() {
    let w: Vec<i64> = (0..64).map(|i| if i % 2 == 0 { 32767 } else { -32768 }).collect();
    let x = vec![32767, -32768, 30000, -30000, 1, -1, 0, 12345];
    let d = vec![-32768, 32767, 20000, -20000, 4096, -4096, 1, 0];
    opa_in_depth(Variant::V1, true, &w, &x, &d).unwrap();
    let cfg = small_config(8, Variant::V1, 4, true);
    let mut g = Mcu::new(&cfg, 0);
    g.write_weights(&w).unwrap();
    let o = g.opa(&x, &d).unwrap();
    assert!(o.clip_events.iter().sum::<u64>() > 0, "{o:?}");
}
