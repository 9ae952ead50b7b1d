//! How much of each device effect the bit-sliced MCU tolerates (docs/device.md, "Presets"):
//! `cargo run --release -p panther-sim --example device_tolerance -- [n=128] [variant=V1]
//! [preset=NAME] [FIELD=VALUE ...]`, FIELD a `[device]` field. On an n x n MCU of the
//! `panther` design point it prints (1) the weight error after a write and after 20 CRS
//! without updates, (2) the relative RMS error of MVM against the exact product, (3) the
//! relative RMS error of a linear map learnt by SGD (MVM, OPA with learning rate 1/32, a CRS
//! every 8 steps) after 100..400 steps. The ideal device learns it to about 0.26 at n = 128.

use panther_sim::config::{DevicePreset, Preset, Variant};
use panther_sim::rng::SeqRng;
use panther_sim::Mcu;

fn rms(v: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut k) = (0.0, 0.0);
    for x in v {
        s += x * x;
        k += 1.0;
    }
    (s / k).sqrt()
}

fn main() {
    let mut cfg = Preset::Panther.config();
    cfg.adc.shared_adcs = 2;
    let mut n = 128usize;
    let mut fields = toml::Table::new();
    for arg in std::env::args().skip(1) {
        let (key, value) = arg.split_once('=').expect("arguments are KEY=VALUE");
        match key {
            "n" => n = value.parse().expect("n is a number of rows and columns"),
            "variant" => cfg.variant = value.parse::<Variant>().unwrap(),
            "preset" => {
                fields.insert(key.into(), toml::Value::String(value.into()));
            }
            _ => {
                let v: f64 = value.parse().expect("a device field takes a number");
                fields.insert(key.into(), toml::Value::Float(v));
            }
        }
    }
    cfg.array.rows = n;
    cfg.array.cols = n;
    // Through the TOML path, so that a preset and its overrides resolve as in a file.
    let mut table = toml::Table::try_from(&cfg).unwrap();
    table.insert("device".into(), toml::Value::Table(fields));
    let cfg = panther_sim::Config::from_toml_str(&toml::to_string(&table).unwrap(), "arguments")
        .unwrap_or_else(|e| panic!("{e}"));
    println!("device: {:?}", cfg.device);
    let reram = DevicePreset::Reram.config();
    if cfg.device == reram {
        println!("(the `reram` preset)");
    }

    let mut rng = SeqRng::new(7);
    let w: Vec<i64> = (0..n * n).map(|_| rng.range_i64(-2048, 2048)).collect();
    let mut m = Mcu::new(&cfg, 0);
    m.write_weights(&w).unwrap();
    let err = |r: &[i64]| rms(r.iter().zip(&w).map(|(a, b)| (a - b) as f64));
    let after_write = err(&m.read_weights().weights);
    for _ in 0..20 {
        m.crs();
    }
    let after = m.read_weights().weights;
    let wrecked = after
        .iter()
        .zip(&w)
        .filter(|(a, b)| (*a - *b).abs() > 256)
        .count();
    println!(
        "weights (+-0.5): RMS error {after_write:.0} LSB after the write, {:.0} after 20 CRS; {wrecked} of {} off by more than 1/16",
        err(&after),
        n * n
    );

    let mut m = Mcu::new(&cfg, 1);
    m.write_weights(&w).unwrap();
    let (mut e2, mut y2) = (0.0, 0.0);
    for _ in 0..8 {
        let x: Vec<i64> = (0..n).map(|_| rng.range_i64(-4096, 4096)).collect();
        let y = m.mvm(&x).unwrap().raw;
        for (j, yj) in y.iter().enumerate() {
            let exact: i64 = (0..n).map(|i| x[i] * w[i * n + j]).sum();
            e2 += ((yj - exact) as f64).powi(2);
            y2 += (exact as f64).powi(2);
        }
    }
    println!("MVM: relative RMS error {:.4}", (e2 / y2).sqrt());

    let target: Vec<i64> = (0..n * n).map(|_| rng.range_i64(-2048, 2048)).collect();
    let goal = |x: &[i64]| -> Vec<i64> {
        (0..n)
            .map(|j| (0..n).map(|i| x[i] * target[i * n + j]).sum::<i64>() >> 12)
            .collect::<Vec<_>>()
    };
    let mut m = Mcu::new(&cfg, 2);
    m.write_weights(&vec![0; n * n]).unwrap();
    for step in 1..=400 {
        let x: Vec<i64> = (0..n).map(|_| rng.range_i64(-4096, 4096)).collect();
        let y = m.mvm(&x).unwrap().words;
        let d: Vec<i64> = goal(&x).iter().zip(&y).map(|(t, y)| (t - y) >> 5).collect();
        m.opa(&x, &d).unwrap();
        if step % 8 == 0 {
            m.crs();
        }
        if step % 100 == 0 {
            let (mut e2, mut t2) = (0.0, 0.0);
            for _ in 0..8 {
                let x: Vec<i64> = (0..n).map(|_| rng.range_i64(-4096, 4096)).collect();
                let y = m.mvm(&x).unwrap().words;
                for (t, y) in goal(&x).iter().zip(&y) {
                    e2 += ((t - y) as f64).powi(2);
                    t2 += (*t as f64).powi(2);
                }
            }
            println!(
                "SGD step {step}: relative RMS error {:.4}",
                (e2 / t2).sqrt()
            );
        }
    }
}
