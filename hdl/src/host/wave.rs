//! VCD waveforms of rust_hdl designs that every viewer reads: state enums are written as
//! numbers (rust_hdl writes them as strings in 0-bit wires, which GTKWave drops), with a
//! GTKWave translate-filter file per enum and a saved view (`.gtkw`) of chosen signals.

use rust_hdl::core::atom::{Atom, AtomKind};
use rust_hdl::core::probe::Probe;
use rust_hdl::core::synth::VCDValue;
use rust_hdl::core::type_descriptor::TypeKind;
use rust_hdl::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;

struct Var {
    code: vcd::IdCode,
    width: u32,
    /// Variant names of an enum (value = index).
    variants: Option<Vec<String>>,
    last: Option<String>,
}

/// Streams changes of every signal of a design (constants left out).
pub struct WaveWriter {
    vcd: vcd::Writer<Box<dyn Write>>,
    vars: BTreeMap<usize, Var>,
    /// Enum type name -> variant names (for translate filters).
    pub enums: BTreeMap<String, Vec<String>>,
    /// Full dotted name -> (width, enum type).
    pub signals: BTreeMap<String, (u32, Option<String>)>,
    error: Option<std::io::Error>,
}

fn enum_width(n: usize) -> u32 {
    (usize::BITS - n.saturating_sub(1).leading_zeros()).max(1)
}

struct Header<'a> {
    w: &'a mut WaveWriter,
    path: Vec<String>,
}

impl Probe for Header<'_> {
    fn visit_start_scope(&mut self, name: &str, _node: &dyn Block) {
        self.path.push(name.to_string());
        let _ = self.w.vcd.add_module(name);
    }
    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        self.visit_start_scope(name, _node);
    }
    fn visit_atom(&mut self, name: &str, a: &dyn Atom) {
        if matches!(a.kind(), AtomKind::Constant) {
            return;
        }
        let d = a.descriptor();
        let (width, variants) = match &d.kind {
            TypeKind::Bits(w) | TypeKind::Signed(w) => (*w as u32, None),
            // rust_hdl names variants `Type::Name` but writes values as `Name`.
            TypeKind::Enum(v) => (
                enum_width(v.len()),
                Some(
                    v.iter()
                        .map(|n| n.rsplit("::").next().unwrap_or(n).to_string())
                        .collect::<Vec<_>>(),
                ),
            ),
            TypeKind::Composite(_) => return,
        };
        let Ok(code) = self.w.vcd.add_wire(width, name) else {
            return;
        };
        let full = format!("{}.{name}", self.path.join("."));
        let enum_name = variants.as_ref().map(|v| {
            self.w.enums.insert(d.name.clone(), v.clone());
            d.name.clone()
        });
        self.w.signals.insert(full, (width, enum_name));
        self.w.vars.insert(
            a.id(),
            Var {
                code,
                width,
                variants,
                last: None,
            },
        );
    }
    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        self.path.pop();
        let _ = self.w.vcd.upscope();
    }
    fn visit_end_scope(&mut self, name: &str, node: &dyn Block) {
        self.visit_end_namespace(name, node);
    }
}

struct Changes<'a>(&'a mut WaveWriter);

/// A probed value as VCD bits (MSB first); None for strings (enums).
pub fn bits_of(v: &VCDValue) -> Option<String> {
    match v {
        VCDValue::Single(s) => Some(s.to_string()),
        VCDValue::Vector(vs) => Some(vs.iter().map(|b| b.to_string()).collect()),
        _ => None,
    }
}

impl Probe for Changes<'_> {
    fn visit_atom(&mut self, _name: &str, a: &dyn Atom) {
        let w = &mut *self.0;
        let Some(var) = w.vars.get_mut(&a.id()) else {
            return;
        };
        let value = match (&var.variants, a.vcd()) {
            (Some(names), VCDValue::String(s)) => match names.iter().position(|n| *n == s) {
                Some(i) => format!("{:0width$b}", i, width = var.width as usize),
                None => "x".repeat(var.width as usize),
            },
            (_, v) => match bits_of(&v) {
                Some(b) => b,
                None => return,
            },
        };
        if var.last.as_deref() == Some(value.as_str()) {
            return;
        }
        let vals = value.chars().map(|c| match c {
            '1' => vcd::Value::V1,
            '0' => vcd::Value::V0,
            'z' | 'Z' => vcd::Value::Z,
            _ => vcd::Value::X,
        });
        let r = if var.width == 1 && var.variants.is_none() {
            w.vcd
                .change_scalar(var.code, vals.into_iter().next().unwrap_or(vcd::Value::X))
        } else {
            w.vcd.change_vector(var.code, vals)
        };
        if let Err(e) = r {
            w.error.get_or_insert(e);
        }
        var.last = Some(value);
    }
}

impl WaveWriter {
    /// Declare every signal of `uut` (top scope `scope`, 1 ps timescale).
    pub fn new<B: Block>(out: Box<dyn Write>, scope: &str, uut: &B) -> std::io::Result<WaveWriter> {
        let mut w = WaveWriter {
            vcd: vcd::Writer::new(out),
            vars: BTreeMap::new(),
            enums: BTreeMap::new(),
            signals: BTreeMap::new(),
            error: None,
        };
        w.vcd.timescale(1, vcd::TimescaleUnit::PS)?;
        uut.accept(
            scope,
            &mut Header {
                w: &mut w,
                path: Vec::new(),
            },
        );
        w.vcd.enddefinitions()?;
        Ok(w)
    }

    /// Record the values at time `ps` (only signals that changed are written).
    pub fn sample<B: Block>(&mut self, ps: u64, uut: &B) -> std::io::Result<()> {
        self.vcd.timestamp(ps)?;
        // Changes are matched by atom id: the scope name plays no part.
        uut.accept("", &mut Changes(self));
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.vcd.flush()
    }

    /// GTKWave translate filter of one enum: `value name` lines.
    pub fn filter_text(variants: &[String]) -> String {
        variants
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{i} {n}\n"))
            .collect()
    }

    /// A GTKWave view of `signals` (dotted names; enums through `filters[enum]`).
    pub fn gtkw(
        &self,
        dumpfile: &str,
        signals: &[&str],
        filters: &BTreeMap<String, String>,
    ) -> String {
        let mut s = format!("[dumpfile] \"{dumpfile}\"\n[timestart] 0\n*-12.000000 0 -1\n");
        let mut n = 0;
        for name in signals {
            let Some((width, e)) = self.signals.get(*name) else {
                continue;
            };
            let shown = if *width > 1 || e.is_some() {
                format!("{name}[{}:0]", width - 1)
            } else {
                name.to_string()
            };
            match e.as_ref().and_then(|e| filters.get(e)) {
                Some(f) => {
                    n += 1;
                    s += &format!("@2024\n^{n} {f}\n{shown}\n");
                }
                None if *width > 1 => s += &format!("@24\n{shown}\n"),
                None => s += &format!("@28\n{shown}\n"),
            }
        }
        s
    }
}
