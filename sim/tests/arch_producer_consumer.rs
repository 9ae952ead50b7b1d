//! Example bundle 2: two tiles as producer and consumer over send/receive.

use panther_sim::arch::{run_bundle, ArchError, Bundle};
use panther_sim::Preset;
use std::path::PathBuf;

fn bundle_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/bundles/producer-consumer")
}

fn q(v: f64) -> i64 {
    (v * 4096.0).round() as i64
}

#[test]
fn both_rounds_arrive_and_the_counters_free_the_words() {
    let cfg = Preset::Small.config();
    let bundle = Bundle::load(&bundle_dir()).unwrap();
    let dumps = [
        "tile1.core0.dmem[1632..1640]",
        "tile1.core1.dmem[1632..1640]",
    ]
    .map(String::from);
    let (node, report) = run_bundle(&cfg, &bundle, 100_000, &dumps, None).unwrap();
    let v = [0.0, 0.125, -0.25, 0.5, 1.0, -1.5, 2.0, -0.0625];
    let step = [0.25, 0.25, 0.25, 0.25, -0.5, -0.5, -0.5, -0.5];
    let want: Vec<i64> = (0..8)
        .map(|k| q(v[k] + step[k]) + q(v[k] + 2.0 * step[k]))
        .collect();
    for d in &dumps {
        assert_eq!(report.dumps[d], want, "{d}");
    }
    // Counter 2 on tile 1: both cores read both rounds, then the words are free.
    for a in 0..16 {
        assert!(
            !node.tiles[1].memory.is_valid(a),
            "tile 1 word {a} still valid"
        );
    }
    // Counter 1 on tile 0: the sends consumed both rounds. The token (count 0) stays.
    for a in 0..8 {
        assert!(
            !node.tiles[0].memory.is_valid(a),
            "tile 0 word {a} still valid"
        );
    }
    assert!(node.tiles[0].memory.is_valid(200));
    assert_eq!(report.noc_packets, 3);
    assert_eq!(report.undelivered_packets, 0);
    // The producer's second store waited for the first send (which waited for the token).
    let producer = &report.cores[0];
    assert!(
        producer.stats.stall_attribute_cycles > 10,
        "{:?}",
        producer.stats
    );
    assert_eq!(producer.instructions["st"], 2);
    assert_eq!(producer.instructions["jmp"], 1);
    // Consumers waited for data from the network.
    for c in &report.cores[1..] {
        assert!(c.stats.stall_attribute_cycles > 10, "{:?}", c.stats);
    }
    assert!(report.energy_pj["noc.router"] > 0.0);
    assert!(report.energy_pj["tile.receive_buffer"] > 0.0);
}

#[test]
fn a_missing_token_is_reported_as_a_deadlock_naming_every_wait() {
    let cfg = Preset::Small.config();
    let mut bundle = Bundle::load(&bundle_dir()).unwrap();
    // Tile 1 never sends the token: its program only receives.
    bundle.tiles[1].program.remove(0);
    let err = run_bundle(&cfg, &bundle, 100_000, &[], None).unwrap_err();
    let ArchError::Deadlock { waits, .. } = &err else {
        panic!("expected a deadlock, got {err}")
    };
    let text = err.to_string();
    assert!(text.contains("tile 0: tile control unit: pc 0 `receive 200, 1, 1, 0, 1` waits for a packet from tile 1"), "{text}");
    assert!(text.contains("tile 0: core 0: pc 5 `st 1536, 1600, 1, 8, 1` waits for shared memory word 0 to become invalid"), "{text}");
    assert!(text.contains("tile 1: core 0: pc 1 `ld 1600, 1536, 8, 2` waits for shared memory word 0 to become valid"), "{text}");
    assert_eq!(waits.len(), 5);
}

#[test]
fn the_cycle_limit_names_each_core() {
    let cfg = Preset::Small.config();
    let bundle = Bundle::load(&bundle_dir()).unwrap();
    let err = run_bundle(&cfg, &bundle, 10, &[], None).unwrap_err();
    assert!(
        matches!(err, ArchError::CycleLimit { limit: 10, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("tile 1: core 1: pc"), "{err}");
}
