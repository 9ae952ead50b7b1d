//! Every command's measured cycles equal the RTL timing model (`panther_hdl::timing`), a
//! closed formula of the config, across variants, sizes and converter sharing.

use panther_hdl::host::mcu_host::McuHost;
use panther_hdl::timing;
use panther_sim::config::Variant;
use panther_sim::opfile::McuBackend;
use panther_testbenches::small_config;

#[test]
fn command_cycles_follow_the_timing_model() {
    for (n, shared, v) in [
        (4, 1, Variant::V1),
        (4, 2, Variant::V2),
        (8, 4, Variant::V3),
        (8, 3, Variant::V1),
    ] {
        for skip in [true, false] {
            let mut cfg = small_config(n, v, shared, true);
            cfg.opa.skip_empty_phases = skip;
            let mut rtl = McuHost::new(&cfg, "test").unwrap();
            let p = rtl.params.clone();
            let what = format!("{n}x{n} A={shared} {v:?} skip={skip}");
            rtl.write_weights(&vec![3; n * n]).unwrap();
            assert_eq!(
                rtl.last_command_cycles,
                timing::write_row_cycles(&p),
                "write row, {what}"
            );
            rtl.mvm(&vec![5; n]).unwrap();
            assert_eq!(
                rtl.last_command_cycles,
                timing::line_op_cycles(&p, false),
                "MVM, {what}"
            );
            rtl.mtvm(&vec![-5; n]).unwrap();
            assert_eq!(
                rtl.last_command_cycles,
                timing::line_op_cycles(&p, true),
                "MTVM, {what}"
            );
            // Only positive rows and columns: one phase when skipping.
            let o = rtl.opa(&vec![300; n], &vec![4096; n]).unwrap();
            assert_eq!(o.phases, if skip { 1 } else { 4 });
            assert_eq!(
                rtl.last_command_cycles,
                timing::opa_cycles(&p, o.phases),
                "OPA, {what}"
            );
            rtl.crs();
            assert_eq!(
                rtl.last_command_cycles,
                timing::crs_cycles(&p),
                "CRS, {what}"
            );
            rtl.read_weights();
            assert_eq!(
                rtl.last_command_cycles,
                timing::read_row_cycles(&p, true),
                "read row, {what}"
            );
        }
    }
}
