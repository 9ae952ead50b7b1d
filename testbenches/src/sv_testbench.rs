//! Self-checking SystemVerilog testbenches for the exported tops, recorded from rust_hdl
//! runs that were first checked against the golden model: `<top>_tb.sv` replays the
//! run's inputs through the top's ports and checks every output in every settled state,
//! under any simulator (`panther verilog --tb`; Icarus and Verilator in the tests).

use crate::tops::mcu::compare_on;
use crate::tops::Top;
use panther_hdl::cosim::session::{with_recording, Recorded};
use panther_hdl::export::testbench::{testbench_sv, Recording, TestbenchText};
use panther_hdl::export::{CrossbarView, SvTop};
use panther_sim::config::Config;
use panther_sim::opfile::OpFile;

/// A recorded testbench: the exported top it drives, the testbench and its vectors.
pub struct SvTestbench {
    pub top: SvTop,
    pub text: TestbenchText,
    /// Settled states replayed (two per clock cycle).
    pub states: usize,
}

impl SvTestbench {
    /// `<top>_tb.sv`, its vectors `<top>_tb.hex` and its file lists `<top>_tb.f` (the
    /// stand-in view, then the testbench) and `<top>_tb.dpi.f` (the DPI-C shell, for the
    /// crossbar's shared library), to write next to the export: (file name, text).
    pub fn files(&self) -> Vec<(String, String)> {
        let tb = self.top.tb_name();
        vec![
            (format!("{tb}.sv"), self.text.sv.clone()),
            (format!("{tb}.hex"), self.text.vectors.clone()),
            (
                format!("{tb}.f"),
                self.top.tb_files(CrossbarView::Standin).join("\n") + "\n",
            ),
            (
                format!("{tb}.dpi.f"),
                self.top.tb_files(CrossbarView::Dpi).join("\n") + "\n",
            ),
        ]
    }
}

/// The designs a recording followed (one design point, one after another), as a
/// testbench titled `title`.
fn joined(rec: Result<Vec<Recorded>, String>, title: &str) -> Result<SvTestbench, String> {
    let list = rec?;
    let Some((top, _)) = list.first() else {
        return Err(format!("recording {title}: no design was simulated"));
    };
    let text = top.top_sv();
    if list.iter().any(|(t, _)| t.top_sv() != text) {
        return Err(format!(
            "recording {title}: the designs simulated differ, a testbench replays one"
        ));
    }
    let runs: Vec<Recording> = list.iter().map(|(_, r)| r.borrow().clone()).collect();
    let rec = Recording::joined(top, &runs)?;
    Ok(SvTestbench {
        text: testbench_sv(top, &rec, title),
        states: rec.states.len(),
        top: top.clone(),
    })
}

/// The MCU running `file` (checked against the golden model, command cycles against the
/// timing model), recorded at the ports of the MCU or, for a block tested inside it
/// (`inner`), at that block's ports, for a testbench that runs with the crossbar as
/// `view`. The stand-in is an ideal device, so a recorded MCU that runs with it needs an
/// ideal config; the DPI-C shell with the crossbar's library runs any device.
pub fn for_mcu(
    cfg: &Config,
    file: &OpFile,
    title: &str,
    inner: Option<&str>,
    view: CrossbarView,
) -> Result<SvTestbench, String> {
    if inner.is_none() && view == CrossbarView::Standin && !cfg.device.is_ideal() {
        return Err(format!(
            "a recorded MCU testbench replays with the stand-in crossbar, an ideal device; \
             {title} runs a non-ideal device (give an ideal one: `--device ideal`, or run \
             the testbench with the DPI-C shell and the crossbar's library: `--dpi`)"
        ));
    }
    let scope: Vec<&str> = inner.into_iter().collect();
    let (compared, rec) = with_recording(&scope, || compare_on(cfg, file, None, true));
    compared.map_err(|e| format!("{title}: the RTL differs from the golden model: {e}"))?;
    joined(rec, title)
}

/// `cases` cases of `top`'s randomized testbench from `seed` (one design point), with an
/// ideal device; a block tested inside the MCU is recorded at its ports there.
pub fn for_top(top: &Top, seed: u64, cases: u32) -> Result<SvTestbench, String> {
    let scope: &[&str] = if top.tested_in_mcu { &[top.name] } else { &[] };
    let (run, rec) = with_recording(scope, || (top.ideal_run)(seed, cases));
    if let Some(m) = run.mismatches.first() {
        return Err(format!(
            "{}: testbench seed {seed} differs from the golden model: {}",
            top.name, m.message
        ));
    }
    let where_ = if top.tested_in_mcu {
        " inside the MCU"
    } else {
        ""
    };
    joined(
        rec,
        &format!(
            "{cases} cases of the `{}` testbench{where_} (seed {seed}, {})",
            top.name, run.design
        ),
    )
}
