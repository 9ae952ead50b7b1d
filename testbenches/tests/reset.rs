//! The synchronous reset (`rst`, active high): one cycle of it in the middle of every
//! command returns the MCU to idle (not busy, no done, no command cycles counted), and the
//! next commands (serial weight writes, then an MVM and an MTVM) are correct against the
//! golden model and take the timing model's cycles, in rust_hdl and in Verilator in
//! lock-step (every output of every settled state equal, the reset cycles included).

use panther_hdl::cosim::session::with_verilator;
use panther_hdl::host::mcu_host::{HostCmd, McuHost};
use panther_hdl::host::mcu_pins::{McuPins, OutPin};
use panther_hdl::timing;
use panther_sim::config::{Config, Variant};
use panther_sim::opfile::McuBackend;
use panther_sim::Mcu;
use panther_testbenches::small_config;
use panther_testbenches::tops::mcu::host_for;

/// Deterministic words in the word range, different per `salt`.
fn words(n: usize, salt: i64) -> Vec<i64> {
    (0..n as i64)
        .map(|i| ((i * 37 + salt * 101) % 511) - 255)
        .collect()
}

/// The commands a host can issue, by name.
fn commands(cfg: &Config) -> Vec<(&'static str, HostCmd)> {
    let all_slices = (1u64 << cfg.slicing.slices) - 1;
    vec![
        ("mvm", HostCmd::train(0b100)),
        ("mtvm", HostCmd::train(0b010)),
        ("opa", HostCmd::train(0b001)),
        ("crs", HostCmd::resolve()),
        ("read_row", HostCmd::read_row(1, 0, all_slices, true)),
        ("write_row", HostCmd::write_row(1)),
    ]
}

fn idle<P: McuPins>(rtl: &mut McuHost<P>) -> Result<(), String> {
    for (pin, what) in [
        (OutPin::Busy, "busy"),
        (OutPin::Done, "done"),
        (OutPin::Cycles, "cycles"),
    ] {
        let v = rtl.sim.get(pin);
        if v != 0 {
            return Err(format!("{what} is {v} after the reset, not 0"));
        }
    }
    Ok(())
}

/// Reset `cfg`'s MCU a quarter, half and three quarters into every command; after each,
/// idle, then new weights, an MVM and an MTVM equal to the golden model's.
fn reset_mid_every_command(cfg: &Config) -> Result<u32, String> {
    let mut rtl = host_for(cfg, None)?;
    let mut golden = Mcu::new(cfg, 0);
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let p = rtl.params.clone();
    let mut resets = 0;
    for (name, cmd) in commands(cfg) {
        // The command's length, from one full run.
        rtl.write_weights(&words(rows * cols, 1))
            .map_err(|e| e.to_string())?;
        rtl.load(false, &words(rows, 2));
        rtl.load(true, &words(cols, 3));
        let full = rtl.command(cmd);
        for quarter in 1..=3u64 {
            rtl.load(false, &words(rows, 4 + quarter as i64));
            rtl.command_start(cmd);
            for _ in 1..full * quarter / 4 {
                rtl.tick();
            }
            let at = format!("{name} reset at {quarter}/4 of {full} cycles");
            if rtl.sim.get(OutPin::Busy) == 0 {
                return Err(format!("{at}: the command had already ended"));
            }
            rtl.reset();
            idle(&mut rtl).map_err(|e| format!("{at}: {e}"))?;
            resets += 1;
            let w = words(rows * cols, 10 + quarter as i64);
            rtl.write_weights(&w).map_err(|e| e.to_string())?;
            golden.write_weights(&w).map_err(|e| e.to_string())?;
            let x = words(rows, 20 + quarter as i64);
            let want = golden.mvm(&x).map_err(|e| e.to_string())?;
            let got = rtl.mvm(&x).map_err(|e| e.to_string())?;
            if got != want {
                return Err(format!("{at}: the next MVM is {got:?}, golden {want:?}"));
            }
            if rtl.last_command_cycles != timing::line_op_cycles(&p, false) {
                return Err(format!(
                    "{at}: the next MVM took {} cycles, the timing model {}",
                    rtl.last_command_cycles,
                    timing::line_op_cycles(&p, false)
                ));
            }
            let d = words(cols, 30 + quarter as i64);
            let (got, want) = (rtl.mtvm(&d), golden.mtvm(&d));
            if got.as_ref().ok() != want.as_ref().ok() {
                return Err(format!("{at}: the next MTVM is {got:?}, golden {want:?}"));
            }
        }
    }
    Ok(resets)
}

#[test]
fn reset_mid_every_command_returns_to_idle_in_rust_hdl_and_verilator() {
    for v in [Variant::V1, Variant::V2, Variant::V3] {
        let cfg = small_config(4, v, 2, true);
        let (r, sum) = with_verilator(None, || reset_mid_every_command(&cfg));
        let resets = r.unwrap_or_else(|e| panic!("{v:?}: {e}"));
        assert_eq!(resets, 18, "{v:?}");
        sum.check()
            .unwrap_or_else(|e| panic!("{v:?}: Verilator: {e}"));
        assert!(
            sum.designs == 1 && sum.compared_states > 1000,
            "{v:?}: {sum:?}"
        );
    }
}
