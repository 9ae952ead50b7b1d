//! `panther train`: train a model file on a data set with the `fast` engine (the machine's
//! MCU operations on golden MCUs) or the `float` reference, with the float64 reference
//! alongside; a progress bar, a line per epoch, JSON, CSV and SVG plots, checkpoints.

mod csv;
mod plots;

use crate::common::{print_stdout, table, to_json, write_file, ConfigArg};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use panther_sim::config::Variant;
use panther_sim::train::model::Training;
use panther_sim::train::{Checkpoint, DataId, Engine, EpochReport, Model, Session, Split};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct TrainArgs {
    /// The model file (TOML; docs/training.md, examples/models/).
    #[arg(long)]
    pub model: PathBuf,
    /// `digits`, `iris`, `fashion-mnist`, or a CSV / IDX file.
    #[arg(long)]
    pub data: String,
    /// A test set file (CSV / IDX) for a --data file; without it, --test-split applies.
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// For a --data file without --test: the fraction at its end that is the test set.
    #[arg(long, value_parser = crate::args::open_fraction)]
    pub test_split: Option<f64>,
    /// Config (default: the `panther` preset).
    #[command(flatten)]
    pub config: ConfigArg,
    /// arch (the compiled programs on the architectural simulator), fast (the same MCU
    /// operations on golden MCUs) or float (the float64 reference).
    #[arg(long, default_value = "fast")]
    pub engine: String,
    /// Overrides of the model file's training settings.
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long, value_parser = crate::args::learning_rate)]
    pub lr: Option<f64>,
    #[arg(long)]
    pub batch: Option<usize>,
    /// A CRS every N training samples.
    #[arg(long)]
    pub crs_every: Option<usize>,
    #[arg(long)]
    pub variant: Option<Variant>,
    #[arg(long, value_parser = crate::args::seed)]
    pub seed: Option<u64>,
    /// Train on the first N training samples only.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Do not train the float64 reference alongside the machine.
    #[arg(long)]
    pub no_reference: bool,
    /// Also write the JSON report here (atomically).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write report.json, epochs.csv and the SVG plots into this folder after every epoch.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Save a checkpoint (checkpoint.json) into this folder after every epoch and on Ctrl-C.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Continue from the checkpoint in --checkpoint DIR.
    #[arg(long, requires = "checkpoint")]
    pub resume: bool,
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
    weights: usize,
    settings: &'a Training,
    epochs: &'a [EpochReport],
    /// Wall time of the whole run (this invocation).
    seconds: f64,
    interrupted: bool,
}

/// The model file with the command line's overrides, validated.
fn model_of(a: &TrainArgs) -> Result<Model> {
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
    Ok(model)
}

fn data_of(a: &TrainArgs, model: &Model) -> Result<Split> {
    let named = panther_sim::train::data::NAMED.contains(&a.data.as_str());
    if named && (a.test.is_some() || a.test_split.is_some()) {
        bail!(
            "--data {}: a named set has its fixed train/test split; --test and --test-split are for data files",
            a.data
        );
    }
    if a.test.is_some() && a.test_split.is_some() {
        bail!("--test and --test-split exclude each other");
    }
    let mut data = match &a.test {
        Some(t) => Split {
            train: panther_sim::train::data::load_path(Path::new(&a.data))?,
            test: panther_sim::train::data::load_path(t)?,
        },
        None => Split::load(&a.data, a.test_split.unwrap_or(0.2))?,
    }
    .scaled_for(model);
    if let Some(n) = a.limit {
        if n == 0 {
            bail!("--limit must be at least 1");
        }
        data.train = data.train.take(n);
    }
    let origin = a.model.display();
    for (set, what) in [(&data.train, "training"), (&data.test, "test")] {
        model.check_features(
            set.dim(),
            &origin.to_string(),
            &format!("the {what} set of {}", a.data),
        )?;
    }
    let classes = data.train.classes.max(data.test.classes);
    if model.outputs() < classes {
        bail!(
            "{origin}: the last layer has {} outputs, but {} has {classes} classes (labels 0..{})",
            model.outputs(),
            a.data,
            classes - 1
        );
    }
    Ok(data)
}

/// A folder for outputs: created when missing, and proven writable before any work.
fn output_dir(dir: &Path, flag: &str) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{flag} {}: cannot create the folder", dir.display()))?;
    let probe = dir.join(format!(".panther-write-test{}", std::process::id()));
    std::fs::write(&probe, b"")
        .with_context(|| format!("{flag} {}: cannot write into the folder", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

fn checkpoint_file(dir: &Path) -> PathBuf {
    dir.join("checkpoint.json")
}

pub fn run(a: &TrainArgs) -> Result<()> {
    let engine: Engine = a.engine.parse().map_err(anyhow::Error::msg)?;
    let origin = a.model.display().to_string();
    let model = model_of(a)?;
    let cfg = model.config_for(&a.config.load()?);
    model.validate_for(&cfg, &origin)?;
    let data = data_of(a, &model)?;
    let data_id = DataId::of(&a.data, &data);
    if let Some(p) = &a.json {
        if let Some(d) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !d.is_dir() {
                bail!(
                    "--json {}: cannot write there: no folder {}",
                    p.display(),
                    d.display()
                );
            }
        }
    }
    for (dir, flag) in [(&a.out, "--out"), (&a.checkpoint, "--checkpoint")] {
        if let Some(d) = dir {
            output_dir(d, flag)?;
        }
    }
    let reference = !a.no_reference && engine != Engine::Float;
    let mut session = match (&a.checkpoint, a.resume) {
        (Some(dir), true) => {
            let f = checkpoint_file(dir);
            let text = panther_sim::files::read_text(&f, panther_sim::files::InputLimit::Data)
                .map_err(|e| anyhow::anyhow!("--resume: {e}"))?;
            let shown = f.display().to_string();
            Checkpoint::from_json(&text, &shown)
                .and_then(|cp| cp.resume(&model, &cfg, engine, reference, &data_id, &shown))
                .map_err(anyhow::Error::msg)?
        }
        _ => Session::new(&model, &cfg, engine, reference).map_err(anyhow::Error::msg)?,
    };
    let plan = panther_sim::train::plan::Plan::new(&model, &cfg);
    let weights: usize = plan.layers.iter().map(|l| l.rows() * l.outputs).sum();
    print_stdout(&format!(
        "training {} on {} ({} train / {} test samples), engine {}, {:?}, {} MCUs of {}x{}{}",
        model.name,
        a.data,
        data.train.len(),
        data.test.len(),
        engine.name(),
        cfg.variant,
        plan.mcus(),
        cfg.array.rows,
        cfg.array.cols,
        if session.progress.epoch > 0 || session.progress.so_far.done > 0 {
            format!(
                "; resumed at epoch {}, sample {}",
                session.progress.epoch + 1,
                session.progress.so_far.done
            )
        } else {
            String::new()
        }
    ))?;
    for r in &session.progress.reports {
        print_stdout(&epoch_line(r))?;
    }
    crate::signals::graceful();
    let start = std::time::Instant::now();
    let n = data.train.len() as u64;
    let bar = ProgressBar::new(n);
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} samples, {per_sec}, {msg} (ETA {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let write_outputs = |s: &Session, interrupted: bool| -> Result<()> {
        let out = TrainOut {
            model: &model.name,
            data: &a.data,
            engine,
            config: cfg.name.clone(),
            variant: cfg.variant,
            train_samples: data.train.len(),
            test_samples: data.test.len(),
            mcus: plan.mcus(),
            weights,
            settings: &model.training,
            epochs: &s.progress.reports,
            seconds: start.elapsed().as_secs_f64(),
            interrupted,
        };
        let json = to_json(&out, true)?;
        if let Some(p) = &a.json {
            write_file(p, json.as_bytes())?;
        }
        if let Some(dir) = &a.out {
            write_file(&dir.join("report.json"), json.as_bytes())?;
            write_file(
                &dir.join("epochs.csv"),
                csv::epochs_csv(&s.progress.reports).as_bytes(),
            )?;
            for (name, svg) in plots::plots(&s.progress.reports, weights)? {
                write_file(&dir.join(name), svg.as_bytes())?;
            }
        }
        Ok(())
    };
    let save = |s: &Session| -> Result<()> {
        if let Some(dir) = &a.checkpoint {
            write_file(
                &checkpoint_file(dir),
                Checkpoint::of(s, data_id.clone())
                    .map_err(anyhow::Error::msg)?
                    .to_json()
                    .as_bytes(),
            )?;
        }
        Ok(())
    };
    let mut interrupted = false;
    // The epoch the bar shows: a new one restarts its rate and ETA.
    let mut shown = usize::MAX;
    while !session.finished() {
        if crate::signals::stop_requested() {
            interrupted = true;
            break;
        }
        let p = &session.progress;
        if p.epoch != shown {
            shown = p.epoch;
            bar.reset();
            bar.set_prefix(format!("epoch {}/{}", p.epoch + 1, model.training.epochs));
            bar.set_position(p.so_far.done as u64);
        }
        let report = session
            .step(&data)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("training {origin}"))?;
        let p = &session.progress;
        bar.set_position(p.so_far.done as u64);
        if p.so_far.done % 64 == 1 {
            let k = p.so_far.done as f64;
            bar.set_message(format!(
                "loss {:.3}, train accuracy {:.3}",
                p.so_far.loss / k,
                p.so_far.right as f64 / k
            ));
        }
        if let Some(r) = report {
            bar.suspend(|| print_stdout(&epoch_line(&r)))?;
            save(&session)?;
            write_outputs(&session, false)?;
        }
    }
    bar.finish_and_clear();
    if interrupted {
        save(&session)?;
        write_outputs(&session, true)?;
        let p = &session.progress;
        let how = match &a.checkpoint {
            Some(d) => format!(
                "checkpoint saved in {}; continue with the same command and --resume",
                d.display()
            ),
            None => "no --checkpoint was given, so nothing was saved to resume from".into(),
        };
        bail!(
            "interrupted after sample {} of epoch {}: {how}",
            p.so_far.done,
            p.epoch + 1
        );
    }
    summary(&session, engine)?;
    Ok(())
}

fn epoch_line(r: &EpochReport) -> String {
    let float = match r.float_test_accuracy {
        Some(f) => format!(" (float64 {:.3})", f),
        None => String::new(),
    };
    let per = r.samples.max(1) as f64;
    let cost = match r.simulated_ns {
        _ if r.energy_pj.is_empty() => String::new(),
        Some(ns) => format!(
            "  energy {:.1} nJ/sample  simulated {:.2} us/sample",
            r.total_energy_pj * 1e-3 / per,
            ns * 1e-3 / per
        ),
        None => format!(
            "  energy {:.1} nJ/sample  MCU time {:.2} us/sample",
            r.total_energy_pj * 1e-3 / per,
            r.mcu_busy_ns * 1e-3 / per
        ),
    };
    // The arch engine does not keep per-slice clips.
    let clips = if r.clip_events.is_empty() {
        "-".to_string()
    } else {
        r.clip_events.iter().sum::<u64>().to_string()
    };
    format!(
        "epoch {:>3}  loss {:.4}  train {:.3}  test {:.3}{float}{cost}  CRS {}  clips {clips}  ({:.2} s)",
        r.epoch,
        r.train_loss,
        r.train_accuracy,
        r.test_accuracy,
        r.crs,
        r.seconds
    )
}

fn summary(s: &Session, engine: Engine) -> Result<()> {
    let Some(last) = s.progress.reports.last() else {
        return Ok(());
    };
    let epochs = &s.progress.reports;
    let secs: f64 = epochs.iter().map(|r| r.seconds).sum::<f64>() / epochs.len() as f64;
    let per = last.samples.max(1) as f64;
    let mut rows = vec![vec![
        engine.name().to_string(),
        format!("{:.2}", 100.0 * last.test_accuracy),
        if engine == Engine::Float {
            "-".into()
        } else {
            format!("{:.1}", last.total_energy_pj * 1e-3 / per)
        },
        if engine == Engine::Float {
            "-".into()
        } else {
            format!(
                "{:.2}",
                last.simulated_ns.unwrap_or(last.mcu_busy_ns) * 1e-3 / per
            )
        },
        format!("{secs:.2}"),
    ]];
    if let Some(f) = last.float_test_accuracy {
        rows.push(vec![
            "float64 reference".into(),
            format!("{:.2}", 100.0 * f),
            "-".into(),
            "-".into(),
            "-".into(),
        ]);
    }
    print_stdout(&format!(
        "after epoch {}:\n{}",
        last.epoch,
        table(
            &[
                "engine",
                "test accuracy %",
                "energy nJ/sample",
                "time us/sample",
                "wall s/epoch"
            ],
            &rows
        )
        .trim_end()
    ))?;
    if !last.energy_pj.is_empty() {
        let rows: Vec<Vec<String>> = last
            .energy_pj
            .iter()
            .map(|(k, v)| {
                vec![
                    k.clone(),
                    format!("{:.2}", v * 1e-3 / per),
                    format!("{:.1}", 100.0 * v / last.total_energy_pj.max(1e-300)),
                ]
            })
            .collect();
        print_stdout(&format!(
            "energy of the last epoch by component:\n{}",
            table(&["component", "nJ/sample", "%"], &rows).trim_end()
        ))?;
    }
    Ok(())
}
