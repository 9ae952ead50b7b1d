//! `panther eval`: one workload's training step on PANTHER and the baselines (and any other
//! config), energy by component and time per sample, the ratios against PANTHER, and the
//! GPU measurements of the same workload; a table, JSON and SVG bar charts.

use crate::charts::{grouped_bars, Bars, Short};
use crate::common::{load_config, print_stdout, table, to_json, write_file};
use anyhow::{bail, Context, Result};
use panther_sim::config::Preset;
use panther_sim::eval::{measure, Evaluation, GpuTable, StepCost, Workload};
use panther_sim::train::Model;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// A workload name (`--list`) or a model file (`./NAME` for a file named like a
    /// workload).
    #[arg(long, required_unless_present = "list")]
    pub workload: Option<String>,
    /// Configurations to compare, each a preset name or a TOML file; repeat the flag.
    /// Default: panther and the baselines base-digital, base-mvm, base-opa-mvm. The ratios
    /// are taken against `panther` when it is among them, else against the first.
    #[arg(long = "config", short = 'c')]
    pub configs: Vec<String>,
    /// Training steps measured per configuration (random inputs; the figures are means).
    #[arg(long, default_value_t = 2, value_parser = crate::args::steps)]
    pub steps: u32,
    /// Seed of the random inputs.
    #[arg(long, default_value_t = 1, value_parser = crate::args::seed)]
    pub seed: u64,
    /// A GPU measurement table (format: examples/gpu/v100-puma-tensorflow.toml, the default).
    #[arg(long)]
    pub gpu: Option<PathBuf>,
    /// Write the evaluation as JSON to this file (`-`: stdout instead of the tables).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the bar charts `energy.svg`, `time.svg` and `components.svg` into this folder.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// List the workloads and exit.
    #[arg(long)]
    pub list: bool,
}

/// PANTHER and the paper's baselines, by name.
pub fn compared_presets() -> Vec<String> {
    std::iter::once(Preset::Panther)
        .chain(Preset::BASELINES)
        .map(|p| p.name().to_string())
        .collect()
}

/// A workload given by name (the name always means the workload) or as a model file.
pub fn workload_model(spec: &str) -> Result<Model> {
    if let Some(w) = Workload::from_name(spec) {
        return Ok(w.model()?);
    }
    let p = Path::new(spec);
    if !p.exists() {
        bail!(
            "--workload {spec}: no such file, and not a workload (allowed: {})",
            Workload::names()
        );
    }
    Ok(Model::load(p)?)
}

pub fn run(a: &EvalArgs) -> Result<()> {
    if a.list {
        let rows: Vec<Vec<String>> = Workload::ALL
            .iter()
            .map(|w| vec![w.name.into(), w.benchmark.into(), w.what.into()])
            .collect();
        return print_stdout(&table(&["workload", "simulator benchmark", "what"], &rows));
    }
    let spec = a.workload.as_deref().expect("clap requires --workload");
    let model = workload_model(spec)?;
    let specs: Vec<String> = if a.configs.is_empty() {
        compared_presets()
    } else {
        a.configs.clone()
    };
    let configs = specs
        .iter()
        .map(|s| load_config(s))
        .collect::<Result<Vec<_>>>()?;
    let gpu = match &a.gpu {
        Some(p) => GpuTable::load(p).map_err(anyhow::Error::msg)?,
        None => GpuTable::builtin(),
    };
    // Outputs are checked before the runs, which can take minutes.
    if let Some(dir) = &a.svg {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let start = std::time::Instant::now();
    let ev = evaluate(&model, &configs, &specs, a.steps as usize, a.seed, &gpu)?;
    let seconds = start.elapsed().as_secs_f64();
    if let Some(dir) = &a.svg {
        for (name, svg) in charts(&ev)? {
            write_file(&dir.join(name), svg.as_bytes())?;
        }
    }
    match &a.json {
        Some(p) if p.as_os_str() == "-" => print_stdout(&to_json(&ev, true)?),
        other => {
            if let Some(p) = other {
                write_file(p, to_json(&ev, true)?.as_bytes())?;
            }
            print_stdout(&report(&ev, seconds))
        }
    }
}

/// `model`'s step on each config (`specs` as the user named them, for messages), one thread
/// per configuration (each simulates its own machine), ratios against `panther` when it is
/// among them, else against the first.
pub fn evaluate(
    model: &Model,
    configs: &[panther_sim::Config],
    specs: &[String],
    steps: usize,
    seed: u64,
    gpu: &GpuTable,
) -> Result<Evaluation> {
    let costs: Vec<Result<StepCost, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = configs
            .iter()
            .map(|cfg| s.spawn(move || measure(model, cfg, steps, seed)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("the measurement panicked".into()))
            })
            .collect()
    });
    let costs = costs
        .into_iter()
        .zip(specs)
        .map(|(c, s)| {
            c.map_err(|e| anyhow::anyhow!("workload {} on --config {s}: {e}", model.name))
        })
        .collect::<Result<Vec<_>>>()?;
    let reference = costs
        .iter()
        .position(|c| c.config == "panther")
        .unwrap_or(0);
    Ok(Evaluation::new(
        &model.name,
        costs,
        reference,
        &gpu.of(&model.name),
    ))
}

/// The tables: per configuration, then energy by component.
fn report(ev: &Evaluation, seconds: f64) -> String {
    let c0 = &ev.configs[0];
    let mut out = format!(
        "{}: one training sample on {} MCUs ({} cores, {} tiles), mean of {} steps on random inputs; measured in {seconds:.1} s\n\n",
        ev.workload, c0.mcus, c0.cores, c0.tiles, c0.steps
    );
    let mut rows: Vec<Vec<String>> = ev
        .configs
        .iter()
        .enumerate()
        .map(|(k, c)| {
            vec![
                c.config.clone(),
                format!("{}", Short(c.total_energy_pj / 1e6)),
                format!("{}", Short(c.step_ns / 1e3)),
                format!("{}", Short(ev.energy_ratio[k])),
                format!("{}", Short(ev.time_ratio[k])),
                format!("{}", Short(c.energy_with_crs_pj() / 1e6)),
                format!("{}", Short(c.ns_with_crs() / 1e3)),
            ]
        })
        .collect();
    for g in &ev.gpu {
        let m = &g.measurement;
        rows.push(vec![
            format!("{} (batch {})", m.gpu, m.batch),
            format!("{}", Short(g.sample_energy_pj / 1e6)),
            format!("{}", Short(g.sample_ns / 1e3)),
            format!("{}", Short(g.energy_ratio)),
            format!("{}", Short(g.time_ratio)),
            "-".into(),
            "-".into(),
        ]);
    }
    let crs = format!("+ CRS/{} uJ", c0.crs_every);
    let crs_t = format!("+ CRS/{} us", c0.crs_every);
    out += &table(
        &[
            "config",
            "energy uJ",
            "time us",
            &format!("energy x {}", ev.reference),
            &format!("time x {}", ev.reference),
            &crs,
            &crs_t,
        ],
        &rows,
    );
    out += "\n\nenergy per sample by component (uJ):\n";
    let mut header: Vec<&str> = vec!["component"];
    header.extend(ev.configs.iter().map(|c| c.config.as_str()));
    let rows: Vec<Vec<String>> = components(ev)
        .iter()
        .map(|k| {
            let mut r = vec![k.clone()];
            r.extend(ev.configs.iter().map(|c| {
                format!(
                    "{}",
                    Short(c.energy_pj.get(k).copied().unwrap_or(0.0) / 1e6)
                )
            }));
            r
        })
        .collect();
    out += &table(&header, &rows);
    if !ev.gpu.is_empty() {
        out +=
            "\n\nGPU: energy = board power x step time, per sample = per step / batch; sources:\n";
        for g in &ev.gpu {
            out += &format!("  {}\n", g.measurement.source);
        }
    }
    out.trim_end().to_string()
}

/// The components any configuration spends energy on, in a stable order.
pub fn components(ev: &Evaluation) -> Vec<String> {
    let mut keys: Vec<String> = ev
        .configs
        .iter()
        .flat_map(|c| {
            c.energy_pj
                .iter()
                .filter(|(_, v)| **v > 0.0)
                .map(|(k, _)| k.clone())
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

pub fn charts(ev: &Evaluation) -> Result<Vec<(&'static str, String)>> {
    let names: Vec<String> = ev.configs.iter().map(|c| c.config.clone()).collect();
    let mut gpu_names = names.clone();
    gpu_names.extend(
        ev.gpu
            .iter()
            .map(|g| format!("{} b{}", g.measurement.gpu, g.measurement.batch)),
    );
    let per_sample = |e: fn(&StepCost) -> f64, g: fn(&panther_sim::eval::GpuRow) -> f64| {
        let mut v: Vec<f64> = ev.configs.iter().map(e).collect();
        v.extend(ev.gpu.iter().map(g));
        v
    };
    let energy = Bars {
        name: "energy per sample (uJ)".into(),
        values: per_sample(|c| c.total_energy_pj / 1e6, |g| g.sample_energy_pj / 1e6),
    };
    let time = Bars {
        name: "time per sample (us)".into(),
        values: per_sample(|c| c.step_ns / 1e3, |g| g.sample_ns / 1e3),
    };
    let keys = components(ev);
    let by_config: Vec<Bars> = ev
        .configs
        .iter()
        .map(|c| Bars {
            name: c.config.clone(),
            values: keys
                .iter()
                .map(|k| c.energy_pj.get(k).copied().unwrap_or(0.0) / 1e6)
                .collect(),
        })
        .collect();
    let w = &ev.workload;
    Ok(vec![
        (
            "energy.svg",
            grouped_bars(
                &format!("{w}: energy per training sample"),
                "uJ (log)",
                &gpu_names,
                &[energy],
            )?,
        ),
        (
            "time.svg",
            grouped_bars(
                &format!("{w}: time per training sample"),
                "us (log)",
                &gpu_names,
                &[time],
            )?,
        ),
        (
            "components.svg",
            grouped_bars(
                &format!("{w}: energy by component"),
                "uJ (log)",
                &keys,
                &by_config,
            )?,
        ),
    ])
}
