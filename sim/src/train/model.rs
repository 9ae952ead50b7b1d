//! The model file: a network (input shape, dense and convolution layers), its loss and its training
//! settings, in TOML (docs/training.md, examples in `examples/models/`). Validated when
//! loaded and again against the machine config and the data.

use super::window::{Shape, Window};
use crate::config::{toml_error_line, Config, Variant};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A model error: the file, the field (or line) and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}: {field}: {message}")]
pub struct ModelError {
    pub origin: String,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
    #[default]
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Softmax over the last layer's outputs, cross-entropy against the one-hot label.
    SoftmaxCrossEntropy,
    /// Half the squared error against the one-hot label.
    Mse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// Uniform in +-sqrt(6 / (inputs + outputs)) (Glorot and Bengio, 2010); biases 0.
    #[default]
    XavierUniform,
}

/// The input: `size` features, or an image `shape = [height, width, channels]` (stored
/// row by row, channels fastest) for convolution layers; both when they agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<[usize; 3]>,
}

impl Input {
    /// Features per sample.
    pub fn features(&self) -> usize {
        self.size
            .unwrap_or_else(|| self.shape.map_or(0, |s| s.iter().product()))
    }

    pub fn shape(&self) -> Shape {
        match self.shape {
            Some([height, width, channels]) => Shape {
                height,
                width,
                channels,
            },
            None => Shape::flat(self.features()),
        }
    }
}

/// One layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Layer {
    /// Every input to `out` outputs; after a convolution its map is the input, flattened.
    Dense {
        out: usize,
        #[serde(default)]
        activation: Activation,
        #[serde(default = "yes")]
        bias: bool,
    },
    /// `out_channels` kernels of `kernel` x `kernel` x input channels, at every `stride`-th
    /// position of the input padded with `padding` zeros on each side; mapped as its unrolled
    /// matrix (kernel * kernel * in channels rows, out channels columns) with the window
    /// loop in the program.
    Conv2d {
        out_channels: usize,
        kernel: usize,
        #[serde(default = "one")]
        stride: usize,
        #[serde(default)]
        padding: usize,
        #[serde(default)]
        activation: Activation,
        #[serde(default = "yes")]
        bias: bool,
    },
}

impl Layer {
    pub fn activation(&self) -> Activation {
        match *self {
            Layer::Dense { activation, .. } | Layer::Conv2d { activation, .. } => activation,
        }
    }

    pub fn bias(&self) -> bool {
        match *self {
            Layer::Dense { bias, .. } | Layer::Conv2d { bias, .. } => bias,
        }
    }
}

/// A layer as the machine sees it: its windows over the input and its matrix (the taps
/// and the bias row, `outputs` columns), applied at every window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerShape {
    pub window: Window,
    /// Matrix columns: a dense layer's outputs, a convolution's out channels.
    pub outputs: usize,
    pub bias: bool,
    pub activation: Activation,
    /// The output map.
    pub output: Shape,
}

impl LayerShape {
    /// Matrix rows: the taps and the bias row.
    pub fn rows(&self) -> usize {
        self.window.taps() + self.bias as usize
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// Learning rate (the OPA's column input is -lr * delta).
    pub lr: f64,
    /// Samples per weight update: 1 for V1; for V2 and V3 the CRS period.
    #[serde(default = "one")]
    pub batch: usize,
    pub epochs: usize,
    /// A CRS every this many training samples.
    pub crs_every: usize,
    /// The MCU organisation; the config's when left out.
    #[serde(default)]
    pub variant: Option<Variant>,
    /// Seed of the initial weights and the sample order.
    #[serde(default = "one_u64")]
    pub seed: u64,
    #[serde(default)]
    pub init: Init,
    /// How the update -lr * delta is rounded to the OPA's column words.
    #[serde(default)]
    pub update_rounding: UpdateRounding,
}

/// The rounding of the OPA's column input -lr * delta to the input words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UpdateRounding {
    /// Up or down at random, in proportion to the dropped fraction (unbiased on average):
    /// the host writes fresh random words with every sample (docs/training.md).
    #[default]
    Stochastic,
    /// To nearest: updates below half an LSB vanish, and a one-sided spread of them
    /// (the non-target classes under softmax) biases the weights.
    Nearest,
}

fn one() -> usize {
    1
}
fn one_u64() -> u64 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub name: String,
    pub input: Input,
    pub layers: Vec<Layer>,
    pub loss: Loss,
    pub training: Training,
}

/// The largest layer the model takes (inputs or outputs).
pub const MAX_WIDTH: usize = 65_536;

impl Model {
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Model, ModelError> {
        let m: Model = toml::from_str(text).map_err(|e| ModelError {
            origin: origin.to_string(),
            field: toml_error_line(text, &e).map_or("model".into(), |l| format!("line {l}")),
            message: e.message().trim().to_string(),
        })?;
        crate::files::toml_named_fields_only(text, &m).map_err(|message| ModelError {
            origin: origin.to_string(),
            field: "model".into(),
            message,
        })?;
        m.validate(origin)?;
        Ok(m)
    }

    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let origin = path.display().to_string();
        let text =
            crate::files::read_text(path, crate::files::InputLimit::Document).map_err(|e| {
                ModelError {
                    origin: origin.clone(),
                    field: "file".into(),
                    message: e.problem,
                }
            })?;
        Model::from_toml_str(&text, &origin)
    }

    /// Each layer's windows and matrix, from the input shape on (or the first layer whose
    /// kernel does not fit its input, with its index).
    fn try_shapes(&self) -> Result<Vec<LayerShape>, (usize, Window)> {
        let mut input = self.input.shape();
        let mut out = Vec::with_capacity(self.layers.len());
        for (k, layer) in self.layers.iter().enumerate() {
            let (window, outputs) = match *layer {
                Layer::Dense { out, .. } => (Window::dense(input.len()), out),
                Layer::Conv2d {
                    out_channels,
                    kernel,
                    stride,
                    padding,
                    ..
                } => (
                    Window {
                        input,
                        kernel,
                        stride,
                        padding,
                    },
                    out_channels,
                ),
            };
            let (height, width) = window.output_size().ok_or((k, window))?;
            let output = Shape {
                height,
                width,
                channels: outputs,
            };
            out.push(LayerShape {
                window,
                outputs,
                bias: layer.bias(),
                activation: layer.activation(),
                output,
            });
            input = output;
        }
        Ok(out)
    }

    /// Each layer's windows and matrix (of a validated model).
    pub fn shapes(&self) -> Vec<LayerShape> {
        self.try_shapes().expect("a validated model")
    }

    /// Widths along the network: the input, then each layer's output map.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.input.features()];
        w.extend(self.shapes().iter().map(|l| l.output.len()));
        w
    }

    pub fn outputs(&self) -> usize {
        *self.widths().last().expect("the input at least")
    }

    /// Rules that need nothing but the file.
    pub fn validate(&self, origin: &str) -> Result<(), ModelError> {
        let bad = |field: &str, message: String| ModelError {
            origin: origin.to_string(),
            field: field.to_string(),
            message,
        };
        let input = &self.input;
        match (input.size, input.shape) {
            (None, None) => {
                return Err(bad(
                    "input",
                    "give `size` (features) or `shape` ([height, width, channels])".into(),
                ))
            }
            // Checked: a product that overflows is too large, not a panic.
            (_, Some(s))
                if s.contains(&0)
                    || s.iter()
                        .try_fold(1usize, |a, &d| a.checked_mul(d))
                        .is_none_or(|p| p > MAX_WIDTH) =>
            {
                return Err(bad(
                    "input.shape",
                    format!("each of [height, width, channels] at least 1, {MAX_WIDTH} words in all; found {s:?}"),
                ))
            }
            (Some(n), Some(s)) if n != s.iter().product::<usize>() => {
                return Err(bad(
                    "input.size",
                    format!("{n} disagrees with input.shape {s:?} ({} words)", s.iter().product::<usize>()),
                ))
            }
            (Some(n), _) if !(1..=MAX_WIDTH).contains(&n) => {
                return Err(bad(
                    "input.size",
                    format!("must be 1..={MAX_WIDTH}, found {n}"),
                ))
            }
            _ => {}
        }
        if self.layers.is_empty() {
            return Err(bad("layers", "at least one layer is needed".into()));
        }
        for (k, l) in self.layers.iter().enumerate() {
            let positive: &[(&str, usize)] = match l {
                Layer::Dense { out, .. } => &[("out", *out)],
                Layer::Conv2d {
                    out_channels,
                    kernel,
                    stride,
                    ..
                } => &[
                    ("out_channels", *out_channels),
                    ("kernel", *kernel),
                    ("stride", *stride),
                ],
            };
            for &(name, v) in positive {
                if !(1..=MAX_WIDTH).contains(&v) {
                    return Err(bad(
                        &format!("layers[{k}].{name}"),
                        format!("must be 1..={MAX_WIDTH}, found {v}"),
                    ));
                }
            }
            if let Layer::Conv2d {
                kernel, padding, ..
            } = *l
            {
                if padding >= kernel {
                    return Err(bad(
                        &format!("layers[{k}].padding"),
                        format!("must be below the kernel ({kernel}): a window of padding only sees nothing; found {padding}"),
                    ));
                }
            }
        }
        let shapes = self.try_shapes().map_err(|(k, w)| {
            bad(
                &format!("layers[{k}].kernel"),
                format!(
                    "does not fit the input map of {} x {} (padding {} on each side)",
                    w.input.height, w.input.width, w.padding
                ),
            )
        })?;
        for (k, s) in shapes.iter().enumerate() {
            for (what, v) in [("unrolled rows", s.rows()), ("outputs", s.output.len())] {
                if v > MAX_WIDTH {
                    return Err(bad(
                        &format!("layers[{k}]"),
                        format!("{v} {what}; at most {MAX_WIDTH}"),
                    ));
                }
            }
        }
        let activation = self.layers.last().expect("checked above").activation();
        if self.loss == Loss::SoftmaxCrossEntropy && activation != Activation::None {
            return Err(bad(
                &format!("layers[{}].activation", self.layers.len() - 1),
                format!("the softmax of the loss is the last layer's activation: use `none`, found `{activation:?}`"),
            ));
        }
        let t = &self.training;
        if !(t.lr.is_finite() && t.lr > 0.0 && t.lr < 8.0) {
            return Err(bad(
                "training.lr",
                format!("must be above 0 and below 8, found {}", t.lr),
            ));
        }
        if t.epochs == 0 {
            return Err(bad("training.epochs", "must be at least 1".into()));
        }
        if t.batch == 0 {
            return Err(bad("training.batch", "must be at least 1".into()));
        }
        if t.crs_every == 0 {
            return Err(bad(
                "training.crs_every",
                "must be at least 1 (samples between CRS)".into(),
            ));
        }
        Ok(())
    }

    /// A data set of `features` per sample fits the input (`origin` names the model file,
    /// `what` the set).
    pub fn check_features(
        &self,
        features: usize,
        origin: &str,
        what: &str,
    ) -> Result<(), ModelError> {
        if features == self.input.features() {
            return Ok(());
        }
        Err(ModelError {
            origin: origin.to_string(),
            field: "input".into(),
            message: format!(
                "the input has {} features, but {what} has {features} per sample",
                self.input.features()
            ),
        })
    }

    /// The config the model trains on: the model's variant replaces the config's.
    pub fn config_for(&self, cfg: &Config) -> Config {
        let mut c = cfg.clone();
        if let Some(v) = self.training.variant {
            c.variant = v;
        }
        c
    }

    /// Rules between the model and the machine it trains on.
    pub fn validate_for(&self, cfg: &Config, origin: &str) -> Result<(), ModelError> {
        let bad = |field: &str, message: String| ModelError {
            origin: origin.to_string(),
            field: field.to_string(),
            message,
        };
        let f = &cfg.format;
        // Activations flow from MVM outputs into the next layer's inputs and OPA column
        // inputs: the three formats must agree, and the OPA align to the weight LSB.
        if f.input_frac_bits != f.frac_bits || f.output_frac_bits != f.frac_bits {
            return Err(bad(
                "format",
                format!(
                    "training needs input_frac_bits = output_frac_bits = frac_bits, found {}, {}, {}",
                    f.input_frac_bits, f.output_frac_bits, f.frac_bits
                ),
            ));
        }
        if f.opa_shift_bits != f.input_frac_bits {
            return Err(bad(
                "format.opa_shift_bits",
                format!("training needs the OPA aligned to the weight LSB: {} (input_frac_bits), found {}", f.input_frac_bits, f.opa_shift_bits),
            ));
        }
        let t = &self.training;
        let lsb = (t.lr * (1u64 << cfg.format.input_frac_bits) as f64).round();
        if lsb < 1.0 {
            return Err(bad(
                "training.lr",
                format!(
                    "{} rounds to 0 in the input words (Q.{}): use at least {}",
                    t.lr,
                    cfg.format.input_frac_bits,
                    0.5 / (1u64 << cfg.format.input_frac_bits) as f64
                ),
            ));
        }
        match cfg.variant {
            Variant::V1 if t.batch != 1 => Err(bad(
                "training.batch",
                format!("V1 updates the weights in place after every sample: batch must be 1, found {}", t.batch),
            )),
            Variant::V2 | Variant::V3 if t.crs_every != t.batch => Err(bad(
                "training.crs_every",
                format!(
                    "{:?} makes a batch's updates visible at the CRS that ends it: crs_every must equal batch ({}), found {}",
                    cfg.variant, t.batch, t.crs_every
                ),
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;

    const MLP: &str = r#"
name = "mlp"
input = { size = 4 }
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
epochs = 2
crs_every = 16
"#;

    /// Every model file of `examples/models/` loads, fits the `panther` preset and compiles.
    #[test]
    fn every_example_model_loads_and_fits_the_panther_preset() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/models");
        let mut n = 0;
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "toml") {
                let m = Model::load(&path).unwrap_or_else(|e| panic!("{e}"));
                let cfg = m.config_for(&Preset::Panther.config());
                m.validate_for(&cfg, &path.display().to_string())
                    .unwrap_or_else(|e| panic!("{e}"));
                // And compiles: its vectors fit the leader's data memory, its listings the
                // instruction memories.
                let plan = crate::train::plan::Plan::new(&m, &cfg);
                crate::train::compile::compile(&plan, &cfg)
                    .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.0));
                n += 1;
            }
        }
        assert!(n >= 3, "{n} model files in {}", dir.display());
    }

    #[test]
    fn a_model_file_parses_with_defaults() {
        let m = Model::from_toml_str(MLP, "mlp.toml").unwrap();
        assert_eq!(m.widths(), vec![4, 8, 3]);
        assert_eq!(
            (m.training.batch, m.training.seed, m.training.variant),
            (1, 1, None)
        );
        assert!(m.layers[1].bias() && m.layers[1].activation() == Activation::None);
        m.validate_for(&Preset::Small.config(), "mlp.toml").unwrap();
    }

    #[test]
    fn bad_models_name_the_field() {
        let e = Model::from_toml_str(&MLP.replace("crs_every = 16", "crs_every = 0"), "m.toml")
            .unwrap_err();
        assert_eq!(e.field, "training.crs_every", "{e}");
        let e = Model::from_toml_str(
            &MLP.replace("out = 3", "out = 3\nactivation = \"relu\""),
            "m.toml",
        )
        .unwrap_err();
        assert_eq!(e.field, "layers[1].activation", "{e}");
        let e = Model::from_toml_str(
            &MLP.replace("type = \"dense\"\nout = 8", "type = \"conv3d\"\nout = 8"),
            "m.toml",
        )
        .unwrap_err();
        assert!(
            e.field.starts_with("line") && e.message.contains("conv3d"),
            "{e}"
        );
        let e = Model::from_toml_str(&MLP.replace("lr = 0.1", "lr = 0.1\nlr2 = 1"), "m.toml")
            .unwrap_err();
        assert!(e.message.contains("unknown field `lr2`"), "{e}");
        let m = Model::from_toml_str(&MLP.replace("lr = 0.1", "lr = 0.1\nbatch = 4"), "m.toml")
            .unwrap();
        let e = m
            .validate_for(&Preset::Small.config(), "m.toml")
            .unwrap_err();
        assert!(
            e.field == "training.batch" && e.message.contains("V1"),
            "{e}"
        );
        let mut v2 = Preset::Small.config();
        v2.variant = Variant::V2;
        let e = m.validate_for(&v2, "m.toml").unwrap_err();
        assert_eq!(e.field, "training.crs_every", "{e}");
        let conv = |layer: &str| {
            MLP.replace("input = { size = 4 }", "input = { shape = [6, 5, 2] }")
                .replace(
                    "type = \"dense\"\nout = 8",
                    &format!("type = \"conv2d\"\n{layer}"),
                )
        };
        let m = Model::from_toml_str(
            &conv("out_channels = 3\nkernel = 3\nstride = 2\npadding = 1"),
            "m.toml",
        )
        .unwrap();
        assert_eq!(m.widths(), vec![60, 3 * 3 * 3, 3]);
        assert_eq!(m.shapes()[0].rows(), 3 * 3 * 2 + 1);
        for (layer, field, says) in [
            (
                "out_channels = 3\nkernel = 7",
                "layers[0].kernel",
                "does not fit the input map of 6 x 5",
            ),
            (
                "out_channels = 3\nkernel = 2\npadding = 2",
                "layers[0].padding",
                "below the kernel",
            ),
            (
                "out_channels = 0\nkernel = 2",
                "layers[0].out_channels",
                "1..=",
            ),
            (
                "out_channels = 2\nkernel = 2\nstride = 0",
                "layers[0].stride",
                "1..=",
            ),
        ] {
            let e = Model::from_toml_str(&conv(layer), "m.toml").unwrap_err();
            assert!(e.field == field && e.message.contains(says), "{layer}: {e}");
        }
        let e = Model::from_toml_str(
            &MLP.replace(
                "input = { size = 4 }",
                "input = { size = 4, shape = [2, 3, 1] }",
            ),
            "m.toml",
        )
        .unwrap_err();
        assert!(
            e.field == "input.size" && e.message.contains("disagrees"),
            "{e}"
        );
        let e = Model::from_toml_str(&MLP.replace("input = { size = 4 }", "input = {}"), "m.toml")
            .unwrap_err();
        assert_eq!(e.field, "input", "{e}");
        let m = Model::from_toml_str(&MLP.replace("lr = 0.1", "lr = 0.0001"), "m.toml").unwrap();
        let e = m
            .validate_for(&Preset::Small.config(), "m.toml")
            .unwrap_err();
        assert!(
            e.field == "training.lr" && e.message.contains("rounds to 0"),
            "{e}"
        );
    }
}
