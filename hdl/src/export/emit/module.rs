//! One block instance as a SystemVerilog module body: ANSI ports, constants, enum values,
//! nets to its sub-blocks, registers as `always_ff` with the synchronous reset, and the
//! combinational `update` as one `always_comb`.
//!
//! Event-driven safety: a combinational target assigned more than once (a default, then
//! overrides) is computed in a block-local copy and written once at the end of the block,
//! so a simulator that wakes other processes on every write (Icarus) sees no glitch and a
//! false path through a sub-block settles.

use super::ir::{lower, Expr, Lit, Stmt};
use super::render::{literal, Names, Net};
use super::tree::{Node, Signal, Tree};
use crate::rtl::reg::REG_MARKER;
use rust_hdl::prelude::Verilog;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

/// rust_hdl's `$` separators as `_`.
pub fn sv_name(flat: &str) -> String {
    flat.replace('$', "_")
}

/// `CtlState` -> `CTL_STATE`, `line_index` -> `LINE_INDEX`.
pub fn upper_snake(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c == '$' || c == '_' {
            out.push('_');
            prev_lower = false;
        } else if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c);
            prev_lower = false;
        } else {
            out.push(c.to_ascii_uppercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

fn range(width: usize) -> String {
    if width == 1 {
        String::new()
    } else {
        format!("[{}:0] ", width - 1)
    }
}

/// The ANSI port declarations of a block (`input  logic [9:0] cmd_row`).
pub fn port_lines(node: &Node) -> Vec<String> {
    node.ports()
        .map(|s| {
            let dir = if s.is_input() { "input " } else { "output" };
            let signed = if s.signed { "signed " } else { "" };
            format!("{dir} logic {signed}{}{}", range(s.width), sv_name(&s.name))
        })
        .collect()
}

/// What a child instance is to its parent.
pub enum ChildKind {
    /// A [`crate::rtl::reg::Reg`]: written inline as `always_ff`.
    Reg { reset: Lit },
    /// An external module (the crossbar) by its own name.
    Blackbox(String),
    /// A module of our own.
    Module,
}

pub fn child_kind(node: &Node) -> Result<ChildKind, String> {
    match &node.code {
        Verilog::Custom(text) if text.starts_with(REG_MARKER) => {
            let reset = text
                .split("q <= ")
                .nth(1)
                .and_then(|r| r.split(';').next())
                .and_then(|t| Lit::parse(t.trim()))
                .ok_or_else(|| format!("register `{}`: no reset value", node.scope))?;
            Ok(ChildKind::Reg { reset })
        }
        Verilog::Blackbox(b) => Ok(ChildKind::Blackbox(b.name.clone())),
        Verilog::Combinatorial(_) | Verilog::Empty => Ok(ChildKind::Module),
        Verilog::Custom(_) | Verilog::Wrapper(_) => Err(format!(
            "block `{}` carries hand-written Verilog, which the exporter does not take",
            node.scope
        )),
    }
}

/// A sub-module instance in a body, resolved to a module name once modules are grouped.
#[derive(Debug, Clone)]
pub struct Instance {
    pub node: usize,
    pub name: String,
    /// `.port(net)` lines.
    pub connections: Vec<(String, String)>,
}

/// A module body before grouping: text pieces and instances.
#[derive(Debug, Clone)]
pub enum Piece {
    Text(String),
    Inst(Instance),
}

/// One constant of a body: its name and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    pub sv: String,
    pub width: usize,
    pub value: Lit,
}

#[derive(Debug, Clone)]
pub struct Body {
    /// Port declaration lines (`input  logic [9:0] cmd_row`).
    pub ports: Vec<String>,
    pub constants: Vec<Constant>,
    pub pieces: Vec<Piece>,
}

struct Builder<'a> {
    tree: &'a Tree,
    node: &'a Node,
    nets: HashMap<String, Net>,
    /// Declared names, to refuse two signals that map to one.
    taken: HashMap<String, String>,
}

impl Builder<'_> {
    fn add_net(&mut self, flat: &str, sv: String, width: usize) -> Result<(), String> {
        if let Some(other) = self.taken.get(&sv) {
            if other != flat {
                return Err(format!(
                    "`{flat}` and `{other}` both map to `{sv}` in `{}`",
                    self.node.scope
                ));
            }
        }
        self.taken.insert(sv.clone(), flat.to_string());
        self.nets.insert(flat.to_string(), Net { sv, width });
        Ok(())
    }
}

fn enum_values(sig: &Signal, out: &mut BTreeMap<String, (String, usize, usize)>) {
    for (i, label) in sig.enum_labels.iter().enumerate() {
        let flat = label.replace("::", "$");
        let (ty, variant) = label.split_once("::").unwrap_or(("", label));
        let sv = format!("{}_{}", upper_snake(ty), upper_snake(variant));
        out.insert(flat, (sv, sig.width, i));
    }
}

/// The body of `tree.nodes[id]`.
pub fn body(tree: &Tree, id: usize) -> Result<Body, String> {
    let node = &tree.nodes[id];
    let mut b = Builder {
        tree,
        node,
        nets: HashMap::new(),
        taken: HashMap::new(),
    };
    let mut enums = BTreeMap::new();
    let mut constants = Vec::new();
    let mut locals = Vec::new();
    for s in &node.signals {
        enum_values(s, &mut enums);
        if s.kind == rust_hdl::prelude::AtomKind::Constant {
            let sv = upper_snake(&s.name);
            let value = Lit::parse(&s.literal)
                .ok_or_else(|| format!("constant `{}`: cannot read `{}`", s.name, s.literal))?;
            constants.push(Constant {
                sv: sv.clone(),
                width: s.width,
                value,
            });
            b.add_net(&s.name, sv, s.width)?;
        } else {
            b.add_net(&s.name, sv_name(&s.name), s.width)?;
            if !s.is_port() {
                locals.push(s);
            }
        }
    }
    // Sub-blocks: their ports as nets of this module.
    struct Child<'a> {
        id: usize,
        node: &'a Node,
        kind: ChildKind,
    }
    let mut children = Vec::new();
    for &c in &node.children {
        let cn = &b.tree.nodes[c];
        let kind = child_kind(cn)?;
        for p in cn.ports() {
            enum_values(p, &mut enums);
            let flat = format!("{}${}", cn.scope, p.name);
            b.add_net(&flat, sv_name(&flat), p.width)?;
        }
        children.push(Child {
            id: c,
            node: cn,
            kind,
        });
    }
    for (flat, (sv, width, _)) in &enums {
        b.add_net(flat, sv.clone(), *width)?;
    }
    let stmts = match &node.code {
        Verilog::Combinatorial(code) => lower(code)?,
        _ => Vec::new(),
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    {
        let mut t = Vec::new();
        stmts.iter().for_each(|s| s.targets(&mut t));
        for x in t {
            *counts.entry(x.to_string()).or_default() += 1;
        }
    }
    let child_input: HashSet<String> = children
        .iter()
        .flat_map(|c| {
            c.node
                .ports()
                .filter(|p| p.is_input())
                .map(|p| format!("{}${}", c.node.scope, p.name))
        })
        .collect();
    let child_output: HashSet<String> = children
        .iter()
        .flat_map(|c| {
            c.node
                .ports()
                .filter(|p| !p.is_input())
                .map(|p| format!("{}${}", c.node.scope, p.name))
        })
        .collect();
    let own_driven: HashSet<&str> = node
        .signals
        .iter()
        .filter(|s| !s.is_input() && s.kind != rust_hdl::prelude::AtomKind::Constant)
        .map(|s| s.name.as_str())
        .collect();
    // Plain top-level connections become port connections.
    let mut feeds: HashMap<String, String> = HashMap::new(); // child input <- source
    let mut alias: HashMap<String, String> = HashMap::new(); // child output -> own signal
    let mut kept = Vec::new();
    for s in stmts {
        if let Stmt::Assign(t, Expr::Sig(src)) = &s {
            if counts.get(t) == Some(&1) {
                if child_input.contains(t) && b.nets.contains_key(src) {
                    feeds.insert(t.clone(), src.clone());
                    continue;
                }
                if child_output.contains(src)
                    && own_driven.contains(t.as_str())
                    && !alias.contains_key(src)
                {
                    alias.insert(src.clone(), t.clone());
                    continue;
                }
            }
        }
        kept.push(s);
    }
    for (out, own) in &alias {
        let net = b.nets[own].clone();
        b.nets.insert(out.clone(), net);
    }
    let net_of = |b: &Builder, flat: &str| b.nets[flat].sv.clone();
    let reg_d: HashSet<String> = children
        .iter()
        .filter(|c| matches!(c.kind, ChildKind::Reg { .. }))
        .map(|c| format!("{}$d", c.node.scope))
        .collect();
    // Targets assigned more than once go through a block-local copy.
    let mut shadows = HashMap::new();
    let mut shadow_decls = Vec::new();
    {
        let mut t = Vec::new();
        kept.iter().for_each(|s| s.targets(&mut t));
        let mut seen = HashSet::new();
        for x in t {
            if counts[x] > 1 && !reg_d.contains(x) && seen.insert(x.to_string()) {
                let net = &b.nets[x];
                let local = format!("{}_c", net.sv);
                if b.taken.contains_key(&local) {
                    return Err(format!("`{local}` is taken in `{}`", node.scope));
                }
                shadow_decls.push((x.to_string(), local.clone(), net.width));
                shadows.insert(x.to_string(), local);
            }
        }
    }
    let names = Names {
        nets: b.nets.clone(),
        shadows,
        used: RefCell::new(Default::default()),
    };
    let mut comb = Vec::new();
    names.block(&kept, 2, &mut comb)?;

    let ports = port_lines(node);

    let mut text = String::new();
    let used = names.used.borrow().clone();
    let enum_lines: Vec<String> = enums
        .iter()
        .filter(|(flat, _)| used.contains(*flat))
        .map(|(_, (sv, w, v))| {
            format!(
                "    localparam logic {}{sv} = {};\n",
                range(*w),
                literal(
                    Lit {
                        bits: *w,
                        value: *v as u128
                    },
                    Some(*w)
                )
            )
        })
        .collect();
    if !enum_lines.is_empty() {
        text += &enum_lines.concat();
        text += "\n";
    }
    let mut decls = Vec::new();
    for s in &locals {
        decls.push(format!(
            "    logic {}{};\n",
            range(s.width),
            sv_name(&s.name)
        ));
    }
    let mut pieces = Vec::new();
    let mut regs = Vec::new();
    let mut instances = Vec::new();
    for c in &children {
        let scope = &c.node.scope;
        match &c.kind {
            ChildKind::Reg { reset } => {
                let q = format!("{scope}$q");
                let d = format!("{scope}$d");
                let w = b.nets[&q].width;
                let d_net = match feeds.get(&d) {
                    Some(src) => net_of(&b, src),
                    None => {
                        decls.push(format!("    logic {}{};\n", range(w), net_of(&b, &d)));
                        net_of(&b, &d)
                    }
                };
                if !alias.contains_key(&q) {
                    decls.push(format!("    logic {}{};\n", range(w), net_of(&b, &q)));
                }
                let mut pin = |port: &str| -> String {
                    let flat = format!("{scope}${port}");
                    match feeds.get(&flat) {
                        Some(src) => net_of(&b, src),
                        None => {
                            decls.push(format!("    logic {};\n", net_of(&b, &flat)));
                            net_of(&b, &flat)
                        }
                    }
                };
                let (clock, rst) = (pin("clock"), pin("rst"));
                regs.push(format!(
                    "    always_ff @(posedge {clock}) begin\n        if ({rst}) {q} <= {r};\n        else {q} <= {d};\n    end\n",
                    q = net_of(&b, &q),
                    d = d_net,
                    r = literal(*reset, Some(w)),
                ));
            }
            ChildKind::Blackbox(_) | ChildKind::Module => {
                let mut connections = Vec::new();
                for p in c.node.ports() {
                    let flat = format!("{scope}${}", p.name);
                    let net = match feeds.get(&flat) {
                        Some(src) => net_of(&b, src),
                        None => {
                            if !alias.contains_key(&flat) {
                                decls.push(format!(
                                    "    logic {}{};\n",
                                    range(p.width),
                                    net_of(&b, &flat)
                                ));
                            }
                            net_of(&b, &flat)
                        }
                    };
                    connections.push((sv_name(&p.name), net));
                }
                instances.push(Instance {
                    node: c.id,
                    name: sv_name(scope),
                    connections,
                });
            }
        }
    }
    if !decls.is_empty() {
        text += &decls.concat();
        text += "\n";
    }
    pieces.push(Piece::Text(std::mem::take(&mut text)));
    for i in instances {
        pieces.push(Piece::Inst(i));
    }
    if !regs.is_empty() {
        text += &regs.join("\n");
        text += "\n";
    }
    if !comb.is_empty() {
        if shadow_decls.is_empty() {
            text += "    always_comb begin\n";
        } else {
            text += "    always_comb begin : update\n";
            for (_, local, w) in &shadow_decls {
                text += &format!("        logic {}{local};\n", range(*w));
            }
        }
        for l in &comb {
            text += l;
            text += "\n";
        }
        for (flat, local, _) in &shadow_decls {
            text += &format!("        {} = {local};\n", b.nets[flat].sv);
        }
        text += "    end\n";
    }
    pieces.push(Piece::Text(text));
    Ok(Body {
        ports,
        constants,
        pieces,
    })
}
