//! The command handshake of docs/mcu-ports.md, cycle by cycle, on the rust_hdl MCU and on
//! the exported MCU in Verilator: a command is taken at the edge where `cmd_valid` meets an
//! idle MCU; `busy` rises in the next cycle and stays high through the one `done` cycle, in
//! which `cycles` is the count of busy cycles; a command raised in the `done` cycle is
//! dropped; `cycles` reads one more afterwards; a `cmd_valid` held high is taken again.

use panther_hdl::cosim::mcu::VerilatedMcu;
use panther_hdl::host::mcu_host::McuHost;
use panther_hdl::host::mcu_pins::{InPin, McuPins, OutPin};
use panther_hdl::params::RtlParams;
use panther_hdl::rtl::controller::McuCmd;
use panther_sim::config::Variant;
use panther_sim::opfile::McuBackend;
use panther_testbenches::small_config;

fn present<P: McuPins>(h: &mut McuHost<P>, cmd: McuCmd, mask: u64) {
    h.sim.set(InPin::CmdValid, 1);
    h.sim.set(InPin::Cmd, cmd.code());
    h.sim.set(InPin::CmdMask, mask);
    h.sim.cycle();
}

/// Busy cycles up to and including `done`, checking `busy` through them.
fn busy_until_done<P: McuPins>(h: &mut McuHost<P>, what: &str) -> u64 {
    let mut n = 0;
    loop {
        assert_eq!(
            h.sim.get(OutPin::Busy),
            1,
            "{what}: busy in busy cycle {}",
            n + 1
        );
        n += 1;
        if h.sim.get(OutPin::Done) == 1 {
            return n;
        }
        assert!(n < 1_000_000, "{what}: no done");
        h.sim.cycle();
    }
}

fn handshake<P: McuPins>(h: &mut McuHost<P>, what: &str) {
    h.write_weights(&[3; 16]).unwrap();
    h.sim.cycle();
    assert_eq!(
        (h.sim.get(OutPin::Busy), h.sim.get(OutPin::Done)),
        (0, 0),
        "{what}: idle"
    );
    for (cmd, mask) in [(McuCmd::Resolve, 0), (McuCmd::Train, 0b100)] {
        let what = format!("{what} {cmd:?}");
        present(h, cmd, mask);
        h.sim.set(InPin::CmdValid, 0);
        let n = busy_until_done(h, &what);
        assert_eq!(
            h.sim.get(OutPin::Cycles),
            n,
            "{what}: cycles in the done cycle"
        );
        // Raised in the done cycle: dropped.
        present(h, McuCmd::Train, 0b010);
        h.sim.set(InPin::CmdValid, 0);
        h.sim.settle();
        assert_eq!(
            h.sim.get(OutPin::Busy),
            0,
            "{what}: a command in the done cycle ran"
        );
        assert_eq!(
            h.sim.get(OutPin::Cycles),
            n + 1,
            "{what}: cycles after done"
        );
        h.sim.cycle();
        assert_eq!(h.sim.get(OutPin::Busy), 0, "{what}: idle stays idle");
    }
    // Held high: taken again when idle.
    present(h, McuCmd::Resolve, 0);
    let first = busy_until_done(h, what);
    h.sim.cycle();
    h.sim.cycle();
    assert_eq!(
        h.sim.get(OutPin::Busy),
        1,
        "{what}: a held cmd_valid is taken again"
    );
    h.sim.set(InPin::CmdValid, 0);
    assert_eq!(busy_until_done(h, what), first);
}

#[test]
fn one_command_follows_the_documented_handshake() {
    for v in [Variant::V1, Variant::V2] {
        let cfg = small_config(4, v, 1, true);
        let mut rtl = McuHost::new(&cfg, "test").unwrap();
        handshake(&mut rtl, &format!("rust_hdl {v:?}"));
        let p = RtlParams::from_config(&cfg, "test").unwrap();
        let pins = VerilatedMcu::new(&cfg, &p).unwrap_or_else(|e| panic!("{e}"));
        let mut ver = McuHost::on(pins, p);
        handshake(&mut ver, &format!("Verilator {v:?}"));
    }
}
