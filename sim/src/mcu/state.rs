//! A saved MCU (checkpoints): every slice array of every weight copy, and the counters.
//! Restoring into an MCU built from the same config and id continues bit-identically.

use super::Mcu;
use crate::cost::Counters;
use crate::crossbar::ArrayState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McuState {
    /// Per weight copy (in copy order), per slice (LSB first).
    pub copies: Vec<Vec<ArrayState>>,
    pub counters: Counters,
}

impl Mcu {
    pub fn state(&self) -> McuState {
        McuState {
            copies: self
                .copies
                .iter()
                .map(|c| c.arrays.iter().map(|a| a.state()).collect())
                .collect(),
            counters: self.counters.clone(),
        }
    }

    /// Continue from `state`; the error says which copy or slice does not fit this MCU.
    pub fn restore(&mut self, state: &McuState) -> Result<(), String> {
        if state.copies.len() != self.copies.len() {
            return Err(format!(
                "{} weight copies saved, this variant has {}",
                state.copies.len(),
                self.copies.len()
            ));
        }
        for (copy, saved) in self.copies.iter_mut().zip(&state.copies) {
            if saved.len() != copy.arrays.len() {
                return Err(format!(
                    "copy `{}`: {} slices saved, this config has {}",
                    copy.name,
                    saved.len(),
                    copy.arrays.len()
                ));
            }
            for (k, (a, s)) in copy.arrays.iter_mut().zip(saved).enumerate() {
                a.restore(s)
                    .map_err(|e| format!("copy `{}` slice {k}: {e}", copy.name))?;
            }
        }
        self.counters = state.counters.clone();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{DeviceConfig, Preset, Variant};
    use crate::Mcu;

    /// An MCU restored from a saved state gives the same results as the original from then
    /// on, for an ideal and a non-ideal device.
    #[test]
    fn a_restored_mcu_continues_like_the_original() {
        for device in [DeviceConfig::default(), DeviceConfig::all_effects()] {
            let mut cfg = Preset::Small.config();
            cfg.variant = Variant::V2;
            cfg.device = device;
            let n = cfg.array.rows * cfg.array.cols;
            let mut a = Mcu::new(&cfg, 3);
            a.write_weights(
                &(0..n as i64)
                    .map(|k| (k * 37) % 900 - 450)
                    .collect::<Vec<_>>(),
            )
            .unwrap();
            let x: Vec<i64> = (0..cfg.array.rows as i64).map(|k| k * 100 - 700).collect();
            let d: Vec<i64> = (0..cfg.array.cols as i64).map(|k| 300 - k * 40).collect();
            a.opa(&x, &d).unwrap();
            let saved = a.state();
            let mut b = Mcu::new(&cfg, 3);
            assert_ne!(b.mvm(&x).unwrap().words, a.clone().mvm(&x).unwrap().words);
            let mut b = Mcu::new(&cfg, 3);
            b.restore(&saved).unwrap();
            for _ in 0..2 {
                a.opa(&x, &d).unwrap();
                b.opa(&x, &d).unwrap();
                a.crs();
                b.crs();
                assert_eq!(a.mvm(&x).unwrap().words, b.mvm(&x).unwrap().words);
                assert_eq!(a.mtvm(&d).unwrap().words, b.mtvm(&d).unwrap().words);
            }
            assert_eq!(a.counters, b.counters);
            assert_eq!(a.state(), b.state());
            let mut v1 = Preset::Small.config();
            v1.device = cfg.device.clone();
            let e = Mcu::new(&v1, 3).restore(&saved).unwrap_err();
            assert!(e.contains("weight copies"), "{e}");
        }
    }
}
