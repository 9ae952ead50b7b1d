//! `panther bench arch`: simulation speed of the architectural simulator on the MLP
//! training-step bundle (a benchmark, not a test; use a release build).

use panther_sim::arch::{Bundle, Node};
use panther_sim::isa::Instr;
use panther_sim::Preset;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct BenchArchArgs {
    /// Bundle to time (default: examples/bundles/mlp-train-step).
    #[arg(long)]
    pub bundle: Option<PathBuf>,
    /// Wall-clock seconds per measurement (above 0, at most 3600).
    #[arg(long, default_value_t = 2.0, value_parser = crate::args::measurement_seconds)]
    pub seconds: f64,
}

fn default_bundle() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/bundles/mlp-train-step")
}

pub fn run(args: &BenchArchArgs) -> anyhow::Result<()> {
    let path = args.bundle.clone().unwrap_or_else(default_bundle);
    let cfg = Preset::Small.config();
    let bundle = Bundle::load_with(&path, &cfg.arch).map_err(|e| anyhow::anyhow!("{e}"))?;

    // 1. Without MCU time: the bundle's programs with train/crs replaced by nop.
    let mut no_mcu = bundle.clone();
    for t in &mut no_mcu.tiles {
        for c in &mut t.cores {
            for ins in &mut c.program {
                if matches!(ins, Instr::Train { .. } | Instr::Crs { .. }) {
                    *ins = Instr::Nop;
                }
            }
        }
    }
    // Setup (MCU construction, weight programming) is timed separately: only `run` counts.
    let (mut instrs, mut runs, mut t1, mut setup) = (0u64, 0u64, 0f64, 0f64);
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < args.seconds {
        let s0 = Instant::now();
        let mut node = Node::new(&cfg, &no_mcu).map_err(|e| anyhow::anyhow!("{e}"))?;
        let s1 = Instant::now();
        node.run(u64::MAX, None)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        t1 += s1.elapsed().as_secs_f64();
        setup += (s1 - s0).as_secs_f64();
        instrs += node.report(Default::default()).non_mcu_instructions;
        runs += 1;
    }

    // 2. With the MCUs: simulated ns per wall-clock second.
    let (mut sim_ns, mut runs2, mut t2) = (0f64, 0u64, 0f64);
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < args.seconds {
        let mut node = Node::new(&cfg, &bundle).map_err(|e| anyhow::anyhow!("{e}"))?;
        let s1 = Instant::now();
        node.run(u64::MAX, None)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        t2 += s1.elapsed().as_secs_f64();
        sim_ns += node.now as f64 * cfg.timing.clock_ns;
        runs2 += 1;
    }
    let out = serde_json::json!({
        "bundle": path.display().to_string(),
        "config": cfg.name,
        "non_mcu_instructions_per_second": instrs as f64 / t1,
        "runs_without_mcu": runs,
        "simulated_ns_per_wall_second": sim_ns / t2,
        "runs_with_mcu": runs2,
        "setup_seconds_per_run": setup / runs as f64,
        "note": "only Node::run is timed; setup (MCU construction, weight programming) is excluded",
    });
    crate::common::print_stdout(&serde_json::to_string_pretty(&out)?)?;
    Ok(())
}
