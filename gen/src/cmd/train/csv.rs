//! The per-epoch CSV of a training run: one row per epoch, energy by component and clip
//! events by slice in their own columns.

use panther_sim::train::EpochReport;

pub fn epochs_csv(epochs: &[EpochReport]) -> String {
    let components: Vec<String> = epochs
        .first()
        .map(|r| r.energy_pj.keys().cloned().collect())
        .unwrap_or_default();
    let slices = epochs.first().map_or(0, |r| r.clip_events.len());
    let mut head: Vec<String> = [
        "epoch",
        "samples",
        "train_loss",
        "train_accuracy",
        "test_accuracy",
        "float_train_loss",
        "float_test_accuracy",
        "total_energy_pj",
        "mcu_busy_ns",
        "crs",
        "saturations",
        "adc_clips",
        "crs_saturations",
        "seconds",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    head.extend(components.iter().map(|c| format!("energy_pj_{c}")));
    head.extend((0..slices).map(|k| format!("clip_events_slice{k}")));
    head.extend((0..slices).map(|k| format!("clipped_levels_slice{k}")));
    let opt = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    let mut s = head.join(",");
    s.push('\n');
    for r in epochs {
        let mut row = vec![
            r.epoch.to_string(),
            r.samples.to_string(),
            r.train_loss.to_string(),
            r.train_accuracy.to_string(),
            r.test_accuracy.to_string(),
            opt(r.float_train_loss),
            opt(r.float_test_accuracy),
            r.total_energy_pj.to_string(),
            r.mcu_busy_ns.to_string(),
            r.crs.to_string(),
            r.saturations.to_string(),
            r.adc_clips.to_string(),
            r.crs_saturations.to_string(),
            format!("{:.3}", r.seconds),
        ];
        row.extend(
            components
                .iter()
                .map(|c| r.energy_pj.get(c).copied().unwrap_or(0.0).to_string()),
        );
        row.extend(r.clip_events.iter().map(|v| v.to_string()));
        row.extend(r.clipped_levels.iter().map(|v| v.to_string()));
        s.push_str(&row.join(","));
        s.push('\n');
    }
    s
}
