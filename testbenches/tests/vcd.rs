//! The MCU's VCD (what `panther sim --vcd` writes) read back with the `vcd` crate: the
//! handshake, the controller state and the ADC are visible under readable names, there is
//! one done pulse per command, and the converted codes on the bus equal the golden
//! model's conversion count.

use panther_hdl::host::mcu_host::McuHost;
use panther_sim::config::Variant;
use panther_sim::opfile::{run_ops, Op, OpFile};
use panther_sim::Mcu;
use panther_testbenches::small_config;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// A `Write` whose bytes stay readable after the trace is dropped.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Per signal: its value after each rising edge (the high half of every cycle).
fn sampled(vcd: &[u8], signals: &[&[&str]]) -> Vec<Vec<String>> {
    let mut p = vcd::Parser::new(vcd);
    let header = p.parse_header().expect("VCD header");
    let codes: Vec<vcd::IdCode> = signals
        .iter()
        .map(|path| {
            header
                .find_var(path)
                .unwrap_or_else(|| panic!("no {path:?} in the VCD"))
                .code
        })
        .collect();
    let mut now: HashMap<vcd::IdCode, String> = HashMap::new();
    let mut out = vec![Vec::new(); signals.len()];
    let mut time = None;
    let flush = |t: Option<u64>, now: &HashMap<vcd::IdCode, String>, out: &mut Vec<Vec<String>>| {
        if let Some(t) = t {
            if t % 1000 == 500 {
                for (o, c) in out.iter_mut().zip(&codes) {
                    o.push(now.get(c).cloned().unwrap_or_default());
                }
            }
        }
    };
    for cmd in p {
        match cmd.expect("VCD command") {
            vcd::Command::Timestamp(t) => {
                flush(time, &now, &mut out);
                time = Some(t);
            }
            vcd::Command::ChangeScalar(c, v) => {
                now.insert(c, v.to_string());
            }
            vcd::Command::ChangeVector(c, v) => {
                now.insert(c, v.iter().map(|b| b.to_string()).collect());
            }
            vcd::Command::ChangeString(c, s) => {
                now.insert(c, s);
            }
            _ => {}
        }
    }
    flush(time, &now, &mut out);
    out
}

#[test]
fn vcd_shows_one_done_per_command_and_every_conversion() {
    let cfg = small_config(4, Variant::V2, 2, true);
    let file = OpFile {
        preset: None,
        config: None,
        seed: None,
        variant: None,
        weights: None,
        ops: vec![
            Op::Mvm {
                x: vec![3, -2, 1, 100],
            },
            Op::Opa {
                x: vec![4096, 0, -300, 7],
                d: vec![-4096, 5, 0, 2048],
            },
            Op::Mtvm {
                d: vec![1, 2, 3, -4],
            },
            Op::Crs {},
        ],
    };
    let buf = Shared::default();
    let mut rtl = McuHost::new(&cfg, "test").unwrap();
    rtl.trace(Box::new(buf.clone()), 0, u64::MAX).unwrap();
    let mut golden = Mcu::new(&cfg, 0);
    let rtl_results = run_ops(&mut rtl, &file, &cfg, "test", |_, _| {}).unwrap();
    let golden_results = run_ops(&mut golden, &file, &cfg, "test", |_, _| {}).unwrap();
    assert_eq!(rtl_results, golden_results);
    rtl.finish_trace().unwrap();
    let states = rtl.wave().unwrap().enums["CtlState"].clone();
    let code = |name: &str| format!("{:04b}", states.iter().position(|s| s == name).unwrap());
    let bytes = buf.0.lock().unwrap().clone();
    let s = sampled(
        &bytes,
        &[
            &["mcu", "done"],
            &["mcu", "busy"],
            &["mcu", "controller", "state"],
            &["mcu", "sar_bank", "code_valid"],
            &["mcu", "sar_bank", "adc_code"],
            &["mcu", "opa_unit", "step"],
            &["mcu", "opa_unit", "slice_idx"],
            &["mcu", "opa_unit", "phase_idx"],
        ],
    );
    let done_pulses = s[0].iter().filter(|v| v.as_str() == "1").count();
    assert_eq!(done_pulses, file.ops.len(), "one done pulse per command");
    assert!(
        s[2].iter().any(|v| *v == code("StepWait")) && s[2].iter().any(|v| *v == code("OpaWait"))
    );
    let conversions = s[3].iter().filter(|v| v.as_str() == "1").count() as u64;
    assert_eq!(
        conversions, golden.counters.adc_conversions,
        "codes on the bus = golden conversions"
    );
    assert!(
        s[7].iter().any(|v| v != &s[7][0]),
        "the OPA phase counter moves"
    );
}
