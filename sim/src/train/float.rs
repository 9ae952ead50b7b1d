//! The `float` engine: the same network, initial weights, sample order and update
//! visibility (per sample for V1; at each CRS for V2 and V3) in float64, the reference the
//! machine's accuracy is compared with.

use super::fast::argmax;
use super::model::{Activation, LayerShape, Loss, Model};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FloatState {
    pub weights: Vec<Vec<Vec<f64>>>,
    pub pending: Vec<Vec<Vec<f64>>>,
}

pub struct FloatNet {
    /// Per layer: rows = the window's taps then the bias row (when the layer has one),
    /// columns = outputs (a convolution's out channels).
    pub weights: Vec<Vec<Vec<f64>>>,
    /// Updates not yet applied (V2, V3 apply them at the CRS).
    pending: Vec<Vec<Vec<f64>>>,
    layers: Vec<LayerShape>,
    loss: Loss,
    lr: f64,
    /// Apply each update at once (V1).
    immediate: bool,
}

fn act(f: Activation, z: f64) -> f64 {
    match f {
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        Activation::Tanh => z.tanh(),
        Activation::Relu => z.max(0.0),
        Activation::None => z,
    }
}

fn slope(f: Activation, z: f64, a: f64) -> f64 {
    match f {
        Activation::Sigmoid => a * (1.0 - a),
        Activation::Tanh => 1.0 - a * a,
        Activation::Relu => (z > 0.0) as u8 as f64,
        Activation::None => 1.0,
    }
}

impl FloatNet {
    pub fn new(model: &Model, weights: Vec<Vec<Vec<f64>>>, immediate: bool) -> FloatNet {
        let pending = weights
            .iter()
            .map(|w| vec![vec![0.0; w[0].len()]; w.len()])
            .collect();
        FloatNet {
            layers: model.shapes(),
            weights,
            pending,
            loss: model.loss,
            lr: model.training.lr,
            immediate,
        }
    }

    /// Layer `l`'s window at `position` of its input map, with the bias input 1.0.
    fn window(&self, l: usize, input: &[f64], position: usize) -> Vec<f64> {
        let s = &self.layers[l];
        let mut v = s.window.gather(input, position);
        if s.bias {
            v.push(1.0);
        }
        v
    }

    /// Per layer: its input map, pre-activation and activation (per position, the
    /// layer's outputs).
    pub(crate) fn forward(&self, x: &[f64]) -> Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> {
        let mut out = Vec::with_capacity(self.layers.len());
        let mut input = x.to_vec();
        for (l, (w, s)) in self.weights.iter().zip(&self.layers).enumerate() {
            let cols = s.outputs;
            let mut z = vec![0.0; s.output.len()];
            for (p, zp) in z.chunks_mut(cols).enumerate() {
                for (xi, row) in self.window(l, &input, p).iter().zip(w) {
                    for (zj, wij) in zp.iter_mut().zip(row) {
                        *zj += xi * wij;
                    }
                }
            }
            let a: Vec<f64> = z.iter().map(|&v| act(s.activation, v)).collect();
            out.push((input, z, a.clone()));
            input = a;
        }
        out
    }

    fn probabilities(&self, scores: &[f64]) -> Vec<f64> {
        match self.loss {
            Loss::SoftmaxCrossEntropy => {
                let m = scores.iter().cloned().fold(f64::MIN, f64::max);
                let e: Vec<f64> = scores.iter().map(|s| (s - m).exp()).collect();
                let sum: f64 = e.iter().sum();
                e.iter().map(|v| v / sum).collect()
            }
            Loss::Mse => scores.to_vec(),
        }
    }

    pub fn predict(&self, x: &[f64]) -> usize {
        let f = self.forward(x);
        let (_, z, _) = f.last().expect("one layer at least");
        argmax(z)
    }

    /// One sample: loss and whether the prediction (before the update) was right.
    pub fn train_sample(&mut self, x: &[f64], label: usize) -> (f64, bool) {
        let f = self.forward(x);
        let n = self.layers.len();
        let (_, z, a) = &f[n - 1];
        let p = self.probabilities(a);
        let target = |j: usize| (j == label) as u8 as f64;
        let (loss, mut delta): (f64, Vec<f64>) = match self.loss {
            Loss::SoftmaxCrossEntropy => (
                -p[label].max(1e-300).ln(),
                p.iter().enumerate().map(|(j, v)| v - target(j)).collect(),
            ),
            Loss::Mse => (
                p.iter()
                    .enumerate()
                    .map(|(j, v)| (v - target(j)).powi(2))
                    .sum::<f64>()
                    / 2.0,
                (0..p.len())
                    .map(|j| (a[j] - target(j)) * slope(self.layers[n - 1].activation, z[j], a[j]))
                    .collect(),
            ),
        };
        let correct = argmax(z) == label;
        // Deltas of every layer from the weights before this sample's updates.
        let mut deltas = vec![Vec::new(); n];
        for l in (0..n).rev() {
            deltas[l] = delta.clone();
            if l == 0 {
                break;
            }
            // Each window's gradient (the bias row has none below), added into the map.
            let (_, zb, ab) = &f[l - 1];
            let s = &self.layers[l];
            let mut below = vec![0.0; zb.len()];
            for (p, dp) in deltas[l].chunks(s.outputs).enumerate() {
                for r in s.window.runs(p) {
                    for k in 0..r.len {
                        let row = &self.weights[l][r.tap + k];
                        below[r.input + k] += row.iter().zip(dp).map(|(w, d)| w * d).sum::<f64>();
                    }
                }
            }
            let fb = self.layers[l - 1].activation;
            delta = (0..zb.len())
                .map(|i| below[i] * slope(fb, zb[i], ab[i]))
                .collect();
        }
        for l in 0..n {
            let outputs = self.layers[l].outputs;
            for (p, dp) in deltas[l].chunks(outputs).enumerate() {
                let x = self.window(l, &f[l].0, p);
                for (i, xi) in x.iter().enumerate() {
                    for (j, dj) in dp.iter().enumerate() {
                        self.pending[l][i][j] -= self.lr * xi * dj;
                    }
                }
            }
        }
        if self.immediate {
            self.apply();
        }
        (loss, correct)
    }

    /// The weights and the updates not yet applied (checkpoints).
    pub fn state(&self) -> FloatState {
        FloatState {
            weights: self.weights.clone(),
            pending: self.pending.clone(),
        }
    }

    pub fn restore(&mut self, s: &FloatState) -> Result<(), String> {
        let shape = |w: &Vec<Vec<Vec<f64>>>| -> Vec<(usize, usize)> {
            w.iter().map(|l| (l.len(), l[0].len())).collect()
        };
        if shape(&s.weights) != shape(&self.weights) || shape(&s.pending) != shape(&self.pending) {
            return Err("the saved float weights have other layer shapes".into());
        }
        self.weights = s.weights.clone();
        self.pending = s.pending.clone();
        Ok(())
    }

    /// Apply the pending updates (the CRS of V2 and V3).
    pub fn apply(&mut self) {
        for (w, p) in self.weights.iter_mut().zip(self.pending.iter_mut()) {
            for (wr, pr) in w.iter_mut().zip(p.iter_mut()) {
                for (wv, pv) in wr.iter_mut().zip(pr.iter_mut()) {
                    *wv += *pv;
                    *pv = 0.0;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loss of one sample under the net's current weights.
    fn loss_of(net: &FloatNet, x: &[f64], label: usize) -> f64 {
        let f = net.forward(x);
        let p = net.probabilities(&f.last().unwrap().2);
        match net.loss {
            Loss::SoftmaxCrossEntropy => -p[label].ln(),
            Loss::Mse => {
                p.iter()
                    .enumerate()
                    .map(|(j, v)| (v - (j == label) as u8 as f64).powi(2))
                    .sum::<f64>()
                    / 2.0
            }
        }
    }

    /// The update of every weight (windows, padding, strides, the bias row, both losses and
    /// every activation) is -lr times the loss's derivative, against central differences.
    #[test]
    fn updates_follow_the_numerical_gradient_through_convolutions() {
        for (loss, act_out) in [("softmax_cross_entropy", "none"), ("mse", "sigmoid")] {
            let model = Model::from_toml_str(
                &format!(
                    r#"
name = "g"
input = {{ shape = [5, 4, 2] }}
loss = "{loss}"
[[layers]]
type = "conv2d"
out_channels = 3
kernel = 3
stride = 2
padding = 1
activation = "tanh"
[[layers]]
type = "conv2d"
out_channels = 2
kernel = 2
activation = "relu"
bias = false
[[layers]]
type = "dense"
out = 3
activation = "{act_out}"
[training]
lr = 0.5
epochs = 1
crs_every = 1
"#
                ),
                "g.toml",
            )
            .unwrap();
            let mut rng = crate::rng::SeqRng::new(7);
            let shapes = model.shapes();
            let weights: Vec<Vec<Vec<f64>>> = shapes
                .iter()
                .map(|s| {
                    (0..s.rows())
                        .map(|_| (0..s.outputs).map(|_| rng.uniform() - 0.5).collect())
                        .collect()
                })
                .collect();
            let x: Vec<f64> = (0..40).map(|_| rng.uniform()).collect();
            let label = 1;
            let mut net = FloatNet::new(&model, weights, false);
            let before = net.weights.clone();
            net.train_sample(&x, label);
            let mut checked = 0;
            for l in 0..shapes.len() {
                for i in 0..before[l].len() {
                    for j in 0..before[l][0].len() {
                        let eps = 1e-6;
                        let mut probe = FloatNet::new(&model, before.clone(), false);
                        probe.weights[l][i][j] += eps;
                        let up = loss_of(&probe, &x, label);
                        probe.weights[l][i][j] -= 2.0 * eps;
                        let down = loss_of(&probe, &x, label);
                        let numeric = (up - down) / (2.0 * eps);
                        let update = net.pending[l][i][j];
                        assert!(
                            (update + 0.5 * numeric).abs() < 1e-6,
                            "{loss} layer {l} w[{i}][{j}]: update {update}, -lr dL/dw {}",
                            -0.5 * numeric
                        );
                        checked += (numeric.abs() > 1e-4) as usize;
                    }
                }
            }
            assert!(
                checked > 20,
                "{loss}: only {checked} weights with a gradient"
            );
        }
    }
}
