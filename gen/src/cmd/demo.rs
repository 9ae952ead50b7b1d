//! `panther demo mcu`: a 128x128 bit-sliced MVM, MTVM, OPA and CRS on random weights, with
//! the error against float64 and the energy/latency of each operation.

use crate::common::{table, ConfigArg};
use anyhow::Result;
use panther_sim::config::Variant;
use panther_sim::cost::{CostReport, Counters};
use panther_sim::fixed;
use panther_sim::rng::SeqRng;
use panther_sim::Mcu;
use serde_json::json;

#[derive(clap::Subcommand)]
pub enum DemoCmd {
    /// One 128x128 MCU: bit-sliced MVM, MTVM, OPA and CRS on random weights, with the
    /// error against float64 and the energy and latency of each operation.
    Mcu(DemoArgs),
}

#[derive(clap::Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// MCU variant (V1, V2, V3); default: the config's.
    #[arg(long)]
    pub variant: Option<Variant>,
    /// Seed of the random weights and inputs.
    #[arg(long, default_value_t = 1, value_parser = crate::args::seed)]
    pub seed: u64,
    /// Learning-rate scale of the OPA error vector (power of two).
    #[arg(long, default_value_t = 1.0 / 16.0, value_parser = crate::args::power_of_two_scale)]
    pub eta: f64,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

struct ErrStats {
    max_abs: f64,
    rms: f64,
}

fn err_stats(got: &[f64], want: &[f64]) -> ErrStats {
    let n = got.len() as f64;
    let (mut max_abs, mut sq) = (0f64, 0f64);
    for (g, w) in got.iter().zip(want) {
        max_abs = max_abs.max((g - w).abs());
        sq += (g - w) * (g - w);
    }
    ErrStats {
        max_abs,
        rms: (sq / n).sqrt(),
    }
}

pub fn run(a: &DemoArgs) -> Result<()> {
    let mut cfg = a.config.load()?;
    if let Some(v) = a.variant {
        cfg.variant = v;
    }
    cfg.validate("--config")?;
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let f = cfg.format.clone();
    let (fw, fx, fo) = (f.frac_bits, f.input_frac_bits, f.output_frac_bits);
    let mut rng = SeqRng::new(a.seed);
    let uni = |rng: &mut SeqRng, lo: f64, hi: f64| lo + (hi - lo) * rng.uniform();

    // Weights scaled like a usual layer initialisation so that outputs stay in the word range.
    let w_scale = 1.0 / (rows.max(cols) as f64).sqrt();
    let w_f: Vec<f64> = (0..rows * cols)
        .map(|_| uni(&mut rng, -w_scale, w_scale))
        .collect();
    let x_f: Vec<f64> = (0..rows).map(|_| uni(&mut rng, -1.0, 1.0)).collect();
    let d_f: Vec<f64> = (0..cols).map(|_| uni(&mut rng, -1.0, 1.0)).collect();
    let q = |v: f64, frac: u32, bits: u32| fixed::from_f64(v, frac, bits);
    let w: Vec<i64> = w_f.iter().map(|&v| q(v, fw, f.word_bits)).collect();
    let x: Vec<i64> = x_f.iter().map(|&v| q(v, fx, f.input_bits)).collect();
    let d: Vec<i64> = d_f.iter().map(|&v| q(v, fx, f.input_bits)).collect();

    let mut m = Mcu::new(&cfg, 0);
    m.write_weights(&w)?;
    m.reset_counters();
    let mut per_op: Vec<(&str, Counters)> = Vec::new();
    let mut snap = m.counters.clone();
    let mut mark = |m: &Mcu, name: &'static str, per_op: &mut Vec<(&str, Counters)>| {
        per_op.push((name, m.counters.since(&snap)));
        snap = m.counters.clone();
    };

    // MVM against float64 on the unquantised operands.
    let y = m.mvm(&x)?;
    mark(&m, "mvm", &mut per_op);
    let y_ref: Vec<f64> = (0..cols)
        .map(|j| (0..rows).map(|i| x_f[i] * w_f[i * cols + j]).sum())
        .collect();
    let y_got: Vec<f64> = y.words.iter().map(|&v| fixed::to_f64(v, fo)).collect();
    let y_err = err_stats(&y_got, &y_ref);
    let y_exact: Vec<i64> = (0..cols)
        .map(|j| (0..rows).map(|i| x[i] * w[i * cols + j]).sum())
        .collect();

    let z = m.mtvm(&d)?;
    mark(&m, "mtvm", &mut per_op);
    let z_ref: Vec<f64> = (0..rows)
        .map(|i| (0..cols).map(|j| w_f[i * cols + j] * d_f[j]).sum())
        .collect();
    let z_got: Vec<f64> = z.words.iter().map(|&v| fixed::to_f64(v, fo)).collect();
    let z_err = err_stats(&z_got, &z_ref);
    let z_exact: Vec<i64> = (0..rows)
        .map(|i| (0..cols).map(|j| w[i * cols + j] * d[j]).sum())
        .collect();

    // OPA: W += relu(x) * (eta * d), against float64.
    let xr: Vec<i64> = x.iter().map(|&v| v.max(0)).collect();
    let ds: Vec<i64> = d_f
        .iter()
        .map(|&v| q(a.eta * v, fx, f.input_bits))
        .collect();
    let before = m.read_weights();
    mark(&m, "serial read (inspection)", &mut per_op);
    let o = m.opa(&xr, &ds)?;
    mark(&m, "opa", &mut per_op);
    let mid = m.read_weights();
    mark(&m, "serial read (inspection)", &mut per_op);
    let (b, mm) = match (&before.accumulator, &mid.accumulator) {
        (Some(b), Some(mm)) => (b.clone(), mm.clone()),
        _ => (before.weights.clone(), mid.weights.clone()),
    };
    let dw_got: Vec<f64> = b
        .iter()
        .zip(&mm)
        .map(|(p, n)| fixed::to_f64(n - p, fw))
        .collect();
    let dw_ref: Vec<f64> = (0..rows * cols)
        .map(|k| fixed::to_f64(xr[k / cols], fx) * a.eta * d_f[k % cols])
        .collect();
    let dw_err = err_stats(&dw_got, &dw_ref);

    let c = m.crs();
    mark(&m, "crs", &mut per_op);
    let after = m.read_weights();
    let mut want_after: Vec<i64> = mm.clone();
    if cfg.variant == Variant::V2 {
        want_after = before
            .weights
            .iter()
            .zip(&mm)
            .map(|(w, acc)| w + acc)
            .collect();
    }
    let want_after: Vec<i64> = want_after
        .iter()
        .map(|&v| fixed::saturate(v, f.word_bits).0)
        .collect();
    let crs_ok = after.weights == want_after;

    let lsb = |v: f64, frac: u32| v * (1u64 << frac) as f64;
    let acc_rows = vec![
        vec![
            "mvm".into(),
            "exact integer product (bit-serial, sliced, ADC)".into(),
            (y.raw == y_exact).to_string(),
        ],
        vec![
            "mvm".into(),
            "max |y - float64| (output LSB)".into(),
            format!("{:.2}", lsb(y_err.max_abs, fo)),
        ],
        vec![
            "mvm".into(),
            "rms (output LSB)".into(),
            format!("{:.2}", lsb(y_err.rms, fo)),
        ],
        vec![
            "mvm".into(),
            "ADC clips / output saturations".into(),
            format!("{} / {}", y.adc_clips, y.saturations),
        ],
        vec![
            "mtvm".into(),
            "exact integer product".into(),
            (z.raw == z_exact).to_string(),
        ],
        vec![
            "mtvm".into(),
            "max |z - float64| (output LSB)".into(),
            format!("{:.2}", lsb(z_err.max_abs, fo)),
        ],
        vec![
            "mtvm".into(),
            "rms (output LSB)".into(),
            format!("{:.2}", lsb(z_err.rms, fo)),
        ],
        vec![
            "opa".into(),
            "max |dW - float64| (weight LSB)".into(),
            format!("{:.2}", lsb(dw_err.max_abs, fw)),
        ],
        vec![
            "opa".into(),
            "rms (weight LSB)".into(),
            format!("{:.2}", lsb(dw_err.rms, fw)),
        ],
        vec![
            "opa".into(),
            "phases / clipped cells".into(),
            format!("{} / {}", o.phases, o.clip_events.iter().sum::<u64>()),
        ],
        vec![
            "crs".into(),
            "weights kept (saturating)".into(),
            crs_ok.to_string(),
        ],
        vec![
            "crs".into(),
            "saturated weights".into(),
            c.saturations.to_string(),
        ],
    ];

    let comps = [
        "crossbar_read",
        "crossbar_opa",
        "adc",
        "dac",
        "sample_hold",
        "shift_add",
        "serial_read",
        "serial_write",
        "carry_resolve",
    ];
    let mut cost_rows = Vec::new();
    let mut cost_json = Vec::new();
    let mut total = Counters::default();
    for (name, cnt) in &per_op {
        if name.starts_with("serial read") {
            continue;
        }
        total.add(cnt);
        let r = CostReport::from_counters(cnt, &cfg);
        let mut row = vec![
            name.to_string(),
            format!("{:.1}", r.latency_ns),
            format!("{:.3}", r.total_energy_pj / 1000.0),
        ];
        row.extend(
            comps
                .iter()
                .map(|k| format!("{:.3}", r.energy_pj[*k] / 1000.0)),
        );
        cost_rows.push(row);
        cost_json.push(json!({"op": name, "latency_ns": r.latency_ns, "energy_pj": r.energy_pj, "total_energy_pj": r.total_energy_pj}));
    }
    let t = CostReport::from_counters(&total, &cfg);
    let mut row = vec![
        "total".into(),
        format!("{:.1}", t.latency_ns),
        format!("{:.3}", t.total_energy_pj / 1000.0),
    ];
    row.extend(
        comps
            .iter()
            .map(|k| format!("{:.3}", t.energy_pj[*k] / 1000.0)),
    );
    cost_rows.push(row);

    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "config": cfg.name, "variant": cfg.variant, "seed": a.seed,
                "accuracy": acc_rows.iter().map(|r| json!({"op": r[0], "metric": r[1], "value": r[2]})).collect::<Vec<_>>(),
                "costs": cost_json, "total": t,
            }))?
        );
        return Ok(());
    }
    println!(
        "PANTHER MCU demo: preset {}, variant {}, {}x{} arrays, {} slices of cells {:?} bits, ADC {} bits, seed {}\n",
        cfg.name, cfg.variant, rows, cols, cfg.slicing.slices, cfg.slicing.cell_bits, cfg.adc_bits(), a.seed
    );
    println!("Accuracy (x, d uniform in [-1, 1), W uniform in [-{w_scale:.4}, {w_scale:.4}); OPA: W += relu(x) * {} d):\n", a.eta);
    print!("{}", table(&["op", "metric", "value"], &acc_rows));
    println!("\nEnergy (nJ) and latency (ns) per operation:\n");
    let mut header = vec!["op", "latency ns", "energy nJ"];
    header.extend(comps.iter().copied());
    print!("{}", table(&header, &cost_rows));
    Ok(())
}
