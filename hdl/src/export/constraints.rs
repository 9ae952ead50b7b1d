//! Constraints and synthesis scripts from the templates in `constraints/`, filled in from
//! the config (clock period, IO budget) and the top.

use super::ports::Dir;
use super::{CrossbarView, SvTop};
use panther_sim::config::Config;

const SDC: &str = include_str!("../../../constraints/panther.sdc.tmpl");
const SDC_CROSSBAR: &str = include_str!("../../../constraints/crossbar.sdc.tmpl");
const SYNTH: &str = include_str!("../../../constraints/synth.ys.tmpl");
const MAP: &str = include_str!("../../../constraints/map.ys.tmpl");
const STA: &str = include_str!("../../../constraints/sta.tcl.tmpl");
/// The toy cell library static timing maps to (`panther_toy.lib`).
pub const TOY_LIB: &str = include_str!("../../../constraints/panther_toy.lib");

fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in pairs {
        s = s.replace(&format!("{{{{{k}}}}}"), v);
    }
    s
}

/// Command operands the host holds from before a command until its `done`
/// (docs/mcu-ports.md): no timing path from them needs to close in one cycle.
pub const QUASI_STATIC_INPUTS: [&str; 4] = ["cmd_row", "cmd_copy", "cmd_slices", "cmd_correct"];

/// The top has the MCU's command port with its operands (the MCU, not its blocks).
pub(super) fn has_command_operands(top: &SvTop) -> bool {
    let has = |n: &str| top.ports.iter().any(|p| p.dir == Dir::Input && p.name == n);
    has("cmd_valid") && QUASI_STATIC_INPUTS.iter().all(|n| has(n))
}

/// False paths from the quasi-static operands, for a top that has them.
fn quasi_static_rules(top: &SvTop) -> String {
    if !has_command_operands(top) {
        return String::new();
    }
    format!(
        "\n# Quasi-static operands: the host holds them from before a command until its done\n\
         # (docs/mcu-ports.md), so their paths need not close in one cycle.\n\
         set_false_path -from [get_ports {{{}}}]\n",
        QUASI_STATIC_INPUTS.join(" ")
    )
}

/// A time in ns to the fs, without float noise (0.015, not 0.015000000000000001).
fn ns(v: f64) -> String {
    format!("{}", (v * 1e6).round() / 1e6)
}

/// `<top>.sdc`.
pub fn sdc(top: &SvTop, cfg: &Config, config_hash: &str) -> String {
    let names = |dir: Dir| {
        (top.ports.iter())
            .filter(|p| p.dir == dir && p.name != "clock")
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let period = cfg.timing.clock_ns;
    let budget = cfg.timing.io_budget;
    fill(
        SDC,
        &[
            ("TOP", top.name.clone()),
            ("CONFIG_NAME", cfg.name.clone()),
            ("CONFIG_HASH", config_hash.to_string()),
            ("PERIOD_NS", format!("{period}")),
            ("IO_BUDGET", format!("{budget}")),
            ("IO_DELAY_NS", ns(period * budget)),
            ("UNCERTAINTY_NS", ns(period * 0.05)),
            ("TRANSITION_NS", ns(period * 0.02)),
            ("QUASI_STATIC_RULES", quasi_static_rules(top)),
            ("INPUTS", names(Dir::Input)),
            ("OUTPUTS", names(Dir::Output)),
            (
                "CROSSBAR_RULES",
                if top.crossbar.is_some() {
                    SDC_CROSSBAR.to_string()
                } else {
                    String::new()
                },
            ),
        ],
    )
}

/// The yosys script that synthesises `top` from its synthesis file list.
pub fn synth_script(top: &SvTop) -> String {
    fill(
        SYNTH,
        &[
            ("TOP", top.name.clone()),
            ("FILES", top.files(CrossbarView::Blackbox).join(" ")),
        ],
    )
}

/// The yosys script that maps `top` to the toy library (`<top>.map.ys`).
pub fn map_script(top: &SvTop) -> String {
    fill(
        MAP,
        &[
            ("TOP", top.name.clone()),
            ("FILES", top.files(CrossbarView::Blackbox).join(" ")),
        ],
    )
}

/// The OpenSTA script that checks the mapped `top` under its SDC (`<top>.sta.tcl`).
pub fn sta_script(top: &SvTop) -> String {
    fill(STA, &[("TOP", top.name.clone())])
}
