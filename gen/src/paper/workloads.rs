//! Section 2: a training sample of each workload on PANTHER, the baselines and the GPU;
//! the ratios next to the paper's headline claims and convolution-layer ranges.

use super::doc::{Block, Section};
use super::ratio;
use crate::charts::{grouped_bars, Bars, Short};
use crate::cmd::eval::{charts, compared_presets, evaluate, workload_model};
use crate::common::load_config;
use anyhow::Result;
use panther_sim::eval::paper::{CONV_ENERGY_RANGE, HEADLINES};
use panther_sim::eval::{Evaluation, GpuTable, StepCost, Workload};

/// The largest energy component of a step and its share.
fn largest(c: &StepCost) -> (String, f64) {
    c.energy_pj
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, v)| (k.clone(), v / c.total_energy_pj.max(f64::MIN_POSITIVE)))
        .unwrap_or_default()
}

/// (ratio, workload) of the largest energy and time ratio against the configs in
/// `presets` (or the GPU), over the workloads.
fn best(evs: &[Evaluation], presets: &[&str], energy: bool) -> Option<(f64, String, usize)> {
    let mut out: Option<(f64, String, usize)> = None;
    for (w, ev) in evs.iter().enumerate() {
        let mut consider = |r: f64| {
            if r.is_finite() && out.as_ref().is_none_or(|o| r > o.0) {
                out = Some((r, ev.workload.clone(), w));
            }
        };
        if presets == ["gpu"] {
            for g in &ev.gpu {
                consider(if energy { g.energy_ratio } else { g.time_ratio });
            }
        } else {
            for (k, c) in ev.configs.iter().enumerate() {
                if presets.contains(&c.config.as_str()) {
                    consider(if energy {
                        ev.energy_ratio[k]
                    } else {
                        ev.time_ratio[k]
                    });
                }
            }
        }
    }
    out
}

pub fn section(
    specs: &[String],
    steps: usize,
    figures: &mut Vec<(String, String)>,
) -> Result<Section> {
    let names: Vec<String> = if specs.is_empty() {
        Workload::ALL.iter().map(|w| w.name.to_string()).collect()
    } else {
        specs.to_vec()
    };
    let presets = compared_presets();
    let configs = presets
        .iter()
        .map(|s| load_config(s))
        .collect::<Result<Vec<_>>>()?;
    let gpu = GpuTable::builtin();
    // Every workload is loaded before the first (long) run.
    let models = names.iter().map(|n| workload_model(n)).collect::<Result<Vec<_>>>()?;
    let mut evs = Vec::new();
    for model in &models {
        evs.push(evaluate(model, &configs, &presets, steps, 1, &gpu)?);
    }
    let baselines = &presets[1..];
    // Per workload: PANTHER's figures and every ratio.
    let mut header = vec![
        "workload".to_string(),
        "MCUs".into(),
        "PANTHER uJ".into(),
        "PANTHER us".into(),
    ];
    for b in baselines {
        header.push(format!("energy x `{b}`"));
        header.push(format!("time x `{b}`"));
    }
    header.push("energy x GPU b1".into());
    header.push("time x GPU b1".into());
    let rows: Vec<Vec<String>> = evs
        .iter()
        .map(|ev| {
            let p = &ev.configs[0];
            let mut r = vec![
                format!("`{}`", ev.workload),
                p.mcus.to_string(),
                format!("{}", Short(p.total_energy_pj / 1e6)),
                format!("{}", Short(p.step_ns / 1e3)),
            ];
            for k in 1..ev.configs.len() {
                r.push(format!("{}", Short(ev.energy_ratio[k])));
                r.push(format!("{}", Short(ev.time_ratio[k])));
            }
            match ev.gpu.iter().find(|g| g.measurement.batch == 1) {
                Some(g) => {
                    r.push(format!("{}", Short(g.energy_ratio)));
                    r.push(format!("{}", Short(g.time_ratio)));
                }
                None => r.extend(["-".to_string(), "-".to_string()]),
            }
            r
        })
        .collect();
    let mut blocks = vec![
        Block::Para(format!(
            "One training sample of each workload (docs/evaluation.md, \"Workloads\"), compiled and run on the architectural simulator, the mean of {steps} step(s) on random inputs, on PANTHER and the baselines; the ratios are the baseline's energy and time over PANTHER's (above 1: PANTHER is better). GPU: the authors' V100 measurements at batch 1 (examples/gpu/v100-puma-tensorflow.toml)."
        )),
        Block::Table { header, rows },
    ];
    // The headline claims: "up to" over the workloads.
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for h in HEADLINES {
        let e = best(&evs, h.presets, true);
        let t = best(&evs, h.presets, false);
        let show = |b: &Option<(f64, String, usize)>| {
            b.as_ref()
                .map(|(r, w, _)| format!("{} (`{w}`)", Short(*r)))
                .unwrap_or_else(|| "-".into())
        };
        rows.push(vec![
            h.against.to_string(),
            format!("{}", h.energy),
            show(&e),
            e.as_ref()
                .map(|b| ratio(b.0, h.energy))
                .unwrap_or_else(|| "-".into()),
            format!("{}", h.time),
            show(&t),
            t.as_ref()
                .map(|b| ratio(b.0, h.time))
                .unwrap_or_else(|| "-".into()),
        ]);
        if let Some((r, w, i)) = &e {
            if h.presets != ["gpu"] {
                let ev = &evs[*i];
                let k = ev.energy_ratio.iter().position(|x| x == r).unwrap_or(0);
                let (comp, share) = largest(&ev.configs[k]);
                let (pcomp, pshare) = largest(&ev.configs[0]);
                notes.push(format!(
                    "Against the {} (`{}`), the largest energy ratio, {}x on `{w}` (paper: up to {}x), comes from `{comp}`: {:.0} % of that baseline's step, where PANTHER's largest part is `{pcomp}` ({:.0} %). Its time ratio, {}x (paper: {}x), follows from its step time of {} us against {} us.",
                    h.against,
                    ev.configs[k].config,
                    Short(*r),
                    h.energy,
                    100.0 * share,
                    100.0 * pshare,
                    Short(ev.time_ratio[k]),
                    h.time,
                    Short(ev.configs[k].step_ns / 1e3),
                    Short(ev.configs[0].step_ns / 1e3),
                ));
            } else {
                notes.push(format!(
                    "Against the GPU the best ratio is {}x in energy on `{w}` (paper: up to {}x against an RTX 2080 Ti): a V100 training step at small batch is bound by kernel launches and data movement ({} ms per step for this network at batch 1, at {} W), not by arithmetic, while PANTHER's step is {} us.",
                    Short(*r),
                    h.energy,
                    evs[*i].gpu.first().map(|g| g.measurement.step_ms).unwrap_or(0.0),
                    evs[*i].gpu.first().map(|g| g.measurement.board_power_w).unwrap_or(0.0),
                    Short(evs[*i].configs[0].step_ns / 1e3),
                ));
            }
        }
    }
    blocks.push(Block::Para(
        "The paper's headline claims are \"up to\" figures; here each is the largest ratio over the workloads evaluated.".into(),
    ));
    blocks.push(Block::Table {
        header: [
            "against",
            "paper energy x",
            "ours (workload)",
            "ours / paper",
            "paper time x",
            "ours (workload)",
            "ours / paper",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });
    blocks.extend(notes.into_iter().map(Block::Para));
    // The convolution layers' ranges.
    let conv: Vec<&Evaluation> = evs
        .iter()
        .filter(|ev| Workload::from_name(&ev.workload).is_some_and(|w| w.is_conv_layer()))
        .collect();
    if !conv.is_empty() {
        let rows = CONV_ENERGY_RANGE
            .iter()
            .map(|(preset, lo, hi)| {
                let rs: Vec<f64> = conv
                    .iter()
                    .filter_map(|ev| {
                        ev.configs
                            .iter()
                            .position(|c| c.config == *preset)
                            .map(|k| ev.energy_ratio[k])
                    })
                    .collect();
                let (mn, mx) = rs
                    .iter()
                    .fold((f64::MAX, f64::MIN), |(a, b), &r| (a.min(r), b.max(r)));
                vec![
                    format!("`{preset}`"),
                    format!("{lo}-{hi}"),
                    format!("{}-{}", Short(mn), Short(mx)),
                    format!("{}", conv.len()),
                ]
            })
            .collect();
        blocks.push(Block::Para(
            "Convolution layers (the VGG-16 layers as unrolled matrices): the range of PANTHER's energy reduction.".into(),
        ));
        blocks.push(Block::Table {
            header: ["against", "paper", "ours", "layers"]
                .map(String::from)
                .to_vec(),
            rows,
        });
    }
    // Figures: the ratios over the workloads, and the first workload's charts.
    let groups: Vec<String> = evs.iter().map(|e| e.workload.clone()).collect();
    for (file, what, energy) in [
        ("ratios-energy.svg", "energy", true),
        ("ratios-time.svg", "time", false),
    ] {
        let mut series: Vec<Bars> = (1..presets.len())
            .map(|k| Bars {
                name: presets[k].clone(),
                values: evs
                    .iter()
                    .map(|e| {
                        if energy {
                            e.energy_ratio[k]
                        } else {
                            e.time_ratio[k]
                        }
                    })
                    .collect(),
            })
            .collect();
        if evs
            .iter()
            .any(|e| e.gpu.iter().any(|g| g.measurement.batch == 1))
        {
            series.push(Bars {
                name: "GPU (V100, batch 1)".into(),
                values: evs
                    .iter()
                    .map(|e| {
                        e.gpu
                            .iter()
                            .find(|g| g.measurement.batch == 1)
                            .map_or(
                                f64::NAN,
                                |g| if energy { g.energy_ratio } else { g.time_ratio },
                            )
                    })
                    .collect(),
            });
        }
        let title = format!("{what} per training sample over PANTHER's");
        figures.push((
            file.to_string(),
            grouped_bars(&title, "ratio (log)", &groups, &series)?,
        ));
        blocks.push(Block::Figure {
            file: file.into(),
            caption: format!("The baselines' and the GPU's {what} per training sample over PANTHER's, per workload (above 1: PANTHER is better)."),
        });
    }
    if let Some(ev) = evs.first() {
        for (name, svg) in charts(ev)? {
            let file = format!("{}-{name}", ev.workload);
            figures.push((file.clone(), svg));
            blocks.push(Block::Figure {
                caption: format!(
                    "`{}`: {} (`panther eval --workload {} --svg DIR`).",
                    ev.workload,
                    name.trim_end_matches(".svg"),
                    ev.workload
                ),
                file,
            });
        }
    }
    Ok(Section {
        title: "Energy and time of a training step: PANTHER, the baselines, the GPU".into(),
        blocks,
    })
}
