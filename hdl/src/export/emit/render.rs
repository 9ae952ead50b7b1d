//! Expressions and statements of the IR as SystemVerilog: literals sized to their context,
//! constant indices and slices as plain ranges, and combinational targets that are assigned
//! more than once read through a block-local copy (see `module.rs`).

use super::ir::{Expr, Lit, Op, Stmt};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// How one flat name appears in the module.
#[derive(Debug, Clone)]
pub struct Net {
    pub sv: String,
    pub width: usize,
}

pub struct Names {
    pub nets: HashMap<String, Net>,
    /// Flat names written through a block-local copy: the copy's name.
    pub shadows: HashMap<String, String>,
    /// Flat names the rendered text refers to (for the enum localparams it needs).
    pub used: RefCell<BTreeSet<String>>,
}

/// A literal at `width` bits when its value fits, else at its own size.
pub fn literal(l: Lit, width: Option<usize>) -> String {
    let w = match width {
        Some(w) if l.needed() <= w => w,
        _ => l.bits,
    };
    if w == 1 {
        format!("1'b{}", l.value)
    } else if l.value < 10 {
        format!("{w}'d{}", l.value)
    } else {
        format!("{w}'h{:x}", l.value)
    }
}

impl Names {
    fn net(&self, flat: &str) -> Result<&Net, String> {
        self.nets
            .get(flat)
            .ok_or_else(|| format!("unknown signal `{flat}`"))
    }

    pub fn sig(&self, flat: &str) -> Result<String, String> {
        self.used.borrow_mut().insert(flat.to_string());
        if let Some(s) = self.shadows.get(flat) {
            return Ok(s.clone());
        }
        Ok(self.net(flat)?.sv.clone())
    }

    pub fn width(&self, e: &Expr) -> Option<usize> {
        match e {
            Expr::Sig(n) => self.nets.get(n).map(|n| n.width),
            Expr::Int(_) | Expr::Lit(_) => None,
            Expr::Cast(_, bits) => Some(*bits),
            Expr::Signed(x) | Expr::Unsigned(x) | Expr::Paren(x) => self.width(x),
            Expr::Bin(l, o, r) => {
                if o.is_compare() || matches!(o, Op::LogicalAnd | Op::LogicalOr) {
                    Some(1)
                } else if matches!(o, Op::Shl | Op::Shr) {
                    self.width(l)
                } else {
                    match (self.width(l), self.width(r)) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    }
                }
            }
            Expr::Un(u, x) => {
                if u.is_reduction() {
                    Some(1)
                } else {
                    self.width(x)
                }
            }
            Expr::Index(..) => Some(1),
            Expr::Slice(_, w, _) => Some(*w),
            Expr::IndexReplace(x, _, _) => self.width(x),
        }
    }

    /// A constant position (index, slice offset, shift amount) as a plain number.
    fn position(&self, e: &Expr) -> Result<String, String> {
        match e {
            Expr::Lit(l) => Ok(l.value.to_string()),
            Expr::Int(i) => Ok(i.to_string()),
            other => self.expr(other, None),
        }
    }

    fn constant_position(e: &Expr) -> Option<u128> {
        match e {
            Expr::Lit(l) => Some(l.value),
            Expr::Int(i) if *i >= 0 => Some(*i as u128),
            _ => None,
        }
    }

    /// `e` with literals sized to `ctx` (the width of what it meets).
    pub fn expr(&self, e: &Expr, ctx: Option<usize>) -> Result<String, String> {
        Ok(match e {
            Expr::Sig(n) => self.sig(n)?,
            Expr::Int(i) => i.to_string(),
            Expr::Lit(l) => literal(*l, ctx),
            Expr::Cast(x, bits) => {
                let inner = self.expr(x, None)?;
                match (x.as_ref(), self.width(x)) {
                    (Expr::Lit(l), _) => {
                        let mask = if *bits >= 128 {
                            u128::MAX
                        } else {
                            (1u128 << bits) - 1
                        };
                        literal(
                            Lit {
                                bits: *bits,
                                value: l.value & mask,
                            },
                            Some(*bits),
                        )
                    }
                    (_, Some(w)) if w == *bits => inner,
                    // Zero-extension of the value at its own width, as rust_hdl computes it.
                    (_, Some(w)) if w < *bits => format!("{{{}'d0, {inner}}}", bits - w),
                    (Expr::Sig(_), Some(_)) if *bits == 1 => format!("{inner}[0]"),
                    (Expr::Sig(_), Some(_)) => format!("{inner}[{}:0]", bits - 1),
                    _ => {
                        let mask = if *bits >= 128 {
                            u128::MAX
                        } else {
                            (1u128 << bits) - 1
                        };
                        format!("(({inner}) & {bits}'h{mask:x})")
                    }
                }
            }
            Expr::Signed(x) => format!("$signed({})", self.expr(x, ctx)?),
            Expr::Unsigned(x) => format!("$unsigned({})", self.expr(x, ctx)?),
            Expr::Paren(x) => format!("({})", self.expr(x, ctx)?),
            Expr::Bin(l, o, r) => {
                let (lw, rw) = (self.width(l), self.width(r));
                let (lc, rc) = if matches!(o, Op::LogicalAnd | Op::LogicalOr) {
                    (None, None)
                } else if o.is_compare() {
                    (rw.or(lw), lw.or(rw))
                } else {
                    (rw.or(ctx), lw.or(ctx))
                };
                if matches!(o, Op::Shl | Op::Shr) {
                    format!("{} {} {}", self.expr(l, ctx)?, o.text(), self.position(r)?)
                } else {
                    format!("{} {} {}", self.expr(l, lc)?, o.text(), self.expr(r, rc)?)
                }
            }
            Expr::Un(u, x) => {
                let c = if u.is_reduction() { None } else { ctx };
                format!("{}{}", u.text(), self.expr(x, c)?)
            }
            Expr::Index(x, i) => format!("{}[{}]", self.expr(x, None)?, self.position(i)?),
            Expr::Slice(x, w, off) => {
                let base = self.expr(x, None)?;
                match Self::constant_position(off) {
                    Some(o) if *w == 1 => format!("{base}[{o}]"),
                    Some(o) => format!("{base}[{}:{o}]", o + *w as u128 - 1),
                    None => format!("{base}[{} +: {w}]", self.position(off)?),
                }
            }
            Expr::IndexReplace(x, i, v) => {
                let (x, i, v) = (self.expr(x, None)?, self.position(i)?, self.expr(v, None)?);
                format!("({x} & ~(1 << ({i})) | (({v}) << ({i})))")
            }
        })
    }

    fn case_label(&self, label: &str, width: Option<usize>) -> Result<String, String> {
        if label == "default" {
            return Ok("default".into());
        }
        if let Ok(v) = label.parse::<u128>() {
            return Ok(literal(
                Lit {
                    bits: width.unwrap_or(32),
                    value: v,
                },
                width,
            ));
        }
        self.sig(label)
    }

    /// The statements at `indent` levels, one line per statement head.
    pub fn block(
        &self,
        stmts: &[Stmt],
        indent: usize,
        out: &mut Vec<String>,
    ) -> Result<(), String> {
        for s in stmts {
            self.statement(s, indent, out)?;
        }
        Ok(())
    }

    fn statement(&self, s: &Stmt, indent: usize, out: &mut Vec<String>) -> Result<(), String> {
        let pad = "    ".repeat(indent);
        match s {
            Stmt::Assign(t, v) => {
                let w = self.nets.get(t).map(|n| n.width);
                out.push(format!("{pad}{} = {};", self.sig(t)?, self.expr(v, w)?));
            }
            Stmt::SliceAssign {
                base,
                width,
                offset,
                value,
            } => {
                let range = match Self::constant_position(offset) {
                    Some(o) if *width == 1 => format!("[{o}]"),
                    Some(o) => format!("[{}:{o}]", o + *width as u128 - 1),
                    None => format!("[{} +: {width}]", self.position(offset)?),
                };
                out.push(format!(
                    "{pad}{}{range} = {};",
                    self.sig(base)?,
                    self.expr(value, Some(*width))?
                ));
            }
            Stmt::If(..) => self.conditional(s, indent, &pad, out)?,
            Stmt::Case(test, arms) => {
                let w = self.width(test);
                out.push(format!("{pad}case ({})", self.expr(test, None)?));
                for (label, body) in arms {
                    out.push(format!("{pad}    {}: begin", self.case_label(label, w)?));
                    self.block(body, indent + 2, out)?;
                    out.push(format!("{pad}    end"));
                }
                if !arms.iter().any(|(l, _)| l == "default") {
                    // Every state is listed; the others cannot occur.
                    out.push(format!("{pad}    default: begin"));
                    out.push(format!("{pad}    end"));
                }
                out.push(format!("{pad}endcase"));
            }
            Stmt::Comment(c) => out.push(format!("{pad}// {c}")),
        }
        Ok(())
    }

    /// An `if` and its `else if` chain.
    fn conditional(
        &self,
        s: &Stmt,
        indent: usize,
        pad: &str,
        out: &mut Vec<String>,
    ) -> Result<(), String> {
        let mut cur = s;
        let mut head = format!("{pad}if");
        loop {
            let Stmt::If(test, then, els) = cur else {
                unreachable!()
            };
            out.push(format!("{head} ({}) begin", self.expr(test, None)?));
            self.block(then, indent + 1, out)?;
            match els.as_slice() {
                [] => {
                    out.push(format!("{pad}end"));
                    return Ok(());
                }
                [next @ Stmt::If(..)] => {
                    head = format!("{pad}end else if");
                    cur = next;
                }
                _ => {
                    out.push(format!("{pad}end else begin"));
                    self.block(els, indent + 1, out)?;
                    out.push(format!("{pad}end"));
                    return Ok(());
                }
            }
        }
    }
}
