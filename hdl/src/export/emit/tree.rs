//! The block tree as rust_hdl's probe walks it: per instance its signals (with kind,
//! width and enum labels), its generated code and its sub-blocks.

use rust_hdl::core::atom::{is_atom_signed, Atom, AtomKind};
use rust_hdl::core::type_descriptor::TypeKind;
use rust_hdl::prelude::{Block, Probe, Verilog};

/// One signal or constant of a block.
#[derive(Debug, Clone)]
pub struct Signal {
    /// rust_hdl's flat name (`drive$0`).
    pub name: String,
    pub kind: AtomKind,
    pub width: usize,
    pub signed: bool,
    /// The value as rust_hdl writes it (`10'h3`): what a constant holds.
    pub literal: String,
    /// `Type::Label` of each state of an enum signal, in encoding order.
    pub enum_labels: Vec<String>,
}

impl Signal {
    pub fn is_port(&self) -> bool {
        self.kind.is_parameter()
    }

    pub fn is_input(&self) -> bool {
        self.kind == AtomKind::InputParameter
    }
}

/// One instance.
#[derive(Debug)]
pub struct Node {
    /// The instance's field name (`lanes$2`; `top` for the root).
    pub scope: String,
    pub signals: Vec<Signal>,
    pub code: Verilog,
    pub children: Vec<usize>,
}

impl Node {
    pub fn ports(&self) -> impl Iterator<Item = &Signal> {
        self.signals.iter().filter(|s| s.is_port())
    }
}

/// Every instance, the root first.
#[derive(Debug, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

#[derive(Default)]
struct Walk {
    tree: Tree,
    stack: Vec<usize>,
    namespace: Vec<String>,
}

impl Probe for Walk {
    fn visit_start_scope(&mut self, name: &str, node: &dyn Block) {
        let id = self.tree.nodes.len();
        self.tree.nodes.push(Node {
            scope: name.to_string(),
            signals: Vec::new(),
            code: node.hdl(),
            children: Vec::new(),
        });
        if let Some(&parent) = self.stack.last() {
            self.tree.nodes[parent].children.push(id);
        }
        self.stack.push(id);
        self.namespace.clear();
    }

    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        self.namespace.push(name.to_string());
    }

    fn visit_atom(&mut self, name: &str, atom: &dyn Atom) {
        let Some(&id) = self.stack.last() else { return };
        let mut full = self.namespace.clone();
        full.push(name.to_string());
        let d = atom.descriptor();
        let enum_labels = match d.kind {
            TypeKind::Enum(labels) => labels,
            _ => Vec::new(),
        };
        self.tree.nodes[id].signals.push(Signal {
            name: full.join("$"),
            kind: atom.kind(),
            width: atom.bits(),
            signed: is_atom_signed(atom),
            literal: atom.verilog().to_string(),
            enum_labels,
        });
    }

    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        self.namespace.pop();
    }

    fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.stack.pop();
    }
}

/// The tree of `block` (connected).
pub fn collect(block: &dyn Block) -> Tree {
    let mut w = Walk::default();
    block.accept("top", &mut w);
    w.tree
}
