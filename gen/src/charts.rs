//! Bar charts as SVG (plotters), shared by the reports: grouped bars on a log axis, with
//! each bar's value written above it.

use anyhow::{anyhow, Result};
use plotters::prelude::*;

/// One named series of bars, one value per group.
pub struct Bars {
    pub name: String,
    pub values: Vec<f64>,
}

const COLORS: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(127, 127, 127),
];

/// Grouped bars on a log y axis: `groups` along x, one bar per series in each group
/// (values <= 0 or not finite are left out).
pub fn grouped_bars(
    title: &str,
    y_label: &str,
    groups: &[String],
    series: &[Bars],
) -> Result<String> {
    let err = |e: &dyn std::fmt::Display| anyhow!("plot: {e}");
    let shown = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    let lo = shown().fold(f64::MAX, f64::min);
    let hi = shown().fold(f64::MIN, f64::max);
    let (lo, hi) = if lo > hi {
        (0.1, 10.0)
    } else {
        (lo / 3.0, hi * 3.0)
    };
    let width = (160 + 90 * groups.len() * series.len().max(1)).clamp(640, 1400) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let n = groups.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..n, (lo..hi).log_scale())
            .map_err(|e| err(&e))?;
        let labels = groups.to_vec();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(groups.len() * 2 + 1)
            .x_label_formatter(&move |x: &f64| {
                let k = x.floor() as usize;
                // Labels at the middle of each group only.
                if (x - k as f64 - 0.5).abs() < 1e-6 {
                    labels.get(k).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc(y_label)
            .draw()
            .map_err(|e| err(&e))?;
        let per = series.len().max(1) as f64;
        let bar = 0.8 / per;
        for (s, b) in series.iter().enumerate() {
            let color = COLORS[s % COLORS.len()];
            let x0 = |g: usize| g as f64 + 0.1 + bar * s as f64;
            let bars = b
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite() && **v > 0.0)
                .map(|(g, &v)| {
                    Rectangle::new([(x0(g), lo), (x0(g) + bar * 0.95, v)], color.filled())
                });
            chart
                .draw_series(bars)
                .map_err(|e| err(&e))?
                .label(b.name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
                });
            let values = b
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite() && **v > 0.0)
                .map(|(g, &v)| {
                    Text::new(
                        format!("{}", Short(v)),
                        (x0(g), v * 1.15),
                        ("sans-serif", 11).into_font(),
                    )
                });
            chart.draw_series(values).map_err(|e| err(&e))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

/// A number in three significant digits (bar labels, tables).
pub struct Short(pub f64);

impl std::fmt::Display for Short {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        if !v.is_finite() {
            return write!(f, "-");
        }
        let a = v.abs();
        if a >= 1e5 || (a > 0.0 && a < 1e-2) {
            write!(f, "{v:.2e}")
        } else if a >= 100.0 {
            write!(f, "{v:.0}")
        } else if a >= 10.0 {
            write!(f, "{v:.1}")
        } else {
            write!(f, "{v:.2}")
        }
    }
}
