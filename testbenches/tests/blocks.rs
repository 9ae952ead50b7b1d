//! Each digital block against its golden counterpart in panther-sim, on random inputs
//! (the testbenches live in `panther_testbenches::blocks`; `panther sim --top <block>`
//! runs the same ones from a seed).

use panther_testbenches::blocks::*;
use panther_testbenches::persisted;
use proptest::prelude::*;

fn ok(o: Outcome) -> Result<(), TestCaseError> {
    o.map(|_| ()).map_err(TestCaseError::fail)
}

proptest! {
    #![proptest_config(persisted("blocks", 48))]

    #[test]
    fn drivers_stream_the_golden_bits(c in drivers_case()) { ok(drivers(&c, None))?; }

    #[test]
    fn sar_bank_converts_like_the_golden_adc(c in sar_case()) { ok(sar(&c, None))?; }

    #[test]
    fn shift_add_lane_matches_fixed_point(c in shift_add_case()) { ok(shift_add(&c, None))?; }

    #[test]
    fn offset_correction_multiplies_the_input_sum(c in offset_case()) { ok(offset_correction(&c, None))?; }

    #[test]
    fn opa_column_codes_are_golden_digits(c in opa_column_case()) { ok(opa_column(&c, None))?; }

    #[test]
    fn crs_lane_matches_slice_layout(c in crs_lane_case()) { ok(crs_lane(&c, None))?; }
}
