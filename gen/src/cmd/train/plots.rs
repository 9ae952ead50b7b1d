//! The SVG plots of a training run (plotters): test accuracy per epoch against the float64
//! reference, the clip fraction of each slice, and energy by component.

use anyhow::{anyhow, Result};
use panther_sim::train::EpochReport;
use plotters::prelude::*;

/// One named line of (x, y) points.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// A line chart as SVG text. `log_y` plots y on a log axis (values <= 0 are left out).
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    log_y: bool,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 440)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("plot: {e}"))?;
        let pts = || {
            series
                .iter()
                .flat_map(|s| s.points.iter())
                .filter(|p| !log_y || p.1 > 0.0)
        };
        let x_max = pts().map(|p| p.0).fold(1.0, f64::max);
        let (mut y_min, mut y_max) =
            pts().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        if y_min > y_max {
            (y_min, y_max) = (0.0, 1.0);
        }
        if y_max - y_min < 1e-12 {
            y_max = y_min + y_min.abs().max(1.0) * 0.1;
        }
        let mut builder = ChartBuilder::on(&root);
        let chart = builder
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70);
        let colors = [
            BLUE,
            RED,
            GREEN,
            MAGENTA,
            CYAN,
            BLACK,
            RGBColor(255, 140, 0),
        ];
        macro_rules! draw {
            ($chart:expr) => {{
                let mut c = $chart;
                c.configure_mesh()
                    .x_desc(x_label)
                    .y_desc(y_label)
                    .draw()
                    .map_err(|e| anyhow!("plot: {e}"))?;
                for (k, s) in series.iter().enumerate() {
                    let color = colors[k % colors.len()];
                    let line: Vec<(f64, f64)> = s
                        .points
                        .iter()
                        .copied()
                        .filter(|p| !log_y || p.1 > 0.0)
                        .collect();
                    c.draw_series(LineSeries::new(line.clone(), color.stroke_width(2)))
                        .map_err(|e| anyhow!("plot: {e}"))?
                        .label(s.name.clone())
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                        });
                    c.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))
                        .map_err(|e| anyhow!("plot: {e}"))?;
                }
                c.configure_series_labels()
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .draw()
                    .map_err(|e| anyhow!("plot: {e}"))?;
            }};
        }
        if log_y {
            draw!(chart
                .build_cartesian_2d(0.0..x_max + 0.5, (y_min * 0.8..y_max * 1.25).log_scale())
                .map_err(|e| anyhow!("plot: {e}"))?);
        } else {
            let pad = (y_max - y_min) * 0.08;
            draw!(chart
                .build_cartesian_2d(0.0..x_max + 0.5, y_min - pad..y_max + pad)
                .map_err(|e| anyhow!("plot: {e}"))?);
        }
        root.present().map_err(|e| anyhow!("plot: {e}"))?;
    }
    Ok(svg)
}

fn per_epoch(epochs: &[EpochReport], f: impl Fn(&EpochReport) -> Option<f64>) -> Vec<(f64, f64)> {
    epochs
        .iter()
        .filter_map(|r| f(r).map(|y| (r.epoch as f64, y)))
        .collect()
}

/// (file name, SVG) of every plot of a run; `weights` is the network's weight count (the
/// denominator of the clip fraction).
pub fn plots(epochs: &[EpochReport], weights: usize) -> Result<Vec<(&'static str, String)>> {
    let mut out = Vec::new();
    let mut acc = vec![
        Series {
            name: "test (machine)".into(),
            points: per_epoch(epochs, |r| Some(100.0 * r.test_accuracy)),
        },
        Series {
            name: "train (machine)".into(),
            points: per_epoch(epochs, |r| Some(100.0 * r.train_accuracy)),
        },
    ];
    if epochs.iter().any(|r| r.float_test_accuracy.is_some()) {
        acc.push(Series {
            name: "test (float64)".into(),
            points: per_epoch(epochs, |r| r.float_test_accuracy.map(|a| 100.0 * a)),
        });
    }
    out.push((
        "accuracy.svg",
        line_chart("Accuracy per epoch", "epoch", "accuracy (%)", &acc, false)?,
    ));
    let slices = epochs.first().map_or(0, |r| r.clip_events.len());
    let clips: Vec<Series> = (0..slices)
        .map(|k| Series {
            name: format!("slice {k}"),
            points: per_epoch(epochs, |r| {
                Some(r.clip_events[k] as f64 / (r.samples.max(1) * weights.max(1)) as f64)
            }),
        })
        .collect();
    out.push((
        "clips.svg",
        line_chart(
            "OPA clip events per weight and sample, by slice (LSB = slice 0)",
            "epoch",
            "clip fraction (log)",
            &clips,
            true,
        )?,
    ));
    let components: Vec<String> = epochs
        .first()
        .map(|r| r.energy_pj.keys().cloned().collect())
        .unwrap_or_default();
    let energy: Vec<Series> = components
        .iter()
        .map(|c| Series {
            name: c.clone(),
            points: per_epoch(epochs, |r| {
                r.energy_pj
                    .get(c)
                    .map(|e| e * 1e-3 / r.samples.max(1) as f64)
            }),
        })
        .collect();
    out.push((
        "energy.svg",
        line_chart(
            "Energy per training sample by component",
            "epoch",
            "nJ per sample (log)",
            &energy,
            true,
        )?,
    ));
    Ok(out)
}
