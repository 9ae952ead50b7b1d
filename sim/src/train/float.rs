//! The `float` engine: the same network, initial weights, sample order and update
//! visibility (per sample for V1; at each CRS for V2 and V3) in float64, the reference the
//! machine's accuracy is compared with.

use super::fast::argmax;
use super::model::{Activation, Layer, Loss, Model};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FloatState {
    pub weights: Vec<Vec<Vec<f64>>>,
    pub pending: Vec<Vec<Vec<f64>>>,
}

pub struct FloatNet {
    /// Per layer: rows = inputs then the bias row (when the layer has one), columns = outputs.
    pub weights: Vec<Vec<Vec<f64>>>,
    /// Updates not yet applied (V2, V3 apply them at the CRS).
    pending: Vec<Vec<Vec<f64>>>,
    layers: Vec<(Activation, bool)>,
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
            layers: model
                .layers
                .iter()
                .map(|l| match l {
                    Layer::Dense {
                        activation, bias, ..
                    } => (*activation, *bias),
                })
                .collect(),
            weights,
            pending,
            loss: model.loss,
            lr: model.training.lr,
            immediate,
        }
    }

    /// Per layer: its input (with the bias 1.0), pre-activation and activation.
    fn forward(&self, x: &[f64]) -> Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> {
        let mut out = Vec::with_capacity(self.layers.len());
        let mut input = x.to_vec();
        for (w, &(f, bias)) in self.weights.iter().zip(&self.layers) {
            if bias {
                input.push(1.0);
            }
            let cols = w[0].len();
            let mut z = vec![0.0; cols];
            for (xi, row) in input.iter().zip(w) {
                for (zj, wij) in z.iter_mut().zip(row) {
                    *zj += xi * wij;
                }
            }
            let a: Vec<f64> = z.iter().map(|&v| act(f, v)).collect();
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
                    .map(|j| (a[j] - target(j)) * slope(self.layers[n - 1].0, z[j], a[j]))
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
            let (_, zb, ab) = &f[l - 1];
            let fb = self.layers[l - 1].0;
            delta = (0..zb.len())
                .map(|i| {
                    let s: f64 = self.weights[l][i]
                        .iter()
                        .zip(&deltas[l])
                        .map(|(w, d)| w * d)
                        .sum();
                    s * slope(fb, zb[i], ab[i])
                })
                .collect();
        }
        for l in 0..n {
            let input = &f[l].0;
            for (i, xi) in input.iter().enumerate() {
                for (j, dj) in deltas[l].iter().enumerate() {
                    self.pending[l][i][j] -= self.lr * xi * dj;
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
