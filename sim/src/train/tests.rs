//! Training works: iris on the machine reaches a floor, and the float reference with it.

use super::*;
use crate::config::{Preset, Variant};

fn iris_model(epochs: usize) -> Model {
    iris_model_with(epochs, 8)
}

/// The iris MLP with `hidden` sigmoid units (40 on the `small` preset's 16 x 16 arrays:
/// 3 column blocks, then 3 row blocks).
fn iris_model_with(epochs: usize, hidden: usize) -> Model {
    Model::from_toml_str(
        &format!(
            r#"
name = "iris-mlp"
input = {{ size = 4 }}
loss = "softmax_cross_entropy"
[[layers]]
type = "dense"
out = {hidden}
activation = "sigmoid"
[[layers]]
type = "dense"
out = 3
[training]
lr = 0.1
epochs = {epochs}
crs_every = 8
seed = 3
"#
        ),
        "iris.toml",
    )
    .unwrap()
}

#[test]
fn iris_trains_on_the_machine_and_in_float() {
    let cfg = Preset::Small.config();
    let model = iris_model(20);
    model.validate_for(&cfg, "iris.toml").unwrap();
    let data = Split::load("iris", 0.2).unwrap().scaled();
    let fast = train(&model, &cfg, &data, Engine::Fast, |_| {}).unwrap();
    let float = train(&model, &cfg, &data, Engine::Float, |_| {}).unwrap();
    let (f, r) = (fast.last().unwrap(), float.last().unwrap());
    assert!(f.test_accuracy >= 0.8, "machine: {f:?}");
    assert!(r.test_accuracy >= 0.8, "float: {r:?}");
    assert!(
        f.train_loss < fast[0].train_loss,
        "{:?} -> {:?}",
        fast[0].train_loss,
        f.train_loss
    );
    assert!(
        f.total_energy_pj > 0.0 && f.energy_pj["mcu.crossbar_opa"] > 0.0 && f.mcu_busy_ns > 0.0
    );
    assert_eq!(f.crs, 120 / 8);
}

/// The `small` preset as V1 with the ideal device and as V2 with every device effect.
fn v1_ideal_and_v2_noisy() -> [crate::config::Config; 2] {
    [
        (Variant::V1, crate::config::DeviceConfig::default()),
        (Variant::V2, crate::config::DeviceConfig::all_effects()),
    ]
    .map(|(variant, device)| {
        let mut cfg = Preset::Small.config();
        cfg.variant = variant;
        cfg.device = device;
        cfg
    })
}

/// A run stopped mid-epoch, saved, reloaded from JSON and resumed ends with the same
/// reports (wall time aside) and machine state as an uninterrupted run: V1 and V2, ideal
/// and with every device effect, on the `fast` and the `arch` engine (the node with its
/// memories, MCUs, statistics and cycle count).
#[test]
fn a_resumed_run_continues_bit_identically() {
    for (cfg, engine) in v1_ideal_and_v2_noisy()
        .into_iter()
        .flat_map(|c| [(c.clone(), Engine::Fast), (c, Engine::Arch)])
    {
        let variant = cfg.variant;
        let mut model = iris_model(2);
        if variant == Variant::V2 {
            model.training.batch = 8;
        }
        model.validate_for(&cfg, "iris.toml").unwrap();
        let mut data = Split::load("iris", 0.2).unwrap().scaled();
        data.train = data.train.take(30);
        data.test = data.test.take(10);
        let id = DataId::of("iris", &data);
        let mut whole = Session::new(&model, &cfg, engine, true).unwrap();
        while !whole.finished() {
            whole.step(&data).unwrap();
        }
        let mut first = Session::new(&model, &cfg, engine, true).unwrap();
        for _ in 0..43 {
            first.step(&data).unwrap();
        }
        let saved = Checkpoint::of(&first, id.clone()).unwrap().to_json();
        drop(first);
        let cp = Checkpoint::from_json(&saved, "cp.json").unwrap();
        let mut rest = cp
            .resume(&model, &cfg, engine, true, &id, "cp.json")
            .unwrap();
        assert_eq!(rest.progress.epoch, 1);
        while !rest.finished() {
            rest.step(&data).unwrap();
        }
        let strip = |s: &Session| {
            let mut r = s.progress.reports.clone();
            r.iter_mut().for_each(|e| e.seconds = 0.0);
            r
        };
        assert_eq!(strip(&rest), strip(&whole), "{variant:?} {engine:?}");
        assert!(
            rest.states() == whole.states(),
            "{variant:?} {engine:?}: states differ"
        );
        // Another config, model or data set is refused with a reason.
        let mut other = cfg.clone();
        other.seed += 1;
        let e = cp
            .resume(&model, &other, engine, true, &id, "cp.json")
            .err()
            .unwrap();
        assert!(e.contains("another config"), "{e}");
        let mut m2 = model.clone();
        m2.training.lr *= 2.0;
        let e = cp
            .resume(&m2, &cfg, engine, true, &id, "cp.json")
            .err()
            .unwrap();
        assert!(e.contains("another model"), "{e}");
        let mut id2 = id.clone();
        id2.digest ^= 1;
        let e = cp
            .resume(&model, &cfg, engine, true, &id2, "cp.json")
            .err()
            .unwrap();
        assert!(e.contains("other data"), "{e}");
    }
    let e = Checkpoint::from_json("{\"format\": \"x\"}", "cp.json").unwrap_err();
    assert!(e.contains("format `x`"), "{e}");
    let e = Checkpoint::from_json("[1, 2", "cp.json").unwrap_err();
    assert!(e.contains("cp.json: not a checkpoint"), "{e}");
}

/// The compiled programs on the architectural simulator (`arch`) and the plan on golden
/// MCUs (`fast`) give the same losses, predictions, weights (every slice level or
/// conductance) and MCU event counters, sample after sample with CRS between: V1, V2 and
/// V3, ideal and with every device effect, for a network on one core and for one on 6 MCUs
/// over 3 cores of 2 tiles (2 cores per tile: blocks on the leader's MCUs, on another core
/// of its tile through the shared memory, and on the other tile through send/receive).
#[test]
fn arch_and_fast_engines_agree_bit_for_bit() {
    for (hidden, cores_per_tile) in [(8, 8), (40, 2)] {
        for variant in [Variant::V1, Variant::V2, Variant::V3] {
            for device in [
                crate::config::DeviceConfig::default(),
                crate::config::DeviceConfig::all_effects(),
            ] {
                let mut cfg = Preset::Small.config();
                cfg.variant = variant;
                cfg.device = device;
                cfg.arch.cores_per_tile = cores_per_tile;
                let mcus = assert_engines_agree(&cfg, &iris_model_with(1, hidden), "iris", 12);
                assert_eq!(mcus, if hidden == 8 { 2 } else { 6 });
            }
        }
    }
}

/// A network of two convolution layers and a dense one on digits (8 x 8 images): padded
/// windows, a convolution of 2 x 2 blocks (partial sums of row blocks forward, of column
/// blocks backward), 10 MCUs over 3 tiles. The engines agree, V1 ideal and V2 with every
/// device effect.
#[test]
fn arch_and_fast_engines_agree_on_convolution_layers() {
    let model = Model::from_toml_str(
        r#"
name = "digits-conv"
input = { shape = [8, 8, 1] }
loss = "softmax_cross_entropy"
[[layers]]
type = "conv2d"
out_channels = 4
kernel = 3
stride = 2
padding = 1
activation = "relu"
[[layers]]
type = "conv2d"
out_channels = 17
kernel = 2
stride = 2
activation = "sigmoid"
[[layers]]
type = "dense"
out = 10
[training]
lr = 0.1
epochs = 1
crs_every = 2
"#,
        "digits-conv.toml",
    )
    .unwrap();
    for mut cfg in v1_ideal_and_v2_noisy() {
        let variant = cfg.variant;
        cfg.arch.cores_per_tile = 2;
        let mut model = model.clone();
        model.training.batch = if variant == Variant::V1 { 1 } else { 2 };
        model.validate_for(&cfg, "digits-conv.toml").unwrap();
        assert_eq!(assert_engines_agree(&cfg, &model, "digits", 4), 10);
    }
}

/// `samples` training samples of `data` with a CRS every 4, then 6 predictions, on both
/// engines: everything equal. The MCUs the network used.
fn assert_engines_agree(
    cfg: &crate::config::Config,
    model: &Model,
    data: &str,
    samples: usize,
) -> usize {
    use super::arch::ArchNet;
    use super::fast::FastNet;
    use super::plan::Plan;
    let variant = cfg.variant;
    let w = run::initial_weights(model, cfg);
    let plan = Plan::new(model, cfg);
    let mut fast = FastNet::new(plan.clone(), cfg, &w).unwrap();
    let mut arch = ArchNet::new(plan, cfg, &w).unwrap();
    let data = Split::load(data, 0.2).unwrap().scaled();
    for (k, &i) in run::order(data.train.len(), 3, 0)
        .iter()
        .take(samples)
        .enumerate()
    {
        let (x, y) = (&data.train.features[i], data.train.labels[i]);
        fast.load(x, y);
        arch.load(x, y);
        let a = fast.train_sample(y).unwrap();
        let b = arch.train_sample(y).unwrap();
        assert_eq!(a, b, "{variant:?} sample {k}");
        if k % 4 == 3 {
            fast.crs();
            arch.crs().unwrap();
        }
    }
    for x in &data.test.features[..6] {
        fast.load(x, 0);
        arch.load(x, 0);
        assert_eq!(fast.predict().unwrap(), arch.predict().unwrap());
    }
    let (fa, aa) = (&fast.activity, arch.activity());
    assert_eq!(
        (
            &fa.clip_events,
            &fa.clipped_levels,
            fa.saturations,
            fa.adc_clips
        ),
        (
            &aa.clip_events,
            &aa.clipped_levels,
            aa.saturations,
            aa.adc_clips
        ),
        "{variant:?}"
    );
    assert_eq!((fa.crs, fa.crs_saturations), (aa.crs, aa.crs_saturations));
    let c = fast.counters();
    let mcus = fast.mcus.len() as u64;
    let opas: u64 = (0..mcus as usize)
        .map(|k| {
            fast.plan.layers[fast.plan.blocks[k].layer]
                .window
                .positions() as u64
        })
        .sum();
    assert_eq!(
        (c.opa_ops, c.crs_ops),
        (samples as u64 * opas, (samples / 4) as u64 * mcus),
        "{variant:?}: every update ran"
    );
    assert_eq!(c, arch.counters(), "{variant:?}");
    for (k, m) in fast.mcus.iter().enumerate() {
        assert!(
            m.state() == arch.mcu(k).state(),
            "{variant:?}: MCU {k} differs"
        );
    }
    let r = arch.report();
    assert!(r.cycles > 0 && r.total_energy_pj > 0.0 && r.mcu_counters == c);
    if cfg.arch.cores_per_tile * 2 < fast.mcus.len() {
        assert!(arch.node.tiles.len() >= 2);
        let t = &r.tiles;
        assert!(t.iter().all(|t| t.stats.edram_accesses > 0), "{t:?}");
    }
    mcus as usize
}

/// A run on the `arch` engine reports the `fast` engine's losses and accuracies; both report
/// the same whole-machine energy by component, and `fast` the simulated time within 1 %
/// (an estimate: an OPA's phases depend on the data).
#[test]
fn an_arch_run_reports_like_fast_plus_machine_time_and_energy() {
    for device in [
        crate::config::DeviceConfig::default(),
        crate::config::DeviceConfig::all_effects(),
    ] {
        let mut cfg = Preset::Small.config();
        cfg.device = device;
        let model = iris_model(1);
        let mut data = Split::load("iris", 0.2).unwrap().scaled();
        data.train = data.train.take(40);
        let fast = train(&model, &cfg, &data, Engine::Fast, |_| {}).unwrap();
        let arch = train(&model, &cfg, &data, Engine::Arch, |_| {}).unwrap();
        let (f, a) = (&fast[0], &arch[0]);
        assert_eq!(
            (
                f.train_loss,
                f.train_accuracy,
                f.test_accuracy,
                f.crs,
                f.mcu_busy_ns
            ),
            (
                a.train_loss,
                a.train_accuracy,
                a.test_accuracy,
                a.crs,
                a.mcu_busy_ns
            )
        );
        assert_eq!(
            (&f.clip_events, &f.clipped_levels),
            (&a.clip_events, &a.clipped_levels)
        );
        assert!(
            f.clip_events.iter().sum::<u64>() > 0,
            "the comparison covers clips"
        );
        // The fast engine reports the same machine energy, component by component, from its
        // MCUs and the compiled programs' cost. Its time is the compiled step's, measured once:
        // an OPA's phases (sign quadrants) depend on the data, so it is an estimate (0.35 % here).
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
        let (fs, as_) = (f.simulated_ns.unwrap(), a.simulated_ns.unwrap());
        assert!(as_ > 0.0 && (fs - as_).abs() < 0.01 * as_, "{fs} {as_}");
        assert_eq!(
            f.energy_pj.keys().collect::<Vec<_>>(),
            a.energy_pj.keys().collect::<Vec<_>>()
        );
        for (k, v) in &a.energy_pj {
            assert!(close(f.energy_pj[k], *v), "{k}: {} {v}", f.energy_pj[k]);
        }
        assert!(
            a.energy_pj["core.imem"] > 0.0 && a.energy_pj["mcu.crossbar_opa"] > 0.0,
            "{:?}",
            a.energy_pj
        );
    }
}

/// Fast-forward (skipping cycles in which cores count down fixed latencies or wait on the
/// shared memory's valid bits) changes nothing: a network on 3 cores of 2 tiles runs its
/// steps and a CRS with and without it to the same cycle counts, statistics and energy.
#[test]
fn fast_forward_over_mailbox_waits_changes_no_result() {
    use super::arch::ArchNet;
    use super::plan::Plan;
    let mut cfg = Preset::Small.config();
    cfg.arch.cores_per_tile = 2;
    let model = iris_model_with(1, 40);
    let w = run::initial_weights(&model, &cfg);
    let data = Split::load("iris", 0.2).unwrap().scaled();
    let reports: Vec<_> = [true, false]
        .into_iter()
        .map(|ff| {
            let mut arch = ArchNet::new(Plan::new(&model, &cfg), &cfg, &w).unwrap();
            arch.node.fast_forward = ff;
            for k in 0..3 {
                let (x, y) = (&data.train.features[k], data.train.labels[k]);
                arch.load(x, y);
                arch.train_sample(y).unwrap();
            }
            arch.crs().unwrap();
            (
                arch.node.fast_forwarded_cycles,
                serde_json::to_string(&arch.report()).unwrap(),
            )
        })
        .collect();
    assert!(reports[0].0 > 0 && reports[1].0 == 0);
    assert_eq!(reports[0].1, reports[1].1);
    assert!(reports[0].1.contains("stall_attribute_cycles"));
}

/// Keeping each block's dead part out of the CRS (`DeadCells::Kept`, which the engines
/// use) changes nothing a network sees: with every device effect, V1 and V2, the same
/// losses, predictions, event counters, clips and saturations, and the same weights in
/// every block's live part, as MCUs that read and rewrite their whole arrays at each CRS.
#[test]
fn live_windows_change_no_result_or_counter() {
    use super::fast::FastNet;
    use super::plan::Plan;
    for mut cfg in v1_ideal_and_v2_noisy() {
        cfg.device = crate::config::DeviceConfig::all_effects();
        let mut model = iris_model_with(1, 40);
        model.training.batch = if cfg.variant == Variant::V1 { 1 } else { 2 };
        let w = run::initial_weights(&model, &cfg);
        let plan = Plan::new(&model, &cfg);
        let mut live = FastNet::new(plan.clone(), &cfg, &w).unwrap();
        let mut whole = FastNet::new(plan.clone(), &cfg, &w).unwrap();
        for (m, b) in whole.mcus.iter_mut().zip(&plan.blocks) {
            m.set_live_window(b.rows, b.cols, crate::mcu::DeadCells::Rewritten);
        }
        let data = Split::load("iris", 0.2).unwrap().scaled();
        for k in 0..16 {
            let (x, y) = (&data.train.features[k], data.train.labels[k]);
            live.load(x, y);
            whole.load(x, y);
            assert_eq!(
                live.train_sample(y).unwrap(),
                whole.train_sample(y).unwrap()
            );
            if k % 2 == 1 {
                live.crs();
                whole.crs();
            }
        }
        for x in &data.test.features[..10] {
            live.load(x, 0);
            whole.load(x, 0);
            assert_eq!(live.predict().unwrap(), whole.predict().unwrap());
        }
        assert_eq!(live.counters(), whole.counters());
        assert_eq!(live.activity, whole.activity);
        let cols = cfg.array.cols;
        for (k, b) in plan.blocks.iter().enumerate() {
            let (a, c) = (
                live.mcus[k].read_weights().weights,
                whole.mcus[k].read_weights().weights,
            );
            for i in 0..b.rows {
                assert_eq!(
                    a[i * cols..][..b.cols],
                    c[i * cols..][..b.cols],
                    "block {k} row {i}"
                );
            }
        }
    }
}
