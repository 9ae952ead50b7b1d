//! Each block alone against its golden counterpart in panther-sim, on random design points
//! and inputs (the testbenches live in `panther_testbenches::tops`; `panther sim --top
//! <block>` runs the same ones from a seed).

use panther_testbenches::persisted;
use panther_testbenches::testbench::{any_case, check_case, Testbench};
use panther_testbenches::tops::crs_lane::CrsLaneTestbench;
use panther_testbenches::tops::line_drivers::{DriversCase, LineDriversTestbench};
use panther_testbenches::tops::offset_correction::OffsetCorrectionTestbench;
use panther_testbenches::tops::opa_column::OpaColumnTestbench;
use panther_testbenches::tops::sar_bank::SarBankTestbench;
use panther_testbenches::tops::shift_add::ShiftAddTestbench;
use proptest::prelude::*;

proptest! {
    #![proptest_config(persisted(file!(), 48))]

    #[test]
    fn drivers_stream_the_golden_bits(c in any_case::<LineDriversTestbench>()) {
        check_case::<LineDriversTestbench>(&c)?;
    }

    #[test]
    fn sar_bank_converts_like_the_golden_adc(c in any_case::<SarBankTestbench>()) {
        check_case::<SarBankTestbench>(&c)?;
    }

    #[test]
    fn shift_add_matches_fixed_point(c in any_case::<ShiftAddTestbench>()) {
        check_case::<ShiftAddTestbench>(&c)?;
    }

    #[test]
    fn offset_correction_multiplies_the_input_sum(c in any_case::<OffsetCorrectionTestbench>()) {
        check_case::<OffsetCorrectionTestbench>(&c)?;
    }

    #[test]
    fn opa_column_codes_are_golden_digits(c in any_case::<OpaColumnTestbench>()) {
        check_case::<OpaColumnTestbench>(&c)?;
    }

    #[test]
    fn crs_lane_matches_slice_layout(c in any_case::<CrsLaneTestbench>()) {
        check_case::<CrsLaneTestbench>(&c)?;
    }
}

/// A case proptest once shrank a driver failure to (negative and large words, step 1, a
/// negative phase), kept as a fixed test.
#[test]
fn drivers_negative_phase_regression() {
    let c = DriversCase {
        words: vec![0, 0, 0, 0, -5, 144, 3827, 5915],
        step: 1,
        phase_negative: true,
    };
    LineDriversTestbench::check(&8, &c, None).unwrap();
}
