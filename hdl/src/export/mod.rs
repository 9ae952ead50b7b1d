//! SystemVerilog export of any block: rust_hdl's Verilog-2001 netlist renamed to
//! `<name>_core...` inside narrow lint waivers, an ANSI wrapper `module <name>`, and the
//! crossbar as a DPI-C shell (Verilator) or an ideal-device stand-in (iverilog); yosys
//! takes it as a black box. docs/verilog.md describes the files.

pub mod constraints;
pub mod crossbar_shell;
pub mod package;
pub mod ports;

use crate::design::Design;
use crate::params::RtlParams;
use panther_sim::config::Config;
use ports::{parse_ports, Dir, Port};
use rust_hdl::prelude::generate_verilog;

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

/// Warnings `verilator -Wall` raises on rust_hdl's netlist, waived around generated text
/// only (each with why it is harmless there).
pub const CORE_WAIVERS: [(&str, &str); 5] = [
    (
        "WIDTH",
        "rust_hdl sizes literals and slices by value, not by context",
    ),
    (
        "UNUSEDSIGNAL",
        "blocks expose every field; parents read only some",
    ),
    (
        "UNUSEDPARAM",
        "rust_hdl emits every constant as a localparam",
    ),
    ("DECLFILENAME", "the core modules share the wrapper's file"),
    (
        "UNDRIVEN",
        "unused outputs of shared sub-blocks stay undriven",
    ),
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
    /// The renamed netlist (None when the top is the crossbar itself).
    core: Option<String>,
    pub crossbar: Option<CrossbarShape>,
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

/// Cut the black-box stub rust_hdl appends for the crossbar (the shell files provide it).
fn without_stub(verilog: &str) -> String {
    match verilog.find("(* blackbox *)") {
        Some(i) => {
            let end = verilog[i..]
                .find("endmodule")
                .map(|e| i + e + "endmodule".len())
                .unwrap_or(verilog.len());
            format!("{}{}", &verilog[..i], &verilog[end..])
        }
        None => verilog.to_string(),
    }
}

impl SvTop {
    /// The exported form of `design` (connected first, as rust_hdl's generator needs).
    pub fn of<B: Design>(mut design: B) -> Result<SvTop, String> {
        design.connect_all();
        Self::of_connected(&design)
    }

    /// The exported form of a design already connected (one a simulation runs).
    pub fn of_connected<B: Design>(design: &B) -> Result<SvTop, String> {
        let shape = design.crossbar().map(|x| x.shape());
        SvTop::new(B::NAME, &generate_verilog(design), shape)
    }

    /// Top `B` sized by `cfg`.
    pub fn from_config<B: Design>(cfg: &Config, p: &RtlParams) -> Result<SvTop, String> {
        Self::of(B::from_config(cfg, p))
    }

    /// Package rust_hdl's `verilog` of a design as top `name`. `crossbar`: the shape of the
    /// crossbar it instantiates (or is).
    pub fn new(
        name: &str,
        verilog: &str,
        crossbar: Option<CrossbarShape>,
    ) -> Result<SvTop, String> {
        check_name(name)?;
        if verilog.contains("module top(") {
            let core_name = format!("{name}_core");
            let renamed = without_stub(verilog)
                .replace("module top(", &format!("module {core_name}("))
                .replace("top$", &format!("{core_name}$"))
                .replace("endmodule // top\n", &format!("endmodule // {core_name}\n"));
            let ports = parse_ports(&renamed, &core_name)?;
            Ok(SvTop {
                name: name.to_string(),
                ports,
                core: Some(renamed),
                crossbar,
            })
        } else {
            // The crossbar alone: rust_hdl emits only its black box.
            let shape = crossbar.ok_or("generated Verilog has no `module top`")?;
            let ports = parse_ports(&shape.stub, "panther_crossbar")?;
            Ok(SvTop {
                name: name.to_string(),
                ports,
                core: None,
                crossbar: Some(shape),
            })
        }
    }

    /// The module the wrapper instantiates.
    fn inner(&self) -> String {
        match self.core {
            Some(_) => format!("{}_core", self.name),
            None => "panther_crossbar".into(),
        }
    }

    /// `<name>.sv`: the waived core and the ANSI wrapper.
    pub fn top_sv(&self) -> String {
        let mut s = format!(
            "// {name}.sv: generated by `panther verilog` from the rust_hdl description; do not edit.\n\
             // Module `{name}` is the top: an ANSI wrapper around rust_hdl's netlist `{name}_core`.\n\n",
            name = self.name
        );
        if let Some(core) = &self.core {
            s += "// ---- generated by rust_hdl: lint waivers cover this text only ----\n";
            for (code, why) in CORE_WAIVERS {
                s += &format!("/* verilator lint_off {code} */ // {why}\n");
            }
            s += core.trim();
            s += "\n";
            for (code, _) in CORE_WAIVERS.iter().rev() {
                s += &format!("/* verilator lint_on {code} */\n");
            }
            s += "// ---- end of generated text ----\n\n";
        }
        s += &self.wrapper();
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
            .map(|p| format!("        .{}({})", p.rtl_name, p.name))
            .collect();
        format!(
            "module {name} (\n{decls}\n);\n    {inner} u_{inner} (\n{conns}\n    );\nendmodule : {name}\n",
            name = self.name,
            decls = decls.join(",\n"),
            inner = self.inner(),
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
}
