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
            ("IO_DELAY_NS", format!("{}", period * budget)),
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
