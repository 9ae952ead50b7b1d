//! The one typed configuration that drives every view of the design.
//!
//! Read from TOML, validated when loaded ([`Config::from_toml_str`], [`Config::load`]).
//! Every field has a unit in its name where it has a unit. Presets: [`Preset`] (design points)
//! and [`DevicePreset`] (the `[device]` table).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// A configuration error: which field (or line) is wrong and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("{origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: field `{field}`: {message}")]
    Invalid {
        origin: String,
        field: String,
        message: String,
    },
    #[error("unknown preset `{0}`; allowed: {names}", names = Preset::names())]
    UnknownPreset(String),
    #[error("unknown preset `{0}`; allowed: {names}", names = DevicePreset::names())]
    UnknownDevicePreset(String),
}

mod check;
mod device_preset;
mod preset;

pub use check::FieldError;
pub(crate) use check::*;
pub use device_preset::DevicePreset;
pub use preset::Preset;

/// MCU organisation (docs/arithmetic.md section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub enum Variant {
    /// One weight copy doing MVM, MTVM and OPA in place (SGD, batch 1).
    V1,
    /// Weights (MVM/MTVM) plus a separate gradient accumulator merged by CRS (mini-batch SGD).
    V2,
    /// Forward copy (MVM), backward copy (MTVM), high-precision accumulator (OPA); CRS writes both copies.
    V3,
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::str::FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "V1" | "v1" => Ok(Variant::V1),
            "V2" | "v2" => Ok(Variant::V2),
            "V3" | "v3" => Ok(Variant::V3),
            _ => Err(format!("unknown variant `{s}`; allowed: V1, V2, V3")),
        }
    }
}

/// ADC resolution: a number of bits, or `"lossless"` (enough bits that no conversion can clip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdcBits {
    Lossless,
    Bits(u32),
}

impl Serialize for AdcBits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AdcBits::Lossless => s.serialize_str("lossless"),
            AdcBits::Bits(b) => s.serialize_u32(*b),
        }
    }
}

impl<'de> Deserialize<'de> for AdcBits {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = AdcBits;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of bits (1..=24) or \"lossless\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AdcBits, E> {
                if v == "lossless" {
                    Ok(AdcBits::Lossless)
                } else {
                    Err(E::custom(format!(
                        "expected a number of bits or \"lossless\", found \"{v}\""
                    )))
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<AdcBits, E> {
                u32::try_from(v)
                    .map(AdcBits::Bits)
                    .map_err(|_| E::custom(format!("ADC bits must be 1..=24, found {v}")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<AdcBits, E> {
                self.visit_i64(v as i64)
            }
        }
        d.deserialize_any(V)
    }
}

/// Crossbar array shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrayConfig {
    /// Rows = input index i (MVM drives rows).
    pub rows: usize,
    /// Columns = output index j (MVM senses columns).
    pub cols: usize,
}

impl ArrayConfig {
    pub fn validate(&self) -> Result<(), FieldError> {
        check("array.rows", self.rows, within(1, 1024))?;
        check("array.cols", self.cols, within(1, 1024))
    }
}

/// Fixed-point formats of weights, inputs and outputs (two's complement).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatConfig {
    /// Weight word width (bits), two's complement.
    pub word_bits: u32,
    /// Fraction bits of the weight word (Q4.12: 12).
    pub frac_bits: u32,
    /// Input word width = number of 1-bit DAC steps, streamed LSB first, MSB step negative.
    pub input_bits: u32,
    /// Fraction bits of the input words (x for MVM/OPA, d for MTVM/OPA).
    pub input_frac_bits: u32,
    /// Fraction bits of the output words y (MVM) and z (MTVM). Output = round(raw >> (input_frac + frac - output_frac)), saturated to word_bits.
    pub output_frac_bits: u32,
    /// OPA alignment: the weight changes by (x * d) >> opa_shift_bits, computed per bit step with truncation (docs/arithmetic.md).
    pub opa_shift_bits: u32,
}

impl FormatConfig {
    #[rustfmt::skip]
    pub fn validate(&self) -> Result<(), FieldError> {
        check("format.word_bits", self.word_bits, within(2, 16))?;
        let word_bits = named("word_bits", self.word_bits);
        check("format.frac_bits", self.frac_bits, below(word_bits))?;
        check("format.input_bits", self.input_bits, within(2, 16))?;
        let input_bits = named("input_bits", self.input_bits);
        check("format.input_frac_bits", self.input_frac_bits, below(input_bits))?;
        // Only now are the summands small enough not to overflow.
        let frac_sum = named("input_frac_bits + frac_bits", self.input_frac_bits + self.frac_bits);
        check("format.output_frac_bits", self.output_frac_bits, at_most(frac_sum))?;
        check("format.output_frac_bits", self.output_frac_bits, below(word_bits))?;
        let twice_input_bits = named("2 * input_bits", 2 * self.input_bits);
        check("format.opa_shift_bits", self.opa_shift_bits, at_most(twice_input_bits))
    }
}

/// Bit slicing of a weight across crossbars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlicingConfig {
    /// Nominal bits per slice (the digit width after CRS).
    pub nominal_bits: u32,
    /// Number of slices; slices * nominal_bits must equal word_bits.
    pub slices: usize,
    /// Cell bits of each accumulating slice, LSB slice first; >= nominal_bits. The extra levels hold carries.
    pub cell_bits: Vec<u32>,
}

impl SlicingConfig {
    #[rustfmt::skip]
    pub fn validate(&self, format: &FormatConfig) -> Result<(), FieldError> {
        check("slicing.nominal_bits", self.nominal_bits, within(1, 4))?;
        // In u128 so that no slice count, however large, overflows or wraps to a match.
        let total = self.slices as u128 * u128::from(self.nominal_bits);
        if total != u128::from(format.word_bits) {
            return Err(FieldError::new(
                "slicing.slices",
                format!(
                    "slices * nominal_bits must equal format.word_bits ({}); found {} * {} = {total}",
                    format.word_bits, self.slices, self.nominal_bits
                ),
            ));
        }
        if self.cell_bits.len() != self.slices {
            return Err(FieldError::new(
                "slicing.cell_bits",
                format!(
                    "must list one width per slice ({} entries), found {}",
                    self.slices,
                    self.cell_bits.len()
                ),
            ));
        }
        let nominal_bits = named("nominal_bits", self.nominal_bits);
        for (k, &bits) in self.cell_bits.iter().enumerate() {
            check(&format!("slicing.cell_bits[{k}]"), bits, within(nominal_bits, 8))?;
        }
        Ok(())
    }
}

/// ADC and sensing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdcConfig {
    /// SAR resolution in bits, or "lossless".
    pub bits: AdcBits,
    /// Shared SAR ADCs per array behind the line multiplexer (RTL and latency model).
    pub shared_adcs: usize,
}

impl AdcConfig {
    #[rustfmt::skip]
    pub fn validate(&self, array: &ArrayConfig, slicing: &SlicingConfig) -> Result<(), FieldError> {
        // A lossless ADC resolves any line sum, hence any one cell: only a set resolution can
        // be too narrow for serial reads.
        if let AdcBits::Bits(bits) = self.bits {
            check("adc.bits", bits, within(1, 24).or("\"lossless\""))?;
            let widest = slicing.cell_bits.iter().copied().max().unwrap_or(slicing.nominal_bits);
            let widest = named("max(slicing.cell_bits)", widest);
            let note = "so that a serial read resolves a cell";
            check("adc.bits", bits, at_least(widest).note(note))?;
        }
        let lines = named("max(array.rows, array.cols)", array.rows.max(array.cols));
        check("adc.shared_adcs", self.shared_adcs, within(1, lines))
    }
}

/// Bit-sliced outer-product update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpaConfig {
    /// Skip a polarity phase in which no row or no column is active.
    pub skip_empty_phases: bool,
    /// Number of serialised groups of input bit steps (1: all 16 steps of a phase in one 20 ns pulse window, as the PANTHER simulator times it; 16: fully serial).
    pub bit_step_groups: u32,
    /// How each bit step's aligned term drops the bits below the weight LSB: `truncate` (default) or `nearest` (half an LSB is added first).
    #[serde(default)]
    pub rounding: OpaRounding,
    /// How the update reaches the cells: in the crossbar (`none`, PANTHER), or computed
    /// outside it and then written back serially (`write`), or read out serially, updated
    /// and written back (`read_write`), as the ReRAM baselines do. A cost only: the
    /// arithmetic is the same.
    #[serde(default)]
    pub serial_update: SerialUpdate,
}

/// The serial array accesses that follow each outer product (docs/cost-model.md,
/// "Baselines").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SerialUpdate {
    /// The update is applied by pulsing the crossbar (PANTHER's OPA).
    #[default]
    None,
    /// Every updated array is written serially, row by row (an outer product computed
    /// on CMOS, Base_mvm).
    Write,
    /// Every updated array is read serially and written back (PipeLayer-style
    /// Base_opa/mvm).
    ReadWrite,
}

/// The rounding of the OPA's aligned terms (docs/arithmetic.md section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OpaRounding {
    /// Drop the bits below the weight LSB: small updates shrink towards 0.
    #[default]
    Truncate,
    /// Add half the weight LSB before dropping them (one carry-in of the column's shifter).
    Nearest,
}

impl OpaRounding {
    /// What is added to `|d| << t` before the right shift by `shift`.
    pub fn half(self, shift: u32) -> u64 {
        match self {
            OpaRounding::Nearest if shift > 0 => 1u64 << (shift - 1),
            _ => 0,
        }
    }
}

impl OpaConfig {
    #[rustfmt::skip]
    pub fn validate(&self, format: &FormatConfig) -> Result<(), FieldError> {
        let input_bits = named("format.input_bits", format.input_bits);
        check("opa.bit_step_groups", self.bit_step_groups, within(1, input_bits))
    }
}

/// Device (ReRAM cell) behaviour. Every effect is off by default (ideal integer levels).
/// Units: "levels" are the cell's nominal conductance steps. See docs/device.md.
///
/// In TOML the table may name a [`DevicePreset`] (`preset = "reram"`); the fields it gives
/// override the preset's one by one (`DeviceTable`). Serialised, the table holds the
/// effective values only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "DeviceTable")]
pub struct DeviceConfig {
    /// Cycle-to-cycle write noise: an update of n levels gets Gaussian noise of std `write_noise_sigma * sqrt(|n|)` levels.
    pub write_noise_sigma: f64,
    /// Device-to-device variation: each cell's conductance scale is 1 + N(0, d2d_sigma), fixed per cell.
    pub d2d_sigma: f64,
    /// Nonlinear asymmetric saturating update, the write non-ideality of PANTHER's accuracy
    /// experiments (docs/device.md, docs/references.md); 0 = linear.
    pub nonlinearity_alpha: f64,
    /// Read noise per cell read, std in levels; a sensed line current gets std `read_noise_sigma * sqrt(active cells)`.
    pub read_noise_sigma: f64,
    /// Fraction of cells stuck at the lowest level.
    pub stuck_low_fraction: f64,
    /// Fraction of cells stuck at the highest level.
    pub stuck_high_fraction: f64,
    /// Finite on/off ratio Gmax/Gmin; 0 means infinite (level 0 conducts nothing).
    pub on_off_ratio: f64,
}

impl Default for DeviceConfig {
    fn default() -> Self {
        DeviceConfig {
            write_noise_sigma: 0.0,
            d2d_sigma: 0.0,
            nonlinearity_alpha: 0.0,
            read_noise_sigma: 0.0,
            stuck_low_fraction: 0.0,
            stuck_high_fraction: 0.0,
            on_off_ratio: 0.0,
        }
    }
}

/// The `[device]` table as written: an optional preset, then any fields, each overriding the
/// preset's value (or the ideal 0 without a preset).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceTable {
    #[serde(default, deserialize_with = "device_preset_by_name")]
    preset: Option<DevicePreset>,
    write_noise_sigma: Option<f64>,
    d2d_sigma: Option<f64>,
    nonlinearity_alpha: Option<f64>,
    read_noise_sigma: Option<f64>,
    stuck_low_fraction: Option<f64>,
    stuck_high_fraction: Option<f64>,
    on_off_ratio: Option<f64>,
}

/// `preset = "NAME"`; an unknown name is an error at its line that names the field.
fn device_preset_by_name<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<DevicePreset>, D::Error> {
    let name = String::deserialize(d)?;
    DevicePreset::from_name(&name)
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("device.preset: {e}")))
}

impl From<DeviceTable> for DeviceConfig {
    fn from(t: DeviceTable) -> DeviceConfig {
        let base = t.preset.unwrap_or(DevicePreset::Ideal).config();
        DeviceConfig {
            write_noise_sigma: t.write_noise_sigma.unwrap_or(base.write_noise_sigma),
            d2d_sigma: t.d2d_sigma.unwrap_or(base.d2d_sigma),
            nonlinearity_alpha: t.nonlinearity_alpha.unwrap_or(base.nonlinearity_alpha),
            read_noise_sigma: t.read_noise_sigma.unwrap_or(base.read_noise_sigma),
            stuck_low_fraction: t.stuck_low_fraction.unwrap_or(base.stuck_low_fraction),
            stuck_high_fraction: t.stuck_high_fraction.unwrap_or(base.stuck_high_fraction),
            on_off_ratio: t.on_off_ratio.unwrap_or(base.on_off_ratio),
        }
    }
}

impl DeviceConfig {
    /// True when every effect is off: cells are exact integer levels.
    pub fn is_ideal(&self) -> bool {
        *self == DeviceConfig::default()
    }

    #[rustfmt::skip]
    pub fn validate(&self) -> Result<(), FieldError> {
        check("device.write_noise_sigma", self.write_noise_sigma, within(0.0, 10.0))?;
        check("device.d2d_sigma", self.d2d_sigma, within(0.0, 1.0))?;
        check("device.nonlinearity_alpha", self.nonlinearity_alpha, within(0.0, 20.0))?;
        check("device.read_noise_sigma", self.read_noise_sigma, within(0.0, 10.0))?;
        check("device.stuck_low_fraction", self.stuck_low_fraction, within(0.0, 1.0))?;
        check("device.stuck_high_fraction", self.stuck_high_fraction, within(0.0, 1.0))?;
        let (low, high) = (self.stuck_low_fraction, self.stuck_high_fraction);
        if low + high > 1.0 {
            let sum = low + high;
            return Err(FieldError::new(
                "device.stuck_high_fraction",
                format!(
                    "stuck_low_fraction + stuck_high_fraction must be at most 1, found {low} + {high} = {sum}"
                ),
            ));
        }
        // 0 is the infinite ratio (level 0 conducts nothing), not a ratio below 1.
        if self.on_off_ratio != 0.0 {
            check("device.on_off_ratio", self.on_off_ratio, above(1.0).or("0 (infinite)"))?;
        }
        Ok(())
    }

    /// Every effect on (used by benchmarks and tests): [`DevicePreset::AllEffects`].
    pub fn all_effects() -> Self {
        DevicePreset::AllEffects.config()
    }
}

/// Timing constants (1 GHz core clock by default). Defaults from the PUMA simulator's
/// PANTHER constants (github.com/Aayush-Ankit/puma-simulator, branch `training`,
/// `include/mlpPanther/constants_panther.py`); docs/config.md gives each one's source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimingConfig {
    pub clock_ns: f64,
    /// Fraction of the clock period that logic outside an exported block takes on each of
    /// its input and output paths (the SDC's IO delays).
    #[serde(default = "default_io_budget")]
    pub io_budget: f64,
    /// One MVM/MTVM pipeline stage (DAC+crossbar, S&H+ADC, shift-add), per input bit step.
    pub mvm_stage_ns: f64,
    /// Pipeline depth of MVM/MTVM; latency = stage * (input_bits + stages - 1).
    pub mvm_pipeline_stages: u32,
    /// One OPA polarity phase pulse window.
    pub opa_phase_ns: f64,
    /// Serial read of one row of one array through the ADC (10.25 us per 128-row array).
    pub serial_read_row_ns: f64,
    /// Serial write of one row of one array (10.97 us per 128-row array).
    pub serial_write_row_ns: f64,
}

pub(crate) fn default_io_budget() -> f64 {
    0.2
}

impl TimingConfig {
    #[rustfmt::skip]
    pub fn validate(&self) -> Result<(), FieldError> {
        check("timing.clock_ns", self.clock_ns, duration_ns())?;
        check("timing.mvm_stage_ns", self.mvm_stage_ns, duration_ns())?;
        check("timing.opa_phase_ns", self.opa_phase_ns, duration_ns())?;
        check("timing.serial_read_row_ns", self.serial_read_row_ns, duration_ns())?;
        check("timing.serial_write_row_ns", self.serial_write_row_ns, duration_ns())?;
        let fraction = at_least(0.0).below(1.0).note("a fraction of the clock period");
        check("timing.io_budget", self.io_budget, fraction)?;
        check("timing.mvm_pipeline_stages", self.mvm_pipeline_stages, at_least(1))
    }
}

/// Energy constants (pJ per event). Defaults from the PUMA simulator's PANTHER constants
/// (`include/mlpPanther/constants_panther.py`, power x latency); docs/config.md gives each
/// one's source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnergyConfig {
    /// One crossbar read access (one input bit step of one slice array), lumped with its peripherals.
    pub xbar_read_access_pj: f64,
    /// One OPA pulse access (one bit step of one slice array in one polarity phase).
    pub xbar_opa_access_pj: f64,
    pub adc_conversion_pj: f64,
    pub dac_drive_pj: f64,
    pub sample_hold_pj: f64,
    pub shift_add_pj: f64,
    /// Serial read of one row of one array (6.5 nJ per 128-row array).
    pub serial_read_row_pj: f64,
    /// Serial write of one row of one array (21.1 nJ per 128-row array).
    pub serial_write_row_pj: f64,
    /// One digital carry-propagation of one weight (CRS) or one merge add (V2).
    pub carry_resolve_pj: f64,
}

impl EnergyConfig {
    #[rustfmt::skip]
    pub fn validate(&self) -> Result<(), FieldError> {
        check("energy.xbar_read_access_pj", self.xbar_read_access_pj, energy_pj())?;
        check("energy.xbar_opa_access_pj", self.xbar_opa_access_pj, energy_pj())?;
        check("energy.adc_conversion_pj", self.adc_conversion_pj, energy_pj())?;
        check("energy.dac_drive_pj", self.dac_drive_pj, energy_pj())?;
        check("energy.sample_hold_pj", self.sample_hold_pj, energy_pj())?;
        check("energy.shift_add_pj", self.shift_add_pj, energy_pj())?;
        check("energy.serial_read_row_pj", self.serial_read_row_pj, energy_pj())?;
        check("energy.serial_write_row_pj", self.serial_write_row_pj, energy_pj())?;
        check("energy.carry_resolve_pj", self.carry_resolve_pj, energy_pj())
    }
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Name of the design point (free text).
    pub name: String,
    /// Seed of every stochastic effect (device maps, noise).
    pub seed: u64,
    pub variant: Variant,
    pub array: ArrayConfig,
    pub format: FormatConfig,
    pub slicing: SlicingConfig,
    pub adc: AdcConfig,
    pub opa: OpaConfig,
    #[serde(default)]
    pub device: DeviceConfig,
    pub timing: TimingConfig,
    pub energy: EnergyConfig,
    /// The machine around the MCUs (cores, tiles, NoC; architectural simulator).
    #[serde(default)]
    pub arch: crate::arch::ArchConfig,
}

impl Config {
    /// Parse and validate TOML text; `origin` (a file name) prefixes every message.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            origin: origin.to_string(),
            message: toml_error_message(text, &e),
        })?;
        crate::files::toml_named_fields_only(text, &cfg).map_err(|message| ConfigError::Parse {
            origin: origin.to_string(),
            message,
        })?;
        cfg.validate(origin)?;
        Ok(cfg)
    }

    /// Load and validate a TOML file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let origin = path.display().to_string();
        let text =
            crate::files::read_text(path, crate::files::InputLimit::Document).map_err(|e| {
                ConfigError::Parse {
                    origin: origin.clone(),
                    message: e.problem,
                }
            })?;
        Config::from_toml_str(&text, &origin)
    }

    /// The effective configuration as TOML (field reference: docs/config.md).
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("config serialises");
        format!("# PANTHER model configuration; fields: docs/config.md\n{body}")
    }

    /// Check every invariant; the message names the field and what is allowed.
    pub fn validate(&self, origin: &str) -> Result<(), ConfigError> {
        self.validate_sections().map_err(|e| e.at(origin))
    }

    /// Each section in turn; a section's rules may rely on the sections it takes being valid
    /// (the slicing on the word width, the ADC on a non-empty cell list).
    fn validate_sections(&self) -> Result<(), FieldError> {
        // TOML integers are signed 64-bit: a larger seed could not be written back.
        check("seed", self.seed, at_most(i64::MAX as u64))?;
        self.array.validate()?;
        self.format.validate()?;
        self.slicing.validate(&self.format)?;
        self.adc.validate(&self.array, &self.slicing)?;
        self.opa.validate(&self.format)?;
        self.device.validate()?;
        self.timing.validate()?;
        self.arch.validate()?;
        self.energy.validate()
    }

    /// Effective ADC resolution in bits: lossless = enough for the largest possible line sum
    /// of the widest cell over the longest line.
    pub fn adc_bits(&self) -> u32 {
        match self.adc.bits {
            AdcBits::Bits(b) => b,
            AdcBits::Lossless => self.lossless_adc_bits(),
        }
    }

    pub fn lossless_adc_bits(&self) -> u32 {
        let max_level = (1u64 << self.slicing.cell_bits.iter().copied().max().unwrap_or(2)) - 1;
        let max_sum = self.array.rows.max(self.array.cols) as u64 * max_level;
        64 - max_sum.leading_zeros()
    }

    /// Short stable hash of the effective TOML (manifests, reports).
    pub fn hash_hex(&self) -> String {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in self.to_toml().bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        format!("{h:016x}")
    }
}

/// toml's message on one line, prefixed with the line of the offending span.
fn toml_error_message(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    match toml_error_line(text, e) {
        Some(line) => format!("line {line}: {msg}"),
        None => msg,
    }
}

/// The 1-based line of a TOML parse error, when it has a position.
pub(crate) fn toml_error_line(text: &str, e: &toml::de::Error) -> Option<usize> {
    e.span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_validate_and_roundtrip() {
        for p in Preset::ALL {
            let c = p.config();
            c.validate(p.name()).unwrap();
            let back = Config::from_toml_str(&c.to_toml(), "roundtrip").unwrap();
            assert_eq!(back, c);
        }
        assert_eq!(Preset::Panther.config().adc_bits(), 13);
        assert_eq!(Preset::Small.config().adc_bits(), 10);
        assert_eq!(Preset::Puma8bAdc.config().adc_bits(), 8);
    }

    fn with(edit: impl Fn(&mut toml::Table)) -> Result<Config, ConfigError> {
        let mut t: toml::Table = toml::from_str(&Preset::Panther.config().to_toml()).unwrap();
        edit(&mut t);
        Config::from_toml_str(&toml::to_string(&t).unwrap(), "test.toml")
    }

    fn set(t: &mut toml::Table, sec: &str, key: &str, v: toml::Value) {
        t.get_mut(sec)
            .unwrap()
            .as_table_mut()
            .unwrap()
            .insert(key.into(), v);
    }

    #[test]
    fn bad_values_name_the_field() {
        let e = with(|t| set(t, "adc", "bits", toml::Value::Integer(0))).unwrap_err();
        assert!(e.to_string().contains("adc.bits"), "{e}");
        let e = with(|t| set(t, "slicing", "slices", toml::Value::Integer(7))).unwrap_err();
        assert!(e.to_string().contains("slicing.slices"), "{e}");
        assert!(e.to_string().contains("must equal"), "{e}");
        let e = with(|t| {
            set(
                t,
                "slicing",
                "cell_bits",
                toml::Value::Array(vec![toml::Value::Integer(1); 8]),
            )
        })
        .unwrap_err();
        assert!(e.to_string().contains("slicing.cell_bits[0]"), "{e}");
        let e = with(|t| set(t, "array", "colz", toml::Value::Integer(3))).unwrap_err();
        assert!(e.to_string().contains("unknown field `colz`"), "{e}");
        assert!(e.to_string().contains("line"), "{e}");
        let e = with(|t| set(t, "device", "on_off_ratio", toml::Value::Float(0.5))).unwrap_err();
        assert!(e.to_string().contains("device.on_off_ratio"), "{e}");
    }

    #[test]
    fn messages_state_the_range_and_the_value() {
        let invalid = |e: ConfigError| match e {
            ConfigError::Invalid { field, message, .. } => format!("{field}: {message}"),
            e => panic!("not a range error: {e}"),
        };
        let e = with(|t| set(t, "array", "rows", toml::Value::Integer(0))).unwrap_err();
        assert_eq!(invalid(e), "array.rows: must be 1..=1024, found 0");
        let e = with(|t| set(t, "format", "frac_bits", toml::Value::Integer(16))).unwrap_err();
        assert_eq!(
            invalid(e),
            "format.frac_bits: must be below word_bits (16), found 16"
        );
        let e = with(|t| set(t, "timing", "io_budget", toml::Value::Float(1.0))).unwrap_err();
        assert_eq!(
            invalid(e),
            "timing.io_budget: must be in [0, 1), found 1 (a fraction of the clock period)"
        );
        let e =
            with(|t| set(t, "timing", "clock_ns", toml::Value::Float(f64::INFINITY))).unwrap_err();
        assert_eq!(
            invalid(e),
            "timing.clock_ns: must be in (0, 1000000000], found inf"
        );
        let e = with(|t| set(t, "arch", "vfu_lanes", toml::Value::Integer(0))).unwrap_err();
        assert_eq!(invalid(e), "arch.vfu_lanes: must be 1..=64, found 0");
        let e = with(|t| set(t, "adc", "bits", toml::Value::Integer(5))).unwrap_err();
        assert_eq!(
            invalid(e),
            "adc.bits: must be at least max(slicing.cell_bits) (6), found 5 (so that a serial read resolves a cell)"
        );
    }

    /// Every key of a serialised config with its section: `seed`, `array.rows`, `arch.vfu_lanes`.
    fn key_paths(table: &toml::Table, prefix: &str) -> Vec<String> {
        table
            .iter()
            .flat_map(|(key, value)| match value {
                toml::Value::Table(t) => key_paths(t, &format!("{prefix}{key}.")),
                _ => vec![format!("{prefix}{key}")],
            })
            .collect()
    }

    #[test]
    fn every_float_field_names_itself_when_out_of_range() {
        // Every float rule refuses -1, so a rule that names the wrong field shows up here.
        let table = toml::Table::try_from(Preset::Panther.config()).unwrap();
        for path in key_paths(&table, "") {
            let Some((section, key)) = path.split_once('.') else {
                continue;
            };
            if table[section][key].is_float() {
                let e = with(|t| set(t, section, key, toml::Value::Float(-1.0))).unwrap_err();
                assert!(
                    matches!(&e, ConfigError::Invalid { field, .. } if *field == path),
                    "{path}: {e}"
                );
            }
        }
    }

    /// docs/config.md names each field in full, in backquotes (`` `array.rows` ``), so that a
    /// new field cannot go undocumented.
    #[test]
    fn docs_name_every_field() {
        let docs = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/config.md"));
        let table = toml::Table::try_from(Preset::Panther.config()).unwrap();
        let paths = key_paths(&table, "");
        assert!(paths.iter().any(|p| p == "arch.vfu_lanes"), "{paths:?}");
        let missing: Vec<_> = paths
            .iter()
            .filter(|p| !docs.contains(&format!("`{p}`")))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/config.md does not name {missing:?}"
        );
    }

    /// `[device]` with `preset = "reram"` and one field: the field overrides, the preset gives
    /// the rest; without a preset the fields not given are 0.
    #[test]
    fn device_preset_in_toml_with_a_field_overridden() {
        let device = |entries: &[(&str, toml::Value)]| {
            with(|t| {
                let table: toml::Table = entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect();
                t.insert("device".into(), toml::Value::Table(table));
            })
        };
        let c = device(&[
            ("preset", toml::Value::String("reram".into())),
            ("read_noise_sigma", toml::Value::Float(0.01)),
        ])
        .unwrap();
        let want = DeviceConfig {
            read_noise_sigma: 0.01,
            ..DevicePreset::Reram.config()
        };
        assert_eq!(c.device, want);
        assert_ne!(
            want,
            DevicePreset::Reram.config(),
            "the override took effect"
        );
        // The effective values round-trip; the preset name is not kept.
        assert!(!c.to_toml().contains("preset"));
        assert_eq!(Config::from_toml_str(&c.to_toml(), "again").unwrap(), c);
        // The preset alone, and a field alone (over the ideal device).
        let c = device(&[("preset", toml::Value::String("all-effects".into()))]).unwrap();
        assert_eq!(c.device, DeviceConfig::all_effects());
        let c = device(&[("d2d_sigma", toml::Value::Float(0.01))]).unwrap();
        let want = DeviceConfig {
            d2d_sigma: 0.01,
            ..DeviceConfig::default()
        };
        assert_eq!(c.device, want);
        // An override is validated like any field.
        let e = device(&[
            ("preset", toml::Value::String("reram".into())),
            ("d2d_sigma", toml::Value::Float(2.0)),
        ])
        .unwrap_err();
        assert!(
            matches!(&e, ConfigError::Invalid { field, .. } if field == "device.d2d_sigma"),
            "{e}"
        );
    }

    #[test]
    fn unknown_device_preset_in_toml_names_the_field_and_the_allowed_names() {
        let e = with(|t| {
            set(t, "device", "preset", toml::Value::String("hfox".into()));
        })
        .unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("device.preset: unknown preset `hfox`; allowed: ideal, all-effects, reram"),
            "{s}"
        );
        assert!(s.starts_with("test.toml: line"), "{s}");
        let e = with(|t| set(t, "device", "preset", toml::Value::Integer(3))).unwrap_err();
        assert!(e.to_string().contains("test.toml: line"), "{e}");
        let e = with(|t| set(t, "device", "presets", toml::Value::Integer(3))).unwrap_err();
        assert!(e.to_string().contains("unknown field `presets`"), "{e}");
    }

    #[test]
    fn huge_values_are_errors_not_overflows() {
        for (section, key, v) in [
            ("format", "frac_bits", u32::MAX as i64),
            ("format", "opa_shift_bits", u32::MAX as i64),
            ("slicing", "slices", i64::MAX),
        ] {
            let e = with(|t| set(t, section, key, toml::Value::Integer(v))).unwrap_err();
            let field = format!("{section}.{key}");
            assert!(
                matches!(&e, ConfigError::Invalid { field: f, .. } if *f == field),
                "{e}"
            );
        }
    }

    #[test]
    fn malformed_toml_names_the_line() {
        let e = Config::from_toml_str("name = \"x\"\nseed = [\n", "broken.toml").unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("broken.toml: line"), "{s}");
    }
}
