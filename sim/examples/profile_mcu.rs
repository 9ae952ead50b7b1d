//! A fixed amount of MCU work, for profilers and instruction counters (valgrind, perf):
//! `cargo run --release -p panther-sim --example profile_mcu -- OP N [ideal|all-effects|serial]`
//! where OP is mvm, mtvm, opa, crs or plain (the baseline integer product). Unlike `panther bench`, the work does not depend on time.

use panther_sim::config::{DeviceConfig, Preset};
use panther_sim::rng::SeqRng;
use panther_sim::Mcu;
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let op = args.get(1).map(String::as_str).unwrap_or("mvm");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let mode = args.get(3).map(String::as_str).unwrap_or("ideal");
    let mut cfg = Preset::Panther.config();
    if mode == "all-effects" {
        cfg.device = DeviceConfig::all_effects();
    }
    let mut rng = SeqRng::new(42);
    let w: Vec<i64> = (0..128 * 128)
        .map(|_| rng.range_i64(-32768, 32767))
        .collect();
    let x: Vec<i64> = (0..128).map(|_| rng.range_i64(-32768, 32767)).collect();
    let d: Vec<i64> = (0..128).map(|_| rng.range_i64(-64, 64)).collect();
    let mut m = Mcu::new(&cfg, 0);
    m.write_weights(&w).unwrap();
    m.set_exact_shortcut(mode != "serial");
    for _ in 0..n {
        match op {
            "mvm" => drop(black_box(m.mvm(&x).unwrap())),
            "mtvm" => drop(black_box(m.mtvm(&x).unwrap())),
            "opa" => drop(black_box(m.opa(&x, &d).unwrap())),
            "crs" => drop(black_box(m.crs())),
            "plain" => {
                let mut y = [0i64; 128];
                for (xi, row) in x.iter().zip(w.chunks_exact(128)) {
                    for (yj, &wij) in y.iter_mut().zip(row) {
                        *yj += xi * black_box(wij as i16) as i64;
                    }
                }
                black_box(y);
            }
            other => panic!("unknown op {other}; allowed: mvm, mtvm, opa, crs"),
        }
    }
}
