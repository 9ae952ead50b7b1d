//! Training works: iris on the machine reaches a floor, and the float reference with it.

use super::*;
use crate::config::Preset;

fn iris_model(epochs: usize) -> Model {
    Model::from_toml_str(
        &format!(
            r#"
name = "iris-mlp"
input = {{ size = 4 }}
loss = "softmax_cross_entropy"
[[layers]]
type = "dense"
out = 8
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
    assert!(f.total_energy_pj > 0.0 && f.energy_pj["crossbar_opa"] > 0.0 && f.mcu_busy_ns > 0.0);
    assert_eq!(f.crs, 120 / 8);
}
