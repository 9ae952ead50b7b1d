//! rust_hdl's Verilog AST lowered to a small IR the emitter can analyse: loops unrolled,
//! names resolved to rust_hdl's flat form (`lanes$3$clock`), `$next` dropped.

use rust_hdl::core::ast::{
    VerilogBlock, VerilogBlockOrConditional, VerilogExpression, VerilogLiteral, VerilogOp,
    VerilogOpUnary, VerilogStatement,
};

/// A sized constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lit {
    pub bits: usize,
    pub value: u128,
}

impl Lit {
    /// From rust_hdl's text (`32'h2f`, `3'b101`).
    pub fn parse(text: &str) -> Option<Lit> {
        let (bits, rest) = text.split_once('\'')?;
        let bits = bits.parse().ok()?;
        let radix = match rest.chars().next()? {
            'h' => 16,
            'b' => 2,
            'd' => 10,
            _ => return None,
        };
        let value = u128::from_str_radix(&rest[1..], radix).ok()?;
        Some(Lit { bits, value })
    }

    fn of(l: &VerilogLiteral) -> Result<Lit, String> {
        let t = l.to_string();
        Lit::parse(&t).ok_or_else(|| format!("cannot read rust_hdl literal `{t}`"))
    }

    /// Bits the value needs.
    pub fn needed(self) -> usize {
        (128 - self.value.leading_zeros() as usize).max(1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    LogicalAnd,
    LogicalOr,
    BitXor,
    BitAnd,
    BitOr,
    Shl,
    Shr,
    Eq,
    Lt,
    Le,
    Ne,
    Ge,
    Gt,
}

impl Op {
    pub fn text(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::LogicalAnd => "&&",
            Op::LogicalOr => "||",
            Op::BitXor => "^",
            Op::BitAnd => "&",
            Op::BitOr => "|",
            Op::Shl => "<<",
            Op::Shr => ">>",
            Op::Eq => "==",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Ne => "!=",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }

    pub fn is_compare(self) -> bool {
        matches!(self, Op::Eq | Op::Lt | Op::Le | Op::Ne | Op::Ge | Op::Gt)
    }

    fn of(o: &VerilogOp) -> Op {
        match o {
            VerilogOp::Add => Op::Add,
            VerilogOp::Sub => Op::Sub,
            VerilogOp::Mul => Op::Mul,
            VerilogOp::LogicalAnd => Op::LogicalAnd,
            VerilogOp::LogicalOr => Op::LogicalOr,
            VerilogOp::BitXor => Op::BitXor,
            VerilogOp::BitAnd => Op::BitAnd,
            VerilogOp::BitOr => Op::BitOr,
            VerilogOp::Shl => Op::Shl,
            VerilogOp::Shr => Op::Shr,
            VerilogOp::Eq => Op::Eq,
            VerilogOp::Lt => Op::Lt,
            VerilogOp::Le => Op::Le,
            VerilogOp::Ne => Op::Ne,
            VerilogOp::Ge => Op::Ge,
            VerilogOp::Gt => Op::Gt,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unary {
    Not,
    Neg,
    All,
    Any,
    Xor,
}

impl Unary {
    pub fn text(self) -> &'static str {
        match self {
            Unary::Not => "~",
            Unary::Neg => "-",
            Unary::All => "&",
            Unary::Any => "|",
            Unary::Xor => "^",
        }
    }

    pub fn is_reduction(self) -> bool {
        matches!(self, Unary::All | Unary::Any | Unary::Xor)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A signal, constant or enum value by its flat name.
    Sig(String),
    /// An unrolled loop index.
    Int(i64),
    Lit(Lit),
    /// rust_hdl's `bit_cast`: zero-extend or truncate to `bits`.
    Cast(Box<Expr>, usize),
    Signed(Box<Expr>),
    Unsigned(Box<Expr>),
    Paren(Box<Expr>),
    Bin(Box<Expr>, Op, Box<Expr>),
    Un(Unary, Box<Expr>),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, usize, Box<Expr>),
    IndexReplace(Box<Expr>, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Assign(String, Expr),
    SliceAssign {
        base: String,
        width: usize,
        offset: Expr,
        value: Expr,
    },
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// Labels are flat names of enum values, numbers, or `default`.
    Case(Expr, Vec<(String, Vec<Stmt>)>),
    Comment(String),
}

impl Stmt {
    /// Every signal this statement (and what it contains) assigns, once per assignment.
    pub fn targets<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Stmt::Assign(t, _) => out.push(t),
            Stmt::SliceAssign { base, .. } => out.push(base),
            Stmt::If(_, a, b) => a.iter().chain(b).for_each(|s| s.targets(out)),
            Stmt::Case(_, arms) => arms
                .iter()
                .flat_map(|(_, b)| b)
                .for_each(|s| s.targets(out)),
            Stmt::Comment(_) => {}
        }
    }
}

struct Lower {
    loops: Vec<(String, i64)>,
}

impl Lower {
    fn eval(&self, text: &str) -> Result<i64, String> {
        let mut ctx = evalexpr::HashMapContext::new();
        for (v, x) in &self.loops {
            use evalexpr::ContextWithMutableVariables;
            ctx.set_value(v.clone(), (*x).into())
                .map_err(|e| e.to_string())?;
        }
        evalexpr::eval_int_with_context(text, &ctx)
            .map_err(|e| format!("cannot evaluate index `{text}`: {e}"))
    }

    /// rust_hdl's name fix-up: `.a.b[i]$next` -> `a$b$3`.
    fn name(&self, raw: &str) -> Result<Expr, String> {
        if let Some((_, x)) = self.loops.iter().rev().find(|(v, _)| v == raw) {
            return Ok(Expr::Int(*x));
        }
        let mut x = raw.strip_prefix('.').unwrap_or(raw).replace('.', "$");
        x = x.replace("::", "$");
        while let Some(open) = x.find('[') {
            let close = x[open..]
                .find(']')
                .map(|c| open + c)
                .ok_or_else(|| format!("unbalanced index in `{raw}`"))?;
            let n = self.eval(&x[open + 1..close])?;
            x = format!("{}${n}{}", &x[..open], &x[close + 1..]);
        }
        let x = x.strip_suffix("$next").unwrap_or(&x).to_string();
        Ok(Expr::Sig(x))
    }

    fn target(&self, e: &VerilogExpression) -> Result<String, String> {
        match e {
            VerilogExpression::Signal(s) => match self.name(s)? {
                Expr::Sig(n) => Ok(n),
                _ => Err(format!("assignment to loop index `{s}`")),
            },
            other => Err(format!("unsupported assignment target {other:?}")),
        }
    }

    fn expr(&self, e: &VerilogExpression) -> Result<Expr, String> {
        let b = |x: &VerilogExpression| self.expr(x).map(Box::new);
        Ok(match e {
            VerilogExpression::Signal(s) => self.name(s)?,
            VerilogExpression::Literal(l) => Expr::Lit(Lit::of(l)?),
            VerilogExpression::Cast(x, bits) => Expr::Cast(b(x)?, *bits),
            VerilogExpression::Signed(x) => Expr::Signed(b(x)?),
            VerilogExpression::Unsigned(x) => Expr::Unsigned(b(x)?),
            VerilogExpression::Paren(x) => Expr::Paren(b(x)?),
            VerilogExpression::Binary(l, o, r) => Expr::Bin(b(l)?, Op::of(o), b(r)?),
            VerilogExpression::Unary(o, x) => Expr::Un(
                match o {
                    VerilogOpUnary::Not => Unary::Not,
                    VerilogOpUnary::Neg => Unary::Neg,
                    VerilogOpUnary::All => Unary::All,
                    VerilogOpUnary::Any => Unary::Any,
                    VerilogOpUnary::Xor => Unary::Xor,
                },
                b(x)?,
            ),
            VerilogExpression::Index(x, i) => Expr::Index(b(x)?, b(i)?),
            VerilogExpression::Slice(x, w, o) => Expr::Slice(b(x)?, *w, b(o)?),
            VerilogExpression::IndexReplace(x, i, v) => Expr::IndexReplace(b(x)?, b(i)?, b(v)?),
        })
    }

    fn block(&mut self, b: &VerilogBlock, out: &mut Vec<Stmt>) -> Result<(), String> {
        for s in b {
            self.statement(s, out)?;
        }
        Ok(())
    }

    fn statement(&mut self, s: &VerilogStatement, out: &mut Vec<Stmt>) -> Result<(), String> {
        match s {
            VerilogStatement::Assignment(t, v) => {
                out.push(Stmt::Assign(self.target(t)?, self.expr(v)?))
            }
            VerilogStatement::SliceAssignment {
                base,
                width,
                offset,
                replacement,
            } => out.push(Stmt::SliceAssign {
                base: self.target(base)?,
                width: *width,
                offset: self.expr(offset)?,
                value: self.expr(replacement)?,
            }),
            VerilogStatement::If(c) => {
                let mut then = Vec::new();
                self.block(&c.then, &mut then)?;
                let mut els = Vec::new();
                match &c.otherwise {
                    VerilogBlockOrConditional::Block(b) => self.block(b, &mut els)?,
                    VerilogBlockOrConditional::Conditional(s) => self.statement(s, &mut els)?,
                    VerilogBlockOrConditional::None => {}
                }
                out.push(Stmt::If(self.expr(&c.test)?, then, els));
            }
            VerilogStatement::Match(m) => {
                let mut arms = Vec::new();
                for c in &m.cases {
                    let label = match self.name(&c.condition)? {
                        Expr::Sig(n) => n,
                        Expr::Int(n) => n.to_string(),
                        _ => c.condition.clone(),
                    };
                    let mut body = Vec::new();
                    self.block(&c.block, &mut body)?;
                    arms.push((label, body));
                }
                out.push(Stmt::Case(self.expr(&m.test)?, arms));
            }
            VerilogStatement::Loop(l) => {
                for i in l.from.as_usize()..l.to.as_usize() {
                    self.loops.push((l.index.clone(), i as i64));
                    let r = self.block(&l.block, out);
                    self.loops.pop();
                    r?;
                }
            }
            VerilogStatement::Comment(c) => out.push(Stmt::Comment(c.clone())),
            VerilogStatement::Macro(b) => self.block(b, out)?,
            VerilogStatement::Link(_) => {
                return Err(
                    "rust_hdl links (`link!`, interfaces) are not supported by the exporter".into(),
                )
            }
        }
        Ok(())
    }
}

/// The statements of one `update` body.
pub fn lower(b: &VerilogBlock) -> Result<Vec<Stmt>, String> {
    let mut l = Lower { loops: Vec::new() };
    let mut out = Vec::new();
    l.block(b, &mut out)?;
    Ok(out)
}
