//! The paper's figures that the report puts our numbers next to, each with its source.
//! Headline ratios: the PANTHER paper's abstract (A. Ankit et al., IEEE Trans. Computers
//! 69(8), 2020, arXiv 1912.11516); per-operation figures: the PUMA simulator's PANTHER
//! constants (github.com/Aayush-Ankit/puma-simulator, branch `training`,
//! `include/mlpPanther/constants_*.py`, energy = power x latency, 128 accesses per MVM, 256
//! per OPA); accuracies: the authors' TensorFlow logs (github.com/Aayush-Ankit/
//! puma-tensorflow, history, commit d7d0e4c, `extractedsimulationdata/puma_vgg16_*`).

/// "Up to" reductions of PANTHER over a baseline family (the abstract).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Headline {
    /// Whom PANTHER is compared with, as the paper names them.
    pub against: &'static str,
    /// The presets (or `gpu`) that stand for them here.
    pub presets: &'static [&'static str],
    pub energy: f64,
    pub time: f64,
}

pub const HEADLINES: [Headline; 3] = [
    Headline {
        against: "digital accelerator",
        presets: &["base-digital"],
        energy: 8.02,
        time: 7.16,
    },
    Headline {
        against: "ReRAM accelerators with serial weight updates",
        presets: &["base-mvm", "base-opa-mvm"],
        energy: 54.21,
        time: 4.02,
    },
    Headline {
        against: "GPU",
        presets: &["gpu"],
        energy: 103.0,
        time: 16.0,
    },
];

/// The paper's ranges of energy reduction on convolution layers (as reported in the
/// paper's evaluation): against Base_mvm and Base_opa/mvm.
pub const CONV_ENERGY_RANGE: [(&str, f64, f64); 2] =
    [("base-mvm", 1.18, 1.63), ("base-opa-mvm", 1.22, 2.45)];

/// One 128x128 MCU operation in the simulator's configuration files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpFigure {
    pub preset: &'static str,
    pub op: &'static str,
    pub latency_ns: f64,
    /// Crossbar (or digital unit) energy, without the ADC, nJ.
    pub array_energy_nj: f64,
}

/// MVM: 128 accesses x power x latency; OPA: 256 accesses; the latencies of the files
/// (18 stages x `xbar_ip_lat`, 4 phases x `xbar_op_lat`).
pub const OP_FIGURES: [OpFigure; 8] = [
    OpFigure {
        preset: "panther",
        op: "mvm",
        latency_ns: 1800.0,
        array_energy_nj: 39.552,
    },
    OpFigure {
        preset: "panther",
        op: "opa",
        latency_ns: 80.0,
        array_energy_nj: 22.733,
    },
    OpFigure {
        preset: "base-digital",
        op: "mvm",
        latency_ns: 16146.0,
        array_energy_nj: 146.28,
    },
    OpFigure {
        preset: "base-digital",
        op: "opa",
        latency_ns: 1024.0,
        array_energy_nj: 74.318,
    },
    OpFigure {
        preset: "base-mvm",
        op: "mvm",
        latency_ns: 1800.0,
        array_energy_nj: 35.072,
    },
    OpFigure {
        preset: "base-mvm",
        op: "opa",
        latency_ns: 1024.0,
        array_energy_nj: 74.318,
    },
    OpFigure {
        preset: "base-opa-mvm",
        op: "mvm",
        latency_ns: 1800.0,
        array_energy_nj: 35.072,
    },
    OpFigure {
        preset: "base-opa-mvm",
        op: "opa",
        latency_ns: 1900.0,
        array_energy_nj: 28948.1,
    },
];

/// VGG-16 on CIFAR-100, top-5 validation accuracy (%) at epoch 100 by uniform cell bits
/// and CRS period in batches of 64 (the TF logs); the reference without slicing: 83.4.
pub const VGG_TOP5_REFERENCE: f64 = 83.4;
pub const VGG_CRS_BATCHES: [u32; 7] = [1, 4, 16, 32, 64, 256, 782];
pub const VGG_TOP5_UNIFORM: [(u32, [f64; 7]); 4] = [
    (3, [7.4, 6.2, 6.5, 5.8, 6.4, 6.4, 6.8]),
    (4, [83.8, 76.2, 25.1, 14.5, 8.9, 7.5, 8.5]),
    (5, [83.7, 83.4, 83.7, 83.6, 80.4, 60.7, 42.0]),
    (6, [83.6, 84.0, 83.9, 83.8, 85.0, 82.1, 75.6]),
];
