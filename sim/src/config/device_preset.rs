//! Named device settings: the `[device]` table one name away (`preset = "reram"` in the
//! TOML, [`DevicePreset::from_name`] for a command line). Every value and its source:
//! docs/device.md, section "Presets".

use super::{ConfigError, DeviceConfig};
use std::fmt;

/// A named [`DeviceConfig`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DevicePreset {
    /// Every effect off: exact integer levels (the default).
    Ideal,
    /// Every effect on at a made-up strength, to exercise every code path (tests, benchmarks).
    AllEffects,
    /// A ReRAM cell with literature values for write noise, the nonlinear asymmetric update,
    /// device-to-device spread, read noise and on/off ratio (docs/device.md): at the
    /// `panther` design point these break the bit-sliced arithmetic (measured there).
    Reram,
    /// Only the nonlinear asymmetric update of `reram`, the write non-ideality of PANTHER's
    /// accuracy experiments, which the MCU tolerates.
    ReramUpdate,
}

impl DevicePreset {
    pub const ALL: [DevicePreset; 4] = [
        DevicePreset::Ideal,
        DevicePreset::AllEffects,
        DevicePreset::Reram,
        DevicePreset::ReramUpdate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DevicePreset::Ideal => "ideal",
            DevicePreset::AllEffects => "all-effects",
            DevicePreset::Reram => "reram",
            DevicePreset::ReramUpdate => "reram-update",
        }
    }

    /// The preset of that name; the error lists the allowed names.
    pub fn from_name(name: &str) -> Result<DevicePreset, ConfigError> {
        DevicePreset::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| ConfigError::UnknownDevicePreset(name.to_string()))
    }

    /// The allowed names, comma separated (for messages).
    pub fn names() -> String {
        let names: Vec<&str> = DevicePreset::ALL.iter().map(|p| p.name()).collect();
        names.join(", ")
    }

    pub fn config(self) -> DeviceConfig {
        match self {
            DevicePreset::Ideal => DeviceConfig::default(),
            DevicePreset::AllEffects => DeviceConfig {
                write_noise_sigma: 0.05,
                d2d_sigma: 0.02,
                nonlinearity_alpha: 0.5,
                read_noise_sigma: 0.02,
                stuck_low_fraction: 0.001,
                stuck_high_fraction: 0.001,
                on_off_ratio: 100.0,
            },
            // Sources and conversions: docs/device.md, "Presets"; docs/references.md §10.
            DevicePreset::Reram => DeviceConfig {
                // DNN+NeuroSim V2.1 RRAM: nonlinearity 1.75 (LTP) and 1.46 (LTD), normalised
                // A 0.702 and 0.849, alpha = 1 / A = 1.42 and 1.18; one alpha for both: 1.3.
                nonlinearity_alpha: 1.3,
                // NeuroSim c2cVari 0.003 of the range x 63 levels (0.19); aihwkit's
                // ReRamSBPresetDevice gives 0.94: the lower end.
                write_noise_sigma: 0.19,
                // Gokmen and Vlasov 2016, aihwkit dw_min_dtod: 30 %.
                d2d_sigma: 0.3,
                // MLP+NeuroSim V3.0 MeasuredDevice: 2.89 % of the conductance at mid-range.
                read_noise_sigma: 0.91,
                // Stuck cells of the literature sit mid-range, which rail-stuck cells do
                // not express: none.
                stuck_low_fraction: 0.0,
                stuck_high_fraction: 0.0,
                // DNN+NeuroSim V2.1 Param.cpp: resistanceOff / resistanceOn = 10.
                on_off_ratio: 10.0,
            },
            DevicePreset::ReramUpdate => DeviceConfig {
                nonlinearity_alpha: DevicePreset::Reram.config().nonlinearity_alpha,
                ..DeviceConfig::default()
            },
        }
    }
}

impl fmt::Display for DevicePreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for DevicePreset {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        DevicePreset::from_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_presets_validate_and_round_trip_by_name() {
        for p in DevicePreset::ALL {
            p.config()
                .validate()
                .unwrap_or_else(|e| panic!("{p}: {e:?}"));
            assert_eq!(DevicePreset::from_name(p.name()).unwrap(), p);
            assert_eq!(p.name().parse::<DevicePreset>().unwrap(), p);
            assert_eq!(p.to_string(), p.name());
        }
        let mut names: Vec<&str> = DevicePreset::ALL.iter().map(|p| p.name()).collect();
        names.dedup();
        assert_eq!(names.len(), DevicePreset::ALL.len(), "names are distinct");
        assert_eq!(
            DevicePreset::names(),
            "ideal, all-effects, reram, reram-update"
        );
        assert_eq!(
            DeviceConfig::all_effects(),
            DevicePreset::AllEffects.config()
        );
    }

    #[test]
    fn an_unknown_device_preset_lists_the_allowed_names() {
        let e = DevicePreset::from_name("hfox").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown preset `hfox`; allowed: ideal, all-effects, reram, reram-update"
        );
        for p in DevicePreset::ALL {
            assert!(e.to_string().contains(p.name()), "{e}");
        }
        // Names are exact: no case folding, no prefixes.
        assert!(DevicePreset::from_name("ReRAM").is_err());
        assert!(DevicePreset::from_name("all").is_err());
    }

    #[test]
    fn ideal_is_ideal_all_effects_turns_every_effect_on_reram_is_non_ideal_and_reram_update_only_updates(
    ) {
        assert!(DevicePreset::Ideal.config().is_ideal());
        let all = DevicePreset::AllEffects.config();
        let fields = [
            all.write_noise_sigma,
            all.d2d_sigma,
            all.nonlinearity_alpha,
            all.read_noise_sigma,
            all.stuck_low_fraction,
            all.stuck_high_fraction,
            all.on_off_ratio,
        ];
        assert!(fields.iter().all(|&v| v > 0.0), "{all:?}");
        let reram = DevicePreset::Reram.config();
        assert!(!reram.is_ideal());
        assert!(!crate::device::from_config(&reram).is_ideal());
        assert_eq!(reram.nonlinearity_alpha, 1.3);
        let update = DevicePreset::ReramUpdate.config();
        assert!(!update.is_ideal() && update.nonlinearity_alpha == reram.nonlinearity_alpha);
        assert_eq!(
            update.write_noise_sigma + update.read_noise_sigma + update.d2d_sigma,
            0.0
        );
    }

    /// The table of docs/device.md, section "Presets", states every field of every preset:
    /// one row per field, one column per preset in [`DevicePreset::ALL`] order.
    #[test]
    fn docs_device_md_states_every_preset_value() {
        let docs = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/device.md"));
        let section = docs
            .split("\n## Presets")
            .nth(1)
            .expect("docs/device.md has a `## Presets` section");
        let section = section.split("\n## ").next().unwrap();
        let header = section
            .lines()
            .find(|l| l.starts_with("| field |"))
            .expect("a table with a `field` column");
        let columns: Vec<String> = header.split('|').map(|c| c.trim().to_string()).collect();
        let mut rows = 0;
        for line in section.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let field = cells[1].trim_matches('`');
            rows += 1;
            for p in DevicePreset::ALL {
                let col = columns
                    .iter()
                    .position(|c| *c == format!("`{}`", p.name()))
                    .unwrap_or_else(|| panic!("no column for `{p}`"));
                let table = toml::Table::try_from(p.config()).unwrap();
                let want = table[field].as_float().unwrap_or_else(|| panic!("{field}"));
                let got: f64 = cells[col]
                    .parse()
                    .unwrap_or_else(|_| panic!("{field} of {p}: `{}` is not a number", cells[col]));
                assert_eq!(got, want, "docs/device.md: {field} of {p}");
            }
        }
        let fields = toml::Table::try_from(DeviceConfig::default())
            .unwrap()
            .len();
        assert_eq!(rows, fields, "one row per field of [device]");
    }
}
