//! Checkpoints: a training run saved between two steps (weights as slice levels or
//! conductances, the noise event numbers, the buffers, the float reference, the epoch and
//! the position in it, the reports so far). The sample order and every noise draw follow
//! from seeds and counters, so a run resumed from a checkpoint continues bit-identically.
//! One JSON file; the caller writes it atomically.

use super::data::Split;
use super::model::Model;
use super::run::{Engine, Progress, Session, TrainerState};
use crate::config::Config;
use serde::{Deserialize, Serialize};

/// Written into every checkpoint; another value is refused.
pub const FORMAT: &str = "panther-checkpoint-1";

/// Which training data a run used: a resumed run must see the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataId {
    pub name: String,
    pub train_samples: usize,
    pub test_samples: usize,
    /// FNV-1a over the training features' bits and labels.
    pub digest: u64,
}

impl DataId {
    pub fn of(name: &str, data: &Split) -> DataId {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut mix = |v: u64| {
            for b in v.to_le_bytes() {
                h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (x, &y) in data.train.features.iter().zip(&data.train.labels) {
            x.iter().for_each(|v| mix(v.to_bits()));
            mix(y as u64);
        }
        DataId {
            name: name.to_string(),
            train_samples: data.train.len(),
            test_samples: data.test.len(),
            digest: h,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub model: Model,
    /// The machine config as TOML.
    pub config: String,
    pub engine: Engine,
    pub data: DataId,
    pub progress: Progress,
    pub machine: TrainerState,
    pub reference: Option<TrainerState>,
}

impl Checkpoint {
    pub fn of(s: &Session, data: DataId) -> Result<Checkpoint, String> {
        let (machine, reference) = s.states()?;
        Ok(Checkpoint {
            format: FORMAT.into(),
            model: s.model.clone(),
            config: s.cfg.to_toml(),
            engine: s.engine,
            data,
            progress: s.progress.clone(),
            machine,
            reference,
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain data serialises")
    }

    /// Parse; `origin` names the file in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Checkpoint, String> {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("{origin}: not a checkpoint (line {}: {e})", e.line()))?;
        match v.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(f) => {
                return Err(format!(
                    "{origin}: format `{f}`, this version reads `{FORMAT}`"
                ))
            }
            None => return Err(format!("{origin}: not a checkpoint (no `format` field)")),
        }
        let cp: Checkpoint = serde_json::from_value(v.clone())
            .map_err(|e| format!("{origin}: damaged checkpoint: {e}"))?;
        let read = serde_json::to_value(&cp).map_err(|e| format!("{origin}: {e}"))?;
        crate::files::every_field_read(&v, &read)
            .map_err(|e| format!("{origin}: damaged checkpoint: {e}"))?;
        Ok(cp)
    }

    /// A session that continues this checkpoint, after checking that it belongs to the
    /// same model (epochs may grow), config, engine and data.
    pub fn resume(
        &self,
        model: &Model,
        cfg: &Config,
        engine: Engine,
        reference: bool,
        data: &DataId,
        origin: &str,
    ) -> Result<Session, String> {
        let mut saved = self.model.clone();
        saved.training.epochs = model.training.epochs;
        if saved != *model {
            return Err(format!(
                "{origin}: a checkpoint of another model (`{}` with other layers or training settings than `{}`)",
                self.model.name, model.name
            ));
        }
        if self.config != cfg.to_toml() {
            return Err(format!(
                "{origin}: a checkpoint made with another config (`{}`); resume with the same --config",
                config_name(&self.config)
            ));
        }
        if self.engine != engine {
            return Err(format!(
                "{origin}: a checkpoint of the `{}` engine, not `{}`",
                self.engine.name(),
                engine.name()
            ));
        }
        if self.data != *data {
            return Err(format!(
                "{origin}: a checkpoint trained on other data ({} with {} training samples, not {} with {})",
                self.data.name, self.data.train_samples, data.name, data.train_samples
            ));
        }
        if self.progress.epoch > model.training.epochs {
            return Err(format!(
                "{origin}: already {} epochs trained, more than the {} asked for",
                self.progress.epoch, model.training.epochs
            ));
        }
        let mut s = Session::new(model, cfg, engine, reference && engine != Engine::Float)?;
        s.restore(&self.machine, self.reference.as_ref(), &self.progress)
            .map_err(|e| format!("{origin}: does not fit this run: {e}"))?;
        Ok(s)
    }
}

fn config_name(toml_text: &str) -> String {
    toml::from_str::<toml::Table>(toml_text)
        .ok()
        .and_then(|t| t.get("name").and_then(|n| n.as_str()).map(str::to_string))
        .unwrap_or_else(|| "unnamed".into())
}
