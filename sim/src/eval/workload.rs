//! The paper's workloads as model files (`examples/models/paper/`, embedded): the MLPs and
//! the VGG-16 layers as unrolled matrices that the PUMA simulator's PANTHER benchmarks
//! evaluate. The list is written once, here.

use crate::train::model::{Model, ModelError};

/// One workload: its name (what `panther eval --workload` takes and the model's `name`),
/// the simulator benchmark it stands for, and its model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    pub name: &'static str,
    /// The benchmark of the PUMA simulator (`include/<benchmark>/`).
    pub benchmark: &'static str,
    pub what: &'static str,
    text: &'static str,
}

macro_rules! workload {
    ($name:literal, $bench:literal, $what:literal) => {
        Workload {
            name: $name,
            benchmark: $bench,
            what: $what,
            text: include_str!(concat!("../../../examples/models/paper/", $name, ".toml")),
        }
    };
}

impl Workload {
    pub const ALL: [Workload; 11] = [
        workload!("mlp-l4", "mlpPanther", "MLP 1024-256-512-512-10 (SVHN)"),
        workload!("mlp-big", "mlpPantherBig", "MLP 1024-512-1024-768-10"),
        workload!("mlp-512-b1", "mlpTrA", "MLP 512-512-512, batch 1"),
        workload!("mlp-512-b2", "mlpTrB", "MLP 512-512-512, batch 2"),
        workload!(
            "vgg-conv-a",
            "convAPanther",
            "VGG-16 3x3x512->512 as 4608x512"
        ),
        workload!(
            "vgg-conv-b",
            "convBPanther",
            "VGG-16 3x3x256->256 as 2304x256"
        ),
        workload!(
            "vgg-conv-c",
            "convCPanther",
            "VGG-16 3x3x256->512 as 2304x512"
        ),
        workload!("vgg-conv-d", "convDPanther", "VGG-16 FC 512->4096"),
        workload!("vgg-conv-e", "convEPanther", "VGG-16 FC-sized 4096->512"),
        workload!(
            "vgg-conv-f",
            "convFPanther",
            "VGG-16 FC classifier 4096->10"
        ),
        workload!(
            "vgg-conv-g",
            "convGPanther",
            "VGG-16 3x3x128->256 as 1152x256"
        ),
    ];

    /// The names, comma-separated (messages, help).
    pub fn names() -> String {
        Workload::ALL.map(|w| w.name).join(", ")
    }

    pub fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name == name)
    }

    /// The model file's text (what `panther eval --workload NAME --show` prints).
    pub fn text(&self) -> &'static str {
        self.text
    }

    pub fn model(&self) -> Result<Model, ModelError> {
        Model::from_toml_str(self.text, &format!("workload {}", self.name))
    }

    /// True for the VGG-16 layers (convolution layers as their unrolled matrices).
    pub fn is_conv_layer(&self) -> bool {
        self.name.starts_with("vgg-conv-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workload_loads_under_its_own_name() {
        for w in Workload::ALL {
            let m = w.model().unwrap_or_else(|e| panic!("{}: {e}", w.name));
            assert_eq!(m.name, w.name);
            let cfg = m.config_for(&crate::Preset::Panther.config());
            if let Err(e) = m.validate_for(&cfg, w.name) {
                panic!("{e}");
            }
        }
        let names: std::collections::BTreeSet<_> = Workload::ALL.iter().map(|w| w.name).collect();
        assert_eq!(names.len(), Workload::ALL.len(), "names are distinct");
    }

    #[test]
    fn the_benchmark_matrices_are_the_simulator_s() {
        let shape = |n: &str| -> Vec<(usize, usize)> {
            let m = Workload::from_name(n).unwrap().model().unwrap();
            m.shapes().iter().map(|s| (s.rows(), s.outputs)).collect()
        };
        assert_eq!(
            shape("mlp-l4"),
            [(1024, 256), (256, 512), (512, 512), (512, 10)]
        );
        assert_eq!(
            shape("mlp-big"),
            [(1024, 512), (512, 1024), (1024, 768), (768, 10)]
        );
        assert_eq!(shape("vgg-conv-a"), [(4608, 512)]);
        assert_eq!(shape("vgg-conv-d"), [(512, 4096)]);
        assert_eq!(shape("vgg-conv-g"), [(1152, 256)]);
    }
}
