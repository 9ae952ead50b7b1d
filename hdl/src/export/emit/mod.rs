//! Our own SystemVerilog emitter for a rust_hdl block tree (rust_hdl's generator writes one
//! module per instance and per register, `$` in every name, literals sized by value and
//! combinational blocks that glitch under event-driven simulators):
//! - one module per distinct body; constants that differ between instances become
//!   parameters, the others localparams;
//! - names without `$` (`lanes$3` -> `lanes_3`), ANSI ports, `always_ff` / `always_comb`;
//! - registers ([`crate::rtl::reg::Reg`]) inline with their synchronous reset;
//! - plain connections as port connections, so clocks and resets are ports all the way.

pub mod ir;
pub mod module;
pub mod render;
pub mod tree;

use super::ports::{Dir, Port};
use module::{body, child_kind, port_lines, sv_name, Body, ChildKind, Piece};
use rust_hdl::prelude::Block;
use std::collections::HashMap;
use tree::Tree;

/// The emitted design.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// Every module, sub-modules first, the top last.
    pub text: String,
    /// Module names in that order.
    pub modules: Vec<String>,
    /// The top's ports.
    pub ports: Vec<Port>,
}

/// The path of an instance below the top without array indices (`sar_bank_lanes`).
fn path_name(tree: &Tree, parents: &[Option<usize>], id: usize) -> String {
    let mut parts = Vec::new();
    let mut cur = Some(id);
    while let Some(n) = cur {
        if parents[n].is_some() {
            let scope = &tree.nodes[n].scope;
            let base = match scope.split_once('$') {
                Some((b, rest)) if rest.chars().all(|c| c.is_ascii_digit() || c == '$') => b,
                _ => scope.as_str(),
            };
            parts.push(base.to_string());
        }
        cur = parents[n];
    }
    parts.reverse();
    parts.join("_")
}

/// The longest common `_`-word suffix of `names`.
fn common_suffix(names: &[String]) -> String {
    let split: Vec<Vec<&str>> = names.iter().map(|n| n.split('_').collect()).collect();
    let mut out: Vec<&str> = Vec::new();
    for k in 1.. {
        let Some(word) = split[0].len().checked_sub(k).map(|i| split[0][i]) else {
            break;
        };
        if split.iter().all(|s| s.len() >= k && s[s.len() - k] == word) {
            out.push(word);
        } else {
            break;
        }
    }
    out.reverse();
    out.join("_")
}

fn header(name: &str, params: &[String], ports: &[String]) -> String {
    let mut s = format!("module {name}");
    if !params.is_empty() {
        s += &format!(" #(\n    {}\n)", params.join(",\n    "));
    }
    s += &format!(" (\n    {}\n);\n", ports.join(",\n    "));
    s
}

/// The empty declaration of module `name` with the ports of `node` (a black box).
pub fn declaration(name: &str, node: &tree::Node) -> String {
    header(name, &[], &port_lines(node)) + "endmodule\n"
}

/// The ports of `node` as the exported module names them; an error when two rust_hdl
/// names map to one exported name (`x$1` and `x_1`).
pub fn ports(node: &tree::Node) -> Result<Vec<Port>, String> {
    let ports: Vec<Port> = node
        .ports()
        .map(|s| Port {
            name: sv_name(&s.name),
            rtl_name: s.name.clone(),
            dir: if s.is_input() {
                Dir::Input
            } else {
                Dir::Output
            },
            width: s.width as u32,
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for p in &ports {
        if !seen.insert(p.name.as_str()) {
            return Err(format!("two ports map to the exported name `{}`", p.name));
        }
    }
    Ok(ports)
}

/// Emit `block` (connected) as top module `top`.
pub fn emit(block: &dyn Block, top: &str) -> Result<Emitted, String> {
    let tree = tree::collect(block);
    let top_ports = ports(&tree.nodes[0])?;
    if matches!(tree.nodes[0].code, rust_hdl::prelude::Verilog::Blackbox(_)) {
        // The top is external itself (the crossbar): no module of ours.
        return Ok(Emitted {
            text: String::new(),
            modules: Vec::new(),
            ports: top_ports,
        });
    }
    let n = tree.nodes.len();
    let mut parents = vec![None; n];
    for (i, node) in tree.nodes.iter().enumerate() {
        for &c in &node.children {
            parents[c] = Some(i);
        }
    }
    // Bodies of the modules we write, children before parents.
    let mut order = Vec::new();
    fn post(tree: &Tree, id: usize, order: &mut Vec<usize>) -> Result<(), String> {
        for &c in &tree.nodes[id].children {
            if matches!(child_kind(&tree.nodes[c])?, ChildKind::Module) {
                post(tree, c, order)?;
            }
        }
        order.push(id);
        Ok(())
    }
    post(&tree, 0, &mut order)?;
    let mut bodies: HashMap<usize, Body> = HashMap::new();
    // Group by signature: the body with constant names (not values), each instance by its
    // child's group and constant values.
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    let mut signatures: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &id in &order {
        let b = body(&tree, id)?;
        let mut sig = format!("{:?}\n", b.ports);
        for c in &b.constants {
            sig += &format!("const {} {}\n", c.sv, c.width);
        }
        for p in &b.pieces {
            match p {
                Piece::Text(t) => sig += t,
                Piece::Inst(i) => match group_of.get(&i.node) {
                    Some(g) => {
                        let values: Vec<_> =
                            bodies[&i.node].constants.iter().map(|c| c.value).collect();
                        sig += &format!("inst {g} {values:?} {} {:?}\n", i.name, i.connections);
                    }
                    None => sig += &format!("external {} {:?}\n", i.name, i.connections),
                },
            }
        }
        let next = groups.len();
        let g = *signatures.entry(sig).or_insert(next);
        if g == next {
            groups.push(Vec::new());
        }
        groups[g].push(id);
        group_of.insert(id, g);
        bodies.insert(id, b);
    }
    // Names: the common suffix of the members' paths, or the first member's path.
    let mut names: Vec<String> = Vec::new();
    for members in &groups {
        let name = if members.contains(&0) {
            top.to_string()
        } else {
            let paths: Vec<String> = members
                .iter()
                .map(|&m| path_name(&tree, &parents, m))
                .collect();
            let suffix = common_suffix(&paths);
            let base = if suffix.is_empty() {
                paths[0].clone()
            } else {
                suffix
            };
            format!("{top}_{base}")
        };
        names.push(name);
    }
    for g in 0..names.len() {
        if names.iter().filter(|x| **x == names[g]).count() > 1
            || (g > 0 && names[g] == top && !groups[g].contains(&0))
        {
            let first = groups[g][0];
            names[g] = format!("{top}_{}", path_name(&tree, &parents, first));
        }
    }
    for g in 0..names.len() {
        let dup = names[..g].iter().filter(|x| **x == names[g]).count();
        if dup > 0 {
            names[g] = format!("{}_{dup}", names[g]);
        }
    }
    // Parameters: constants whose value differs between a group's instances.
    let mut params: Vec<Vec<bool>> = Vec::new();
    for members in &groups {
        let first = &bodies[&members[0]].constants;
        params.push(
            (0..first.len())
                .map(|k| {
                    members
                        .iter()
                        .any(|m| bodies[m].constants[k].value != first[k].value)
                })
                .collect(),
        );
    }
    let mut text = String::new();
    let mut modules = Vec::new();
    for (g, members) in groups.iter().enumerate() {
        let b = &bodies[&members[0]];
        let mut param_decls = Vec::new();
        let mut local_decls = String::new();
        for (k, c) in b.constants.iter().enumerate() {
            let decl = format!(
                "logic {}{} = {}",
                if c.width == 1 {
                    String::new()
                } else {
                    format!("[{}:0] ", c.width - 1)
                },
                c.sv,
                render::literal(c.value, Some(c.width))
            );
            if params[g][k] {
                param_decls.push(format!("parameter {decl}"));
            } else {
                local_decls += &format!("    localparam {decl};\n");
            }
        }
        let mut s = header(&names[g], &param_decls, &b.ports);
        if !local_decls.is_empty() {
            s += &local_decls;
            s += "\n";
        }
        for p in &b.pieces {
            match p {
                Piece::Text(t) => s += t,
                Piece::Inst(i) => {
                    let child = &tree.nodes[i.node];
                    let module = match child_kind(child)? {
                        ChildKind::Blackbox(name) => name,
                        _ => {
                            let cg = group_of[&i.node];
                            let cb = &bodies[&i.node];
                            let base = &bodies[&groups[cg][0]].constants;
                            let overrides: Vec<String> = cb
                                .constants
                                .iter()
                                .enumerate()
                                .filter(|(k, c)| params[cg][*k] && c.value != base[*k].value)
                                .map(|(_, c)| {
                                    format!(
                                        ".{}({})",
                                        c.sv,
                                        render::literal(c.value, Some(c.width))
                                    )
                                })
                                .collect();
                            if overrides.is_empty() {
                                names[cg].clone()
                            } else {
                                format!("{} #({})", names[cg], overrides.join(", "))
                            }
                        }
                    };
                    let width = i
                        .connections
                        .iter()
                        .map(|(p, _)| p.len())
                        .max()
                        .unwrap_or(0);
                    let conns: Vec<String> = i
                        .connections
                        .iter()
                        .map(|(p, net)| format!("        .{p:<width$} ({net})"))
                        .collect();
                    s += &format!(
                        "    {module} {} (\n{}\n    );\n\n",
                        i.name,
                        conns.join(",\n")
                    );
                }
            }
        }
        s += &format!("endmodule : {}\n\n", names[g]);
        text += &s;
        modules.push(names[g].clone());
    }
    Ok(Emitted {
        text,
        modules,
        ports: top_ports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_hdl::prelude::*;

    /// `x$1` (element 1 of `x`) and the field `x_1` would both be port `x_1`.
    #[derive(LogicBlock)]
    struct Clash {
        pub x: Vec<Signal<In, Bit>>,
        pub x_1: Signal<In, Bit>,
        pub y: Signal<Out, Bit>,
    }

    impl Logic for Clash {
        fn update(&mut self) {}
        fn connect(&mut self) {
            self.y.connect();
        }
    }

    #[test]
    fn two_rust_hdl_names_for_one_exported_port_are_an_error() {
        let mut b = Clash {
            x: vec![Default::default(), Default::default()],
            x_1: Default::default(),
            y: Default::default(),
        };
        b.connect_all();
        let e = emit(&b, "clash").unwrap_err();
        assert!(
            e.contains("two ports map to the exported name `x_1`"),
            "{e}"
        );
    }
}
