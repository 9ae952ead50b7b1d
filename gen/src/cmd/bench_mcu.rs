//! `panther bench mcu`: the MCU model's speed against a plain integer product of the same
//! size, measured in one run (ratios, not absolute times, are the figures to compare).

use crate::common::{emit, table, ConfigArg};
use anyhow::Result;
use clap::ValueEnum;
use panther_sim::rng::SeqRng;
use panther_sim::Mcu;
use serde::Serialize;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct BenchMcuArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Minimum wall time per measurement (ms, 1 to 600000).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub min_ms: u64,
    /// Only these operations (comma-separated); default all.
    #[arg(long, value_delimiter = ',', value_enum)]
    pub only: Vec<BenchOp>,
    /// Also write the JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The operations `bench mcu` times.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchOp {
    Mvm,
    Mtvm,
    Opa,
    Crs,
}

#[derive(Serialize)]
struct Row {
    op: String,
    device: String,
    ns_per_op: f64,
    ratio_to_plain: f64,
    target_ratio: Option<f64>,
    meets_target: Option<bool>,
}

#[derive(Serialize)]
struct Report {
    config: String,
    rows: usize,
    cols: usize,
    plain_ns: f64,
    results: Vec<Row>,
}

/// Median time of one call, from batches that each run for at least `min/5`.
fn time_op(min: Duration, mut f: impl FnMut()) -> f64 {
    f();
    let batch_min = min / 5;
    let mut per = Vec::new();
    let start = Instant::now();
    while per.len() < 5 || start.elapsed() < min {
        let t0 = Instant::now();
        let mut n = 0u64;
        while t0.elapsed() < batch_min || n == 0 {
            f();
            n += 1;
        }
        per.push(t0.elapsed().as_nanos() as f64 / n as f64);
    }
    per.sort_by(|a, b| a.partial_cmp(b).unwrap());
    per[per.len() / 2]
}

/// The baseline: y_j = sum_i x_i w_ij in 64-bit integers.
pub fn plain_mvm(w: &[i16], x: &[i64], cols: usize, y: &mut [i64]) {
    y.iter_mut().for_each(|v| *v = 0);
    for (xi, row) in x.iter().zip(w.chunks_exact(cols)) {
        for (yj, &wij) in y.iter_mut().zip(row) {
            *yj += xi * wij as i64;
        }
    }
}

pub fn run(a: &BenchMcuArgs) -> Result<()> {
    let base = a.config.load()?;
    let (rows, cols) = (base.array.rows, base.array.cols);
    let min = Duration::from_millis(a.min_ms);
    let mut rng = SeqRng::new(42);
    let w: Vec<i64> = (0..rows * cols)
        .map(|_| rng.range_i64(-32768, 32767))
        .collect();
    let x: Vec<i64> = (0..rows).map(|_| rng.range_i64(-32768, 32767)).collect();
    let d: Vec<i64> = (0..cols).map(|_| rng.range_i64(-32768, 32767)).collect();
    let d_small: Vec<i64> = (0..cols).map(|_| rng.range_i64(-64, 64)).collect();

    let w16: Vec<i16> = w.iter().map(|&v| v as i16).collect();
    let mut y = vec![0i64; cols];
    let plain = time_op(min, || {
        plain_mvm(black_box(&w16), black_box(&x), cols, &mut y);
        black_box(&y);
    });

    let mut results = Vec::new();
    for preset in super::bench_devices(&a.config) {
        let dev_name = preset.name();
        let mut cfg = base.clone();
        cfg.device = preset.config();
        let ideal = cfg.device.is_ideal();
        let want = |op: &str| {
            a.only.is_empty()
                || a.only
                    .iter()
                    .any(|o| o.to_possible_value().is_some_and(|v| v.get_name() == op))
        };
        let mut m = Mcu::new(&cfg, 0);
        m.write_weights(&w)?;
        let mut push = |op: &str, ns: f64, target_ideal: f64| {
            let target = if ideal { target_ideal } else { 50.0 };
            let ratio = ns / plain;
            results.push(Row {
                op: op.to_string(),
                device: dev_name.to_string(),
                ns_per_op: ns,
                ratio_to_plain: ratio,
                target_ratio: Some(target),
                meets_target: Some(ratio <= target),
            });
        };
        if want("mvm") {
            let ns = time_op(min, || {
                black_box(m.mvm(black_box(&x)).unwrap());
            });
            push("mvm", ns, 10.0);
        }
        if want("mtvm") {
            let ns = time_op(min, || {
                black_box(m.mtvm(black_box(&d)).unwrap());
            });
            push("mtvm", ns, 10.0);
        }
        if ideal && (want("mvm") || want("mtvm")) {
            // The explicit path, for comparison with the exact shortcut taken above.
            let mut forced = m.clone();
            forced.set_exact_shortcut(false);
            let ns = time_op(min, || {
                black_box(forced.mvm(black_box(&x)).unwrap());
            });
            push("mvm (bit-serial path)", ns, 10.0);
            let ns = time_op(min, || {
                black_box(forced.mtvm(black_box(&d)).unwrap());
            });
            push("mtvm (bit-serial path)", ns, 10.0);
        }
        if want("opa") {
            let ns = time_op(min, || {
                black_box(m.opa(black_box(&x), black_box(&d_small)).unwrap());
            });
            push("opa", ns, 10.0);
        }
        if want("crs") {
            let ns = time_op(min, || {
                black_box(m.crs());
            });
            push("crs", ns, 20.0);
        }
    }

    let rows_txt: Vec<Vec<String>> = std::iter::once(vec![
        "plain i64 mvm".into(),
        "-".into(),
        format!("{:.0}", plain),
        "1.0".into(),
        "-".into(),
    ])
    .chain(results.iter().map(|r| {
        vec![
            r.op.clone(),
            r.device.clone(),
            format!("{:.0}", r.ns_per_op),
            format!("{:.1}", r.ratio_to_plain),
            format!(
                "<= {} {}",
                r.target_ratio.unwrap_or(0.0),
                if r.meets_target == Some(true) {
                    "ok"
                } else {
                    "MISSED"
                }
            ),
        ]
    }))
    .collect();
    println!(
        "MCU model speed, {} preset ({}x{}), one run:\n",
        base.name, rows, cols
    );
    print!(
        "{}",
        table(&["op", "device", "ns/op", "x plain", "target"], &rows_txt)
    );
    let report = Report {
        config: base.name.clone(),
        rows,
        cols,
        plain_ns: plain,
        results,
    };
    let json = serde_json::to_string_pretty(&report)?;
    println!();
    emit(None, &json)?;
    if let Some(p) = &a.json {
        emit(Some(p), &json)?;
    }
    Ok(())
}
