//! Built-in design points: PANTHER, its PUMA-ADC variant, a small RTL test point, and the
//! paper's baselines as cost tables over the same machine (docs/cost-model.md,
//! "Baselines"). Sources: docs/config.md, "Sources".

use super::*;

/// Built-in design points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The design point of the PANTHER paper (Ankit et al., IEEE Trans. Computers 69(8),
    /// 2020) as the PUMA simulator's PANTHER constants set it, with a lossless ADC.
    Panther,
    /// Same, with a clipping 8-bit ADC as in PUMA.
    Puma8bAdc,
    /// 16x16 arrays for RTL tests.
    Small,
    /// Base_digital: a digital CMOS MVMU with the same memories, outer product on CMOS
    /// (the simulator's `constants_digital.py`).
    BaseDigital,
    /// Base_mvm: ReRAM MVM/MTVM, the outer product on CMOS VFUs and written back serially
    /// (`constants_cmosOP.py`).
    BaseMvm,
    /// Base_opa/mvm: the outer product through crossbar MVMs, the arrays read and written
    /// back serially, approximating PipeLayer (`constants_pipelayer.py`).
    BaseOpaMvm,
}

impl Preset {
    pub const ALL: [Preset; 6] = [
        Preset::Panther,
        Preset::Puma8bAdc,
        Preset::Small,
        Preset::BaseDigital,
        Preset::BaseMvm,
        Preset::BaseOpaMvm,
    ];

    /// The paper's baselines, in the order its figures show them.
    pub const BASELINES: [Preset; 3] = [Preset::BaseDigital, Preset::BaseMvm, Preset::BaseOpaMvm];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Panther => "panther",
            Preset::Puma8bAdc => "puma-8b-adc",
            Preset::Small => "small",
            Preset::BaseDigital => "base-digital",
            Preset::BaseMvm => "base-mvm",
            Preset::BaseOpaMvm => "base-opa-mvm",
        }
    }

    /// One line on what the preset is (`config list`, reports).
    pub fn summary(self) -> &'static str {
        match self {
            Preset::Panther => "PANTHER: 128x128 ReRAM MCUs, in-crossbar bit-sliced OPA, lossless ADC",
            Preset::Puma8bAdc => "PANTHER with PUMA's clipping 8-bit ADC",
            Preset::Small => "16x16 arrays and 2 shared ADCs, for RTL tests",
            Preset::BaseDigital => "Base_digital: digital CMOS MVMU (8.97x MVM latency, no ADC/DAC), CMOS outer product",
            Preset::BaseMvm => "Base_mvm: ReRAM MVM/MTVM, outer product on CMOS VFUs, serial write-back",
            Preset::BaseOpaMvm => "Base_opa/mvm (PipeLayer-style): outer product by crossbar MVM, serial read and write-back",
        }
    }

    /// The names, comma-separated (for messages and help).
    pub fn names() -> String {
        Preset::ALL.map(Preset::name).join(", ")
    }

    pub fn from_name(name: &str) -> Result<Preset, ConfigError> {
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| ConfigError::UnknownPreset(name.to_string()))
    }

    pub fn config(self) -> Config {
        let mut c = panther();
        c.name = self.name().to_string();
        match self {
            Preset::Panther => {}
            Preset::Puma8bAdc => c.adc.bits = AdcBits::Bits(8),
            Preset::Small => {
                c.array.rows = 16;
                c.array.cols = 16;
                c.adc.shared_adcs = 2;
            }
            Preset::BaseDigital => {
                // Digital MVMU at the crossbar's area: 897 ns, 1.274 mW per access.
                c.timing.mvm_stage_ns = 897.0;
                c.energy.xbar_read_access_pj = 1.274 * 897.0;
                // A digital MVMU senses nothing: no DAC, sample-and-hold or ADC (the
                // simulator still charges its ADC; docs/cost-model.md).
                c.energy.adc_conversion_pj = 0.0;
                c.energy.sample_hold_pj = 0.0;
                c.energy.dac_drive_pj = 0.0;
                cmos_outer_product(&mut c);
            }
            Preset::BaseMvm => {
                reram_baseline_mvm(&mut c);
                cmos_outer_product(&mut c);
                c.opa.serial_update = SerialUpdate::Write;
            }
            Preset::BaseOpaMvm => {
                reram_baseline_mvm(&mut c);
                // The outer product as crossbar MVMs with serial accesses: 475 ns,
                // 238.06 mW per access.
                c.timing.opa_phase_ns = 475.0;
                c.energy.xbar_opa_access_pj = 238.06 * 475.0;
                c.opa.serial_update = SerialUpdate::ReadWrite;
            }
        }
        c
    }
}

/// The ReRAM baselines' crossbar read: 100 ns, 2.74 mW per access (`constants_cmosOP.py`,
/// `constants_pipelayer.py`: no OPA circuitry on the array).
fn reram_baseline_mvm(c: &mut Config) {
    c.energy.xbar_read_access_pj = 2.74 * 100.0;
}

/// The outer product on CMOS ("with 4 VFUs"): 256 ns, 1.134 mW per access.
fn cmos_outer_product(c: &mut Config) {
    c.timing.opa_phase_ns = 256.0;
    c.energy.xbar_opa_access_pj = 1.134 * 256.0;
}

/// The `panther` design point every preset starts from.
fn panther() -> Config {
    Config {
        name: String::new(),
        seed: 1,
        variant: Variant::V1,
        array: ArrayConfig {
            rows: 128,
            cols: 128,
        },
        format: FormatConfig {
            word_bits: 16,
            frac_bits: 12,
            input_bits: 16,
            input_frac_bits: 12,
            output_frac_bits: 12,
            opa_shift_bits: 12,
        },
        slicing: SlicingConfig {
            nominal_bits: 2,
            slices: 8,
            cell_bits: vec![6, 6, 6, 6, 5, 5, 5, 5],
        },
        adc: AdcConfig {
            bits: AdcBits::Lossless,
            shared_adcs: 4,
        },
        opa: OpaConfig {
            skip_empty_phases: true,
            rounding: OpaRounding::Truncate,
            bit_step_groups: 1,
            serial_update: SerialUpdate::None,
        },
        device: DeviceConfig::default(),
        timing: TimingConfig {
            clock_ns: 1.0,
            io_budget: default_io_budget(),
            mvm_stage_ns: 100.0,
            mvm_pipeline_stages: 3,
            opa_phase_ns: 20.0,
            serial_read_row_ns: 10250.0 / 128.0,
            serial_write_row_ns: 10968.75 / 128.0,
        },
        energy: EnergyConfig {
            xbar_read_access_pj: 309.0,
            xbar_opa_access_pj: 88.8,
            adc_conversion_pj: 1.8,
            dac_drive_pj: 0.0035,
            sample_hold_pj: 0.00873,
            shift_add_pj: 0.045,
            serial_read_row_pj: 6500.0 / 128.0,
            serial_write_row_pj: 21100.0 / 128.0,
            carry_resolve_pj: 0.045,
        },
        arch: crate::arch::ArchConfig::default(),
    }
}
