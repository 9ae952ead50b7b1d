//! The core cycle model of docs/timing.md, checked on small programs.

use panther_sim::arch::bundle::{LoadedCore, LoadedTile, Manifest, MemInit};
use panther_sim::arch::{ArchConfig, Bundle, Node};
use panther_sim::isa::assemble;
use panther_sim::Preset;

/// Cycle in which `hlt` executed, for a one-core program.
fn halt_cycle(src: &str, edram: Vec<MemInit>) -> u64 {
    let program = assemble(src, "t.s").unwrap().instrs;
    let bundle = Bundle {
        dir: ".".into(),
        manifest_path: "t.toml".into(),
        manifest: toml::from_str::<Manifest>("name = 't'").unwrap(),
        arch: ArchConfig::default(),
        tiles: vec![LoadedTile {
            id: 0,
            program: assemble("halt", "tile.s").unwrap().instrs,
            edram,
            cores: vec![LoadedCore {
                id: 0,
                program,
                dmem: vec![],
                weights: vec![],
            }],
        }],
    };
    let mut node = Node::new(&Preset::Small.config(), &bundle).unwrap();
    node.run(1_000_000, None).unwrap();
    let c = &node.tiles[0].cores[0];
    let h = c.stats.halted_at_cycle.unwrap();
    assert_eq!(node.now, h + 1, "the run ends the cycle after hlt executes");
    h
}

#[test]
fn one_cycle_instructions_issue_back_to_back_after_a_two_cycle_fill() {
    assert_eq!(halt_cycle("hlt", vec![]), 2);
    assert_eq!(halt_cycle("nop\nnop\nnop\nhlt", vec![]), 5);
}

#[test]
fn taken_branches_cost_two_bubbles_and_not_taken_none() {
    // jmp executes in cycle 2; the target is fetched in 3, decoded in 4, executed in 5.
    assert_eq!(halt_cycle("jmp 2\nnop\nhlt", vec![]), 5);
    // beq on equal words (both 0) is taken; on unequal words it falls through.
    assert_eq!(halt_cycle("beq 1536, 1537, 2\nnop\nhlt", vec![]), 5);
    assert_eq!(
        halt_cycle("set 1537, 1, 1\nbeq 1536, 1537, 3\nnop\nhlt", vec![]),
        5
    );
}

#[test]
fn vector_latency_is_a_true_ceiling_over_the_lanes() {
    // 4 lanes: vec 1 -> 1 cycle, vec 4 -> 1, vec 9 -> 3; reductions add log2(4) = 2.
    assert_eq!(halt_cycle("alu add, 1600, 1600, 1600, 1\nhlt", vec![]), 3);
    assert_eq!(halt_cycle("alu add, 1600, 1600, 1600, 4\nhlt", vec![]), 3);
    assert_eq!(halt_cycle("alu add, 1600, 1600, 1600, 9\nhlt", vec![]), 5);
    assert_eq!(halt_cycle("alu redsum, 1600, 1600, 8\nhlt", vec![]), 6);
    assert_eq!(halt_cycle("cp 1600, 1700, 5\nhlt", vec![]), 4);
}

#[test]
fn loads_take_request_plus_access_cycles_per_iteration() {
    let data = vec![MemInit {
        addr: 0,
        words: Some(vec![7; 32]),
        values: None,
        count: 0,
    }];
    // set (cycle 2), ld: iteration 0 request 3, access 4-5; iteration 1 request 6, access 7-8; hlt 9.
    assert_eq!(
        halt_cycle("set 1536, 0, 1\nld 1600, 1536, 16, 2\nhlt", data),
        9
    );
}

#[test]
fn train_latency_is_the_golden_mcu_time_in_cycles() {
    // small preset: MVM = 100 ns x (16 + 3 - 1) = 1800 ns = 1800 cycles at 1 ns.
    assert_eq!(halt_cycle("train 100, 000\nhlt", vec![]), 2 + 1800);
    // MVM on both MCUs overlaps.
    assert_eq!(halt_cycle("train 100, 100\nhlt", vec![]), 2 + 1800);
    // V1: MVM and MTVM on one MCU share the weight copy and run one after the other.
    assert_eq!(halt_cycle("train 110, 000\nhlt", vec![]), 2 + 3600);
}
