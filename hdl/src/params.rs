//! RTL parameters derived from the one typed config, and the fixed port widths.
//!
//! Port widths are fixed at the largest value the config allows (rust_hdl widths are
//! compile-time); the config decides how many lanes exist and every constant inside them.

use panther_sim::config::{Config, Variant};
use panther_sim::mcu::slicing::SliceLayout;
use panther_sim::mcu::Roles;
use rust_hdl::prelude::Bits;

/// Input and output words (`format.input_bits`, `format.word_bits` <= 16).
pub type Word = Bits<16>;
/// Width of line indices and counts (also SAR lane indices and counts).
pub const LINE_BITS: usize = 10;
/// Line (row or column) index and line counts.
pub type LineIdx = Bits<LINE_BITS>;
/// Input bit step t.
pub type StepIdx = Bits<5>;
/// Slice index (at most 16 slices).
pub type SliceIdx = Bits<4>;
/// One bit per slice.
pub type SliceMask = Bits<16>;
/// SAR trial codes and ADC codes.
pub type Code = Bits<24>;
/// Cell levels (cell bits <= 8).
pub type Level = Bits<8>;
/// OPA pulse codes (nominal bits <= 4).
pub type Pulse = Bits<4>;
/// Accumulators: a raw MVM sum of 128 lines needs about 44 bits.
pub type Wide = Bits<48>;
/// Weight copy selector (at most 3 copies).
pub type CopySel = Bits<2>;
/// Event counters.
pub type Count = Bits<32>;

pub const WIDE_BITS: u32 = 48;
/// Largest line (and SAR lane) count the RTL index width holds.
pub const MAX_LINES: usize = (1 << LINE_BITS) - 1;
/// Largest ADC resolution the SAR registers hold (one extra code for the clip compare).
pub const MAX_ADC_BITS: u32 = 20;

/// Why a config cannot be turned into RTL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}: `{field}` {message}")]
pub struct RtlError {
    pub origin: String,
    pub field: &'static str,
    pub message: String,
}

/// Every number the RTL blocks are built from.
#[derive(Debug, Clone, PartialEq)]
pub struct RtlParams {
    pub rows: usize,
    pub cols: usize,
    pub slices: usize,
    pub shared_adcs: usize,
    pub adc_bits: u32,
    pub input_bits: u32,
    pub word_bits: u32,
    pub nominal_bits: u32,
    /// Right shift from the raw MVM sum to the output word.
    pub out_shift: u32,
    pub opa_shift: u32,
    /// Added to the aligned term before the shift (`opa.rounding`; 0 when truncating).
    pub opa_round_half: u64,
    pub variant: Variant,
    pub skip_empty_phases: bool,
    /// Layout of the accumulating copy (V1's only copy).
    pub acc: SliceLayout,
    /// Layout of the nominal read copies (V2, V3).
    pub nominal: SliceLayout,
    /// Weight copies of the variant, and which one each operation uses.
    pub copies: usize,
    pub roles: Roles,
}

impl RtlParams {
    pub fn from_config(cfg: &Config, origin: &str) -> Result<RtlParams, RtlError> {
        let bad = |field, message: String| RtlError {
            origin: origin.to_string(),
            field,
            message,
        };
        for (field, n) in [
            ("array.rows", cfg.array.rows),
            ("array.cols", cfg.array.cols),
        ] {
            if n > MAX_LINES {
                return Err(bad(
                    field,
                    format!(
                        "must be at most {MAX_LINES} for the RTL ({LINE_BITS}-bit line index), found {n}"
                    ),
                ));
            }
        }
        // Every SAR lane (slice x converter) has a position in the code drain.
        let lanes = cfg.adc.shared_adcs * cfg.slicing.slices;
        if lanes > MAX_LINES {
            return Err(bad(
                "adc.shared_adcs",
                format!(
                    "times slicing.slices ({} x {} = {lanes} SAR lanes) must be at most {MAX_LINES} for the RTL ({LINE_BITS}-bit lane index): at most {} converters with {} slices",
                    cfg.adc.shared_adcs,
                    cfg.slicing.slices,
                    MAX_LINES / cfg.slicing.slices,
                    cfg.slicing.slices
                ),
            ));
        }
        let adc_bits = cfg.adc_bits();
        if adc_bits > MAX_ADC_BITS {
            return Err(bad(
                "adc.bits",
                format!(
                    "must be at most {MAX_ADC_BITS} for the RTL SAR registers, found {adc_bits}"
                ),
            ));
        }
        let f = &cfg.format;
        let out_shift = f.input_frac_bits + f.frac_bits - f.output_frac_bits;
        let s = &cfg.slicing;
        Ok(RtlParams {
            rows: cfg.array.rows,
            cols: cfg.array.cols,
            slices: s.slices,
            shared_adcs: cfg.adc.shared_adcs,
            adc_bits,
            input_bits: f.input_bits,
            word_bits: f.word_bits,
            nominal_bits: s.nominal_bits,
            out_shift,
            opa_shift: f.opa_shift_bits,
            opa_round_half: cfg.opa.rounding.half(f.opa_shift_bits),
            variant: cfg.variant,
            skip_empty_phases: cfg.opa.skip_empty_phases,
            acc: SliceLayout::new(f.word_bits, s.nominal_bits, &s.cell_bits),
            nominal: SliceLayout::nominal(f.word_bits, s.nominal_bits),
            copies: Roles::copy_names(cfg.variant).len(),
            roles: Roles::of(cfg.variant),
        })
    }

    /// Lanes of the shift-and-add and CRS units: the longest line.
    pub fn lines(&self) -> usize {
        self.rows.max(self.cols)
    }

    /// SAR lanes: `shared_adcs` converters per slice array.
    pub fn sar_lanes(&self) -> usize {
        self.shared_adcs * self.slices
    }

    /// Line groups of one conversion sweep over `n` lines.
    pub fn groups(&self, n: usize) -> usize {
        n.div_ceil(self.shared_adcs)
    }

    pub fn adc_max_code(&self) -> u64 {
        (1u64 << self.adc_bits) - 1
    }

    /// Layout of copy `c`.
    pub fn layout(&self, c: usize) -> &SliceLayout {
        if c == self.roles.opa {
            &self.acc
        } else {
            &self.nominal
        }
    }
}

/// Two's complement of `v` in `bits` bits, as the u64 a `Bits` constant takes.
pub fn twos(v: i64, bits: u32) -> u64 {
    (v as u64) & ((1u64 << bits) - 1)
}

/// Sign-extend the low `bits` bits of `v`.
pub fn sext(v: u64, bits: u32) -> i64 {
    let s = 64 - bits;
    ((v << s) as i64) >> s
}

/// `n` default-initialised signals or blocks (lane vectors).
pub fn many<T: Default>(n: usize) -> Vec<T> {
    (0..n).map(|_| T::default()).collect()
}
