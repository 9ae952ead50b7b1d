//! `panther bench train`: seconds per training epoch of each engine on the digits MLP (and
//! optionally Fashion-MNIST), for the ideal device and with every device effect, next to a
//! plain float64 epoch of the same network in the same run.

use crate::common::{emit, print_stdout, table, ConfigArg};
use anyhow::{bail, Result};
use panther_sim::train::{Engine, Model, Session, Split};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// The networks measured: name, model file (built in), data set.
const NETWORKS: [(&str, &str, &str); 2] = [
    (
        "digits 64-36-10",
        include_str!("../../../examples/models/digits-mlp.toml"),
        "digits",
    ),
    (
        "fashion-mnist 784-256-10",
        include_str!("../../../examples/models/fashion-mlp.toml"),
        "fashion-mnist",
    ),
];

#[derive(clap::Args)]
pub struct BenchTrainArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Timed epochs per measurement; the median is reported.
    #[arg(long, default_value_t = 4)]
    pub runs: usize,
    /// Data sets to measure (digits, fashion-mnist).
    #[arg(long, value_delimiter = ',', default_value = "digits")]
    pub data: Vec<String>,
    /// Fashion-MNIST: time this many training samples per run and scale to the epoch.
    #[arg(long, default_value_t = 2000)]
    pub fashion_samples: usize,
    /// Learning rate of every network (the peers' digits runs use 0.1).
    #[arg(long, default_value_t = 0.1, value_parser = crate::args::learning_rate)]
    pub lr: f64,
    /// Also write the JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Serialize)]
struct Row {
    engine: &'static str,
    device: String,
    network: String,
    /// Median over the runs, of the training steps only (no test pass).
    epoch_seconds: f64,
    /// Training samples timed per run; the epoch has `epoch_samples`.
    measured_samples: usize,
    epoch_samples: usize,
    ratio_to_float: f64,
    target_seconds: Option<f64>,
    meets_target: Option<bool>,
}

#[derive(Serialize)]
struct Report {
    config: String,
    runs: usize,
    lr: f64,
    results: Vec<Row>,
}

/// Seconds of `samples` training steps of a fresh session (construction not timed), as the
/// median of `runs`.
fn epoch_seconds(
    model: &Model,
    cfg: &panther_sim::Config,
    engine: Engine,
    data: &Split,
    runs: usize,
) -> Result<f64> {
    let mut t = Vec::new();
    for _ in 0..runs {
        let mut s = Session::new(model, cfg, engine, false).map_err(anyhow::Error::msg)?;
        let t0 = Instant::now();
        for _ in 0..data.train.len() - 1 {
            s.step(data).map_err(anyhow::Error::msg)?;
        }
        t.push(
            t0.elapsed().as_secs_f64() * data.train.len() as f64 / (data.train.len() - 1) as f64,
        );
    }
    t.sort_by(|a, b| a.partial_cmp(b).expect("finite times"));
    Ok(if runs % 2 == 1 {
        t[runs / 2]
    } else {
        (t[runs / 2 - 1] + t[runs / 2]) / 2.0
    })
}

pub fn run(a: &BenchTrainArgs) -> Result<()> {
    if a.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let base = a.config.load()?;
    let mut results = Vec::new();
    for want in &a.data {
        let Some(&(network, text, data_name)) = NETWORKS.iter().find(|n| n.2 == want) else {
            let names: Vec<&str> = NETWORKS.iter().map(|n| n.2).collect();
            bail!("--data {want}: allowed: {}", names.join(", "));
        };
        let mut model = Model::from_toml_str(text, network)?;
        model.training.lr = a.lr;
        let mut data = Split::load(data_name, 0.2)?.scaled_for(&model);
        let epoch_samples = data.train.len();
        if data_name == "fashion-mnist" {
            data.train = data.train.take(a.fashion_samples.max(2));
        }
        let scale = epoch_samples as f64 / data.train.len() as f64;
        let cfg = model.config_for(&base);
        model.validate_for(&cfg, network)?;
        let float = scale * epoch_seconds(&model, &cfg, Engine::Float, &data, a.runs)?;
        let row = |engine: Engine, device: String, secs: f64, target: Option<f64>| Row {
            engine: engine.name(),
            device,
            network: network.into(),
            epoch_seconds: secs,
            measured_samples: data.train.len(),
            epoch_samples,
            ratio_to_float: secs / float,
            target_seconds: target,
            meets_target: target.map(|t| secs <= t),
        };
        results.push(row(Engine::Float, "n/a".into(), float, None));
        let compiles = panther_sim::train::compile::compile(
            &panther_sim::train::plan::Plan::new(&model, &cfg),
            &cfg,
        );
        for preset in super::bench_devices(&a.config) {
            let mut c = cfg.clone();
            c.device = preset.config();
            let secs = scale * epoch_seconds(&model, &c, Engine::Fast, &data, a.runs)?;
            // The targets, for the digits MLP (1437 samples, batch 1).
            let target =
                (data_name == "digits").then_some(if c.device.is_ideal() { 0.4 } else { 1.0 });
            results.push(row(Engine::Fast, preset.name().into(), secs, target));
            match &compiles {
                // The arch engine: at most 10x the fast engine on the same device.
                Ok(_) => {
                    let arch = scale * epoch_seconds(&model, &c, Engine::Arch, &data, a.runs)?;
                    let name = preset.name().into();
                    results.push(row(Engine::Arch, name, arch, Some(10.0 * secs)));
                }
                Err(e) => eprintln!("{network}: no arch engine measurement: {e}"),
            }
        }
    }
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                r.network.clone(),
                r.engine.into(),
                r.device.clone(),
                format!("{:.3}", r.epoch_seconds),
                format!("{:.1}", r.ratio_to_float),
                match (r.target_seconds, r.meets_target) {
                    (Some(t), Some(ok)) => {
                        format!("<= {t:.3} {}", if ok { "ok" } else { "MISSED" })
                    }
                    _ => "-".into(),
                },
                if r.measured_samples < r.epoch_samples {
                    format!("{} of {}", r.measured_samples, r.epoch_samples)
                } else {
                    r.epoch_samples.to_string()
                },
            ]
        })
        .collect();
    print_stdout(&format!(
        "training speed, {} preset, lr {}, median of {} runs, one run of this command:\n{}",
        base.name,
        a.lr,
        a.runs,
        table(
            &[
                "network",
                "engine",
                "device",
                "s/epoch",
                "x float",
                "target",
                "samples timed"
            ],
            &rows
        )
        .trim_end()
    ))?;
    let report = Report {
        config: base.name.clone(),
        runs: a.runs,
        lr: a.lr,
        results,
    };
    let json = serde_json::to_string_pretty(&report)?;
    if let Some(p) = &a.json {
        emit(Some(p), &json)?;
    }
    Ok(())
}
