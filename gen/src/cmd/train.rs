//! `panther train`: train a model file on a data set with the `fast` engine (the machine's
//! MCU operations on golden MCUs) or the `float` reference; a table per epoch, JSON out.

use crate::common::{emit, print_stdout, table, to_json, ConfigArg};
use anyhow::{bail, Context, Result};
use panther_sim::config::Variant;
use panther_sim::train::{train, Engine, EpochReport, Model, Split};
use serde::Serialize;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct TrainArgs {
    /// The model file (TOML; docs/training.md, examples/models/).
    #[arg(long)]
    pub model: PathBuf,
    /// `digits`, `iris`, `fashion-mnist`, or a CSV / IDX file.
    #[arg(long)]
    pub data: String,
    /// Config (default: the `panther` preset).
    #[command(flatten)]
    pub config: ConfigArg,
    /// fast (the machine) or float (the float64 reference).
    #[arg(long, default_value = "fast")]
    pub engine: String,
    /// Overrides of the model file's training settings.
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long)]
    pub lr: Option<f64>,
    #[arg(long)]
    pub batch: Option<usize>,
    /// A CRS every N training samples.
    #[arg(long)]
    pub crs_every: Option<usize>,
    #[arg(long)]
    pub variant: Option<Variant>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// Train on the first N training samples only.
    #[arg(long)]
    pub limit: Option<usize>,
    /// For a data file: the fraction at its end that is the test set.
    #[arg(long, default_value_t = 0.2)]
    pub test_split: f64,
    /// Also write the JSON report here (atomically).
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Serialize)]
struct TrainOut<'a> {
    model: &'a str,
    data: &'a str,
    engine: Engine,
    config: String,
    variant: Variant,
    train_samples: usize,
    test_samples: usize,
    mcus: usize,
    settings: &'a panther_sim::train::model::Training,
    epochs: &'a [EpochReport],
    seconds: f64,
}

pub fn run(a: &TrainArgs) -> Result<()> {
    let engine: Engine = a.engine.parse().map_err(anyhow::Error::msg)?;
    let origin = a.model.display().to_string();
    let mut model = Model::load(&a.model)?;
    let t = &mut model.training;
    if let Some(v) = a.epochs {
        t.epochs = v;
    }
    if let Some(v) = a.lr {
        t.lr = v;
    }
    if let Some(v) = a.batch {
        t.batch = v;
    }
    if let Some(v) = a.crs_every {
        t.crs_every = v;
    }
    if let Some(v) = a.variant {
        t.variant = Some(v);
    }
    if let Some(v) = a.seed {
        t.seed = v;
    }
    model.validate(&format!("{origin} (with the command line's settings)"))?;
    let cfg = model.config_for(&a.config.load()?);
    model.validate_for(&cfg, &origin)?;
    let mut data = Split::load(&a.data, a.test_split)?.scaled();
    if let Some(n) = a.limit {
        if n == 0 {
            bail!("--limit must be at least 1");
        }
        data.train = data.train.take(n);
    }
    if data.train.dim() != model.input.size {
        bail!(
            "{origin}: input.size is {}, but {} has {} features per sample",
            model.input.size,
            a.data,
            data.train.dim()
        );
    }
    let classes = data.train.classes.max(data.test.classes);
    if model.outputs() < classes {
        bail!(
            "{origin}: the last layer has {} outputs, but {} has {classes} classes",
            model.outputs(),
            a.data
        );
    }
    let mcus = panther_sim::train::plan::Plan::new(&model, &cfg).mcus();
    print_stdout(&format!(
        "training {} on {} ({} train / {} test samples), engine {:?}, {:?}, {} MCUs of {}x{}",
        model.name,
        a.data,
        data.train.len(),
        data.test.len(),
        engine,
        cfg.variant,
        mcus,
        cfg.array.rows,
        cfg.array.cols
    ))?;
    let start = std::time::Instant::now();
    let epochs = train(&model, &cfg, &data, engine, |r| {
        let _ = print_stdout(&format!(
            "epoch {:>3}  loss {:.4}  train {:.3}  test {:.3}  energy {:.3} uJ  MCU time {:.3} ms  CRS {}  clips {}  ({:.2} s)",
            r.epoch,
            r.train_loss,
            r.train_accuracy,
            r.test_accuracy,
            r.total_energy_pj * 1e-6,
            r.mcu_busy_ns * 1e-6,
            r.crs,
            r.clip_events.iter().sum::<u64>(),
            r.seconds
        ));
    })
    .map_err(anyhow::Error::msg)
    .with_context(|| format!("training {origin}"))?;
    let seconds = start.elapsed().as_secs_f64();
    if let Some(last) = epochs.last() {
        let rows: Vec<Vec<String>> = last
            .energy_pj
            .iter()
            .map(|(k, v)| vec![k.clone(), format!("{:.1}", v * 1e-3)])
            .collect();
        print_stdout(&format!(
            "energy of the last epoch by component (nJ):\n{}",
            table(&["component", "nJ"], &rows).trim_end()
        ))?;
    }
    if let Some(p) = &a.json {
        let out = TrainOut {
            model: &model.name,
            data: &a.data,
            engine,
            config: cfg.name.clone(),
            variant: cfg.variant,
            train_samples: data.train.len(),
            test_samples: data.test.len(),
            mcus,
            settings: &model.training,
            epochs: &epochs,
            seconds,
        };
        emit(Some(p), &to_json(&out, true)?)?;
    }
    Ok(())
}
