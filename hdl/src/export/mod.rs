//! SystemVerilog export of any block: our own emitter's modules ([`emit`]: one per
//! distinct body, parameters, registers with their reset) inside narrow lint waivers, and
//! the crossbar as a DPI-C shell (Verilator) or an ideal-device stand-in (iverilog); yosys
//! takes it as a black box. docs/verilog.md describes the files.

pub mod constraints;
pub mod crossbar_shell;
pub mod dpi_library;
pub mod emit;
pub mod package;
pub mod ports;
pub mod testbench;

use crate::design::{Design, ScopeWalk};
use crate::params::RtlParams;
use panther_sim::config::Config;
use ports::{Dir, Port};
use rust_hdl::prelude::{Block, Probe};

/// The crossbar's sizes, for its shells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossbarShape {
    pub rows: usize,
    pub cols: usize,
    /// SAR comparator lanes: slice k, converter a is lane k * shared_adcs + a.
    pub lanes: usize,
    pub shared_adcs: usize,
    /// Top cell level of each slice array of each weight copy.
    pub max_levels: Vec<Vec<u32>>,
    /// The black-box declaration (the ports as the core connects them).
    pub stub: String,
}

/// Warnings `verilator -Wall` raises on the emitted modules, waived around that text only
/// (each with why it is harmless there).
pub const CORE_WAIVERS: [(&str, &str); 2] = [
    (
        "UNUSEDSIGNAL",
        "blocks expose every field and sub-block port; parents read only some",
    ),
    ("DECLFILENAME", "a top's modules share its file"),
];

/// The three forms of the crossbar an export carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrossbarView {
    /// DPI-C shell calling the Rust model (Verilator).
    Dpi,
    /// Ideal device in plain SystemVerilog (simulators without DPI).
    Standin,
    /// Port declaration only (synthesis, static timing).
    Blackbox,
}

impl CrossbarView {
    pub const ALL: [CrossbarView; 3] = [
        CrossbarView::Dpi,
        CrossbarView::Standin,
        CrossbarView::Blackbox,
    ];

    pub fn file(self) -> &'static str {
        match self {
            CrossbarView::Dpi => "panther_crossbar.sv",
            CrossbarView::Standin => "panther_crossbar_standin.sv",
            CrossbarView::Blackbox => "panther_crossbar_blackbox.v",
        }
    }

    fn text(self, x: &CrossbarShape) -> String {
        match self {
            CrossbarView::Dpi => crossbar_shell::dpi_shell(x),
            CrossbarView::Standin => crossbar_shell::standin(x),
            CrossbarView::Blackbox => crossbar_shell::blackbox(x),
        }
    }
}

/// One exported top.
#[derive(Debug, Clone)]
pub struct SvTop {
    pub name: String,
    pub ports: Vec<Port>,
    /// Our emitted modules, the top last (None when the top is the crossbar itself).
    core: Option<String>,
    /// Names of the emitted modules, in file order.
    pub modules: Vec<String>,
    pub crossbar: Option<CrossbarShape>,
}

/// Emits the block at `scope` when the walk reaches it.
struct ScopeFinder<'a> {
    scope: &'a [&'a str],
    walk: ScopeWalk,
    found: Option<Result<emit::Emitted, String>>,
}

impl Probe for ScopeFinder<'_> {
    fn visit_start_scope(&mut self, name: &str, node: &dyn Block) {
        if self.walk.enter(self.scope, name) && self.found.is_none() {
            self.found = Some(emit::emit(node, name));
        }
    }
    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        self.walk.enter(self.scope, name);
    }
    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        self.walk.leave();
    }
    fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.walk.leave();
    }
}

/// Names usable as a module (and C++ class) name.
fn check_name(name: &str) -> Result<(), String> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "top name `{name}`: use lower-case letters, digits and `_`, starting with a letter"
        ))
    }
}

impl SvTop {
    /// The exported form of `design` (connected first, as the emitter needs).
    pub fn of<B: Design>(mut design: B) -> Result<SvTop, String> {
        design.connect_all();
        Self::of_connected(&design)
    }

    /// The exported form of a design already connected (one a simulation runs).
    pub fn of_connected<B: Design>(design: &B) -> Result<SvTop, String> {
        check_name(B::NAME)?;
        let emitted = emit::emit(design, B::NAME)?;
        let crossbar = design.crossbar().map(|x| x.shape());
        Ok(SvTop {
            name: B::NAME.to_string(),
            ports: emitted.ports,
            core: (!emitted.modules.is_empty()).then_some(emitted.text),
            modules: emitted.modules,
            crossbar,
        })
    }

    /// The export of the sub-block at `scope` (instance names below `design`), as it is
    /// inside the design (a sub-block holds no crossbar).
    pub fn of_inner(design: &dyn Block, scope: &[&str]) -> Result<SvTop, String> {
        let name = *scope.last().ok_or("an inner block needs a scope")?;
        check_name(name)?;
        let mut finder = ScopeFinder {
            scope,
            walk: ScopeWalk::default(),
            found: None,
        };
        design.accept("uut", &mut finder);
        let emitted = finder
            .found
            .ok_or_else(|| format!("no block `{}` inside the design", scope.join(".")))??;
        Ok(SvTop {
            name: name.to_string(),
            ports: emitted.ports,
            core: Some(emitted.text),
            modules: emitted.modules,
            crossbar: None,
        })
    }

    /// Top `B` sized by `cfg`.
    pub fn from_config<B: Design>(cfg: &Config, p: &RtlParams) -> Result<SvTop, String> {
        Self::of(B::from_config(cfg, p))
    }

    /// `<name>.sv`: the emitted modules inside narrow lint waivers, or (for the crossbar
    /// alone) a wrapper around its shell.
    pub fn top_sv(&self) -> String {
        let mut s = format!(
            "// {name}.sv: generated by `panther verilog` from the rust_hdl description; do not edit.\n",
            name = self.name
        );
        match &self.core {
            Some(core) => {
                s += &format!(
                    "// Modules: {}; the top is `{}`.\n\n",
                    self.modules.join(", "),
                    self.name
                );
                for (code, why) in CORE_WAIVERS {
                    s += &format!("/* verilator lint_off {code} */ // {why}\n");
                }
                s += "\n";
                s += core.trim_end();
                s += "\n\n";
                for (code, _) in CORE_WAIVERS.iter().rev() {
                    s += &format!("/* verilator lint_on {code} */\n");
                }
            }
            None => {
                s += "// The crossbar alone: a wrapper around its shell `panther_crossbar`.\n\n";
                s += &self.wrapper();
            }
        }
        s
    }

    fn wrapper(&self) -> String {
        let decls: Vec<String> = self
            .ports
            .iter()
            .map(|p| {
                let dir = match p.dir {
                    Dir::Input => "input ",
                    Dir::Output => "output",
                };
                let range = if p.width == 1 {
                    String::new()
                } else {
                    format!("[{}:0]", p.width - 1)
                };
                format!("    {dir} logic {range:<7} {}", p.name)
            })
            .collect();
        let conns: Vec<String> = self
            .ports
            .iter()
            .map(|p| format!("        .{}({})", p.name, p.name))
            .collect();
        format!(
            "module {name} (\n{decls}\n);\n    {inner} u_{inner} (\n{conns}\n    );\nendmodule : {name}\n",
            name = self.name,
            decls = decls.join(",\n"),
            inner = "panther_crossbar",
            conns = conns.join(",\n"),
        )
    }

    /// Every file of the export: (file name, text): `<name>.sv` and, with a crossbar, each
    /// of its views.
    pub fn sources(&self) -> Vec<(String, String)> {
        let mut v = vec![(format!("{}.sv", self.name), self.top_sv())];
        if let Some(x) = &self.crossbar {
            for view in CrossbarView::ALL {
                v.push((view.file().into(), view.text(x)));
            }
        }
        v
    }

    /// The source files a tool reads, in order, with the crossbar as `view`.
    pub fn files(&self, view: CrossbarView) -> Vec<String> {
        let mut v = vec![format!("{}.sv", self.name)];
        if self.crossbar.is_some() {
            v.push(view.file().into());
        }
        v
    }

    /// A file list (`<name>.f`: DPI-C, for Verilator; `<name>.standin.f`: for iverilog).
    pub fn file_list(&self, view: CrossbarView) -> String {
        self.files(view).join("\n") + "\n"
    }

    /// The generated testbench's module and file (`<name>_tb`, `<name>_tb.sv`).
    pub fn tb_name(&self) -> String {
        format!("{}_tb", self.name)
    }

    /// The testbench's sources: the export with the crossbar as `view`, then the testbench.
    pub fn tb_files(&self, view: CrossbarView) -> Vec<String> {
        let mut v = self.files(view);
        v.push(format!("{}.sv", self.tb_name()));
        v
    }
}
