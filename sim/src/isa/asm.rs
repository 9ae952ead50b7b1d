//! The text assembly language: one instruction per line, `label:` definitions,
//! `.equ NAME, value` constants, comments from `;`, `#` or `//` to the end of the line.
//! Operands are comma separated expressions: integers (decimal, 0x.., 0b..), decimal
//! fractions (converted to Q4.12 words, round to nearest), constant and label names,
//! joined by `+` and `-`. docs/isa.md describes the operand order of each mnemonic.

use super::addr::ADDRESS_SPACE_WORDS;
use super::instr::{Instr, TrainMask, MAX_TARGET, MAX_TILE, MAX_VEC, MAX_WIDTH};
use super::ops::{AluOp, Arity, IntOp};
use std::collections::HashMap;
use std::fmt;

/// Fraction bits that decimal literals are converted with.
pub const LITERAL_FRAC_BITS: u32 = 12;

/// `file:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsmError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every error of one assembly run, one per line when displayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsmErrors(pub Vec<AsmError>);

impl fmt::Display for AsmErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, e) in self.0.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AsmErrors {}

/// An assembled program with the source line of every instruction.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub instrs: Vec<Instr>,
    /// 1-based source line of each instruction (0 when decoded from a binary).
    pub lines: Vec<usize>,
}

pub const MNEMONICS: &str =
    "nop, ld, st, cp, set, alu, alui, alu_int, beq, jmp, hlt, train, crs, send, receive, halt";

/// A piece of a line with its 1-based column.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    text: &'a str,
    col: usize,
}

fn strip_comment(line: &str) -> &str {
    let mut end = line.len();
    for pat in [";", "#", "//"] {
        if let Some(p) = line.find(pat) {
            end = end.min(p);
        }
    }
    &line[..end]
}

/// Split at commas, trimming, keeping columns.
fn split_operands(s: &str, base_col: usize) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (k, part) in s.split(',').enumerate() {
        let _ = k;
        let lead = part.len() - part.trim_start().len();
        out.push(Tok {
            text: part.trim(),
            col: base_col + start + lead,
        });
        start += part.len() + 1;
    }
    if out.len() == 1 && out[0].text.is_empty() {
        out.clear();
    }
    out
}

fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.')
}

struct Assembler<'a> {
    file: &'a str,
    symbols: HashMap<String, i64>,
    errors: Vec<AsmError>,
}

impl Assembler<'_> {
    fn err(&mut self, line: usize, col: usize, message: String) {
        self.errors.push(AsmError {
            file: self.file.to_string(),
            line,
            column: col,
            message,
        });
    }

    /// Evaluate `term (+|- term)*`.
    fn eval(&self, tok: Tok, line: usize) -> Result<i64, AsmError> {
        let mk = |col: usize, message: String| AsmError {
            file: self.file.to_string(),
            line,
            column: col,
            message,
        };
        let s = tok.text;
        if s.is_empty() {
            return Err(mk(tok.col, "missing operand (empty between commas)".into()));
        }
        let mut total: i64 = 0;
        let mut sign = 1i64;
        let mut pos = 0usize;
        let bytes = s.as_bytes();
        let mut expect_term = true;
        while pos < bytes.len() {
            let c = bytes[pos] as char;
            if c.is_whitespace() {
                pos += 1;
                continue;
            }
            if expect_term {
                if c == '-' || c == '+' {
                    if c == '-' {
                        sign = -sign;
                    }
                    pos += 1;
                    continue;
                }
                let start = pos;
                while pos < bytes.len() && !matches!(bytes[pos] as char, '+' | '-' | ' ' | '\t') {
                    pos += 1;
                }
                let term = &s[start..pos];
                let v = self.term(term).map_err(|m| mk(tok.col + start, m))?;
                total = total
                    .checked_add(sign * v)
                    .ok_or_else(|| mk(tok.col + start, "expression overflows".into()))?;
                sign = 1;
                expect_term = false;
            } else {
                match c {
                    '+' => sign = 1,
                    '-' => sign = -1,
                    _ => {
                        return Err(mk(
                            tok.col + pos,
                            format!("expected `+` or `-`, found `{c}`"),
                        ))
                    }
                }
                pos += 1;
                expect_term = true;
            }
        }
        if expect_term {
            return Err(mk(
                tok.col + s.len(),
                "expression ends with an operator".into(),
            ));
        }
        Ok(total)
    }

    fn term(&self, t: &str) -> Result<i64, String> {
        let bad = || {
            format!("`{t}` is not a number or a defined name; allowed: integers (12, 0x1f, 0b101), decimals (0.25, Q4.12), .equ constants, labels")
        };
        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            return i64::from_str_radix(h, 16).map_err(|_| bad());
        }
        if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
            return i64::from_str_radix(b, 2).map_err(|_| bad());
        }
        if t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            if t.contains('.') {
                let v: f64 = t.parse().map_err(|_| bad())?;
                return Ok((v * (1u64 << LITERAL_FRAC_BITS) as f64).round() as i64);
            }
            return t.parse::<i64>().map_err(|_| bad());
        }
        if is_name(t) {
            return self.symbols.get(t).copied().ok_or_else(|| {
                format!(
                    "undefined name `{t}`; define it with `.equ {t}, value` or as a label `{t}:`"
                )
            });
        }
        Err(bad())
    }
}

/// What one operand of a mnemonic is, with its range.
#[derive(Clone, Copy)]
enum Kind {
    Addr(&'static str),
    Vec,
    Width,
    Counter,
    Imm,
    Target,
    Tile(&'static str),
    MemAddr,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Addr(n) => n,
            Kind::Vec => "vec",
            Kind::Width => "width",
            Kind::Counter => "counter",
            Kind::Imm => "imm",
            Kind::Target => "target",
            Kind::Tile(n) => n,
            Kind::MemAddr => "mem_addr",
        }
    }
    fn range(self) -> (i64, i64) {
        match self {
            Kind::Addr(_) => (0, ADDRESS_SPACE_WORDS as i64 - 1),
            Kind::Vec => (1, MAX_VEC as i64),
            Kind::Width => (1, MAX_WIDTH as i64),
            Kind::Counter => (0, 255),
            Kind::Imm => (-32768, 65535),
            Kind::Target => (0, MAX_TARGET as i64),
            Kind::Tile(_) => (0, MAX_TILE as i64),
            Kind::MemAddr => (0, 65535),
        }
    }
}

fn signature(m: &str) -> Option<&'static [Kind]> {
    use Kind::*;
    Some(match m {
        "nop" | "hlt" | "halt" => &[],
        "ld" => &[Addr("d1"), Addr("r1"), Width, Vec],
        "st" => &[Addr("d1"), Addr("r1"), Counter, Width, Vec],
        "cp" => &[Addr("d1"), Addr("r1"), Vec],
        "set" => &[Addr("d1"), Imm, Vec],
        "beq" => &[Addr("r1"), Addr("r2"), Target],
        "jmp" => &[Target],
        "send" => &[MemAddr, Tile("dest_tile"), Width, Vec],
        "receive" => &[MemAddr, Tile("src_tile"), Width, Counter, Vec],
        _ => return None,
    })
}

fn operand_list(kinds: &[Kind]) -> String {
    kinds
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Assemble source text; `file` names the source in messages.
pub fn assemble(src: &str, file: &str) -> Result<Program, AsmErrors> {
    let mut a = Assembler {
        file,
        symbols: HashMap::new(),
        errors: Vec::new(),
    };
    // Pass 1: labels (instruction indices) and constants, in source order.
    struct Pending<'s> {
        line: usize,
        mnemonic: Tok<'s>,
        rest: &'s str,
        rest_col: usize,
    }
    let mut pending = Vec::new();
    for (ln, raw) in src.lines().enumerate() {
        let line = ln + 1;
        let code = strip_comment(raw);
        let mut body = code;
        let mut col = 1;
        // Labels: `name:` (several allowed) before an optional instruction.
        loop {
            let trimmed = body.trim_start();
            let lead = body.len() - trimmed.len();
            let Some(colon) = trimmed.find(':') else {
                break;
            };
            let name = trimmed[..colon].trim_end();
            if !is_name(name) || name.contains(char::is_whitespace) {
                break;
            }
            let at = col + lead;
            if a.symbols.contains_key(name) {
                a.err(
                    line,
                    at,
                    format!("`{name}` is already defined; names must be unique"),
                );
            } else {
                a.symbols.insert(name.to_string(), pending.len() as i64);
            }
            col += lead + colon + 1;
            body = &trimmed[colon + 1..];
        }
        let trimmed = body.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        col += body.len() - trimmed.len();
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let mnemonic = Tok {
            text: &trimmed[..end],
            col,
        };
        let rest = &trimmed[end..];
        let rest_col = col + end;
        if mnemonic.text == ".equ" {
            let ops = equ_operands(rest, rest_col);
            if ops.len() != 2 || !is_name(ops[0].text) {
                a.err(
                    line,
                    col,
                    "`.equ` takes a name and a value: `.equ NAME, value`".into(),
                );
                continue;
            }
            match a.eval(ops[1], line) {
                Ok(v) => {
                    if a.symbols.contains_key(ops[0].text) {
                        a.err(
                            line,
                            ops[0].col,
                            format!("`{}` is already defined; names must be unique", ops[0].text),
                        );
                    } else {
                        a.symbols.insert(ops[0].text.to_string(), v);
                    }
                }
                Err(e) => a.errors.push(e),
            }
            continue;
        }
        if mnemonic.text.starts_with('.') {
            a.err(
                line,
                col,
                format!("unknown directive `{}`; allowed: .equ", mnemonic.text),
            );
            continue;
        }
        pending.push(Pending {
            line,
            mnemonic,
            rest,
            rest_col,
        });
    }
    // Pass 2: instructions.
    let mut prog = Program {
        instrs: Vec::new(),
        lines: Vec::new(),
    };
    for p in &pending {
        let ops = split_operands(p.rest, p.rest_col);
        if let Some(ins) = a.instruction(p.line, p.mnemonic, &ops) {
            prog.instrs.push(ins);
            prog.lines.push(p.line);
        }
    }
    if a.errors.is_empty() {
        Ok(prog)
    } else {
        Err(AsmErrors(a.errors))
    }
}

/// `.equ NAME, value` or `.equ NAME value`.
fn equ_operands(rest: &str, col: usize) -> Vec<Tok<'_>> {
    let ops = split_operands(rest, col);
    if ops.len() == 1 {
        let t = ops[0];
        if let Some(sp) = t.text.find(char::is_whitespace) {
            let value = t.text[sp..].trim_start();
            let vcol = t.col + t.text.len() - value.len();
            return vec![
                Tok {
                    text: &t.text[..sp],
                    col: t.col,
                },
                Tok {
                    text: value,
                    col: vcol,
                },
            ];
        }
    }
    ops
}

impl Assembler<'_> {
    fn instruction(&mut self, line: usize, m: Tok, ops: &[Tok]) -> Option<Instr> {
        let ins = match m.text {
            "alu" | "alui" | "alu_int" => self.alu_family(line, m, ops)?,
            "train" => {
                if ops.len() != 2 {
                    self.err(
                        line,
                        m.col,
                        format!("`train` takes 2 masks (MCU 0, MCU 1), found {}", ops.len()),
                    );
                    return None;
                }
                let mut masks = [TrainMask::default(); 2];
                for (k, t) in ops.iter().enumerate() {
                    let ok = t.text.len() == 3 && t.text.chars().all(|c| c == '0' || c == '1');
                    if !ok {
                        self.err(line, t.col, format!("train mask `{}` must be 3 bits abc (a = MVM, b = MTVM, c = OPA), e.g. 101", t.text));
                        return None;
                    }
                    masks[k] = TrainMask::from_bits(u8::from_str_radix(t.text, 2).expect("bits"));
                }
                Instr::Train { masks }
            }
            "crs" => {
                if ops.len() != 2 {
                    self.err(
                        line,
                        m.col,
                        format!("`crs` takes 2 bits (MCU 0, MCU 1), found {}", ops.len()),
                    );
                    return None;
                }
                let mut mask = [false; 2];
                for (k, t) in ops.iter().enumerate() {
                    match t.text {
                        "0" => mask[k] = false,
                        "1" => mask[k] = true,
                        _ => {
                            self.err(line, t.col, format!("crs bit `{}` must be 0 or 1", t.text));
                            return None;
                        }
                    }
                }
                Instr::Crs { mask }
            }
            other => {
                let Some(kinds) = signature(other) else {
                    self.err(
                        line,
                        m.col,
                        format!("unknown mnemonic `{other}`; allowed: {MNEMONICS}"),
                    );
                    return None;
                };
                let v = self.operands(line, m, ops, kinds)?;
                match other {
                    "nop" => Instr::Nop,
                    "hlt" => Instr::Hlt,
                    "halt" => Instr::Halt,
                    "ld" => Instr::Ld {
                        dst: v[0] as u16,
                        addr_reg: v[1] as u16,
                        width: v[2] as u8,
                        vec: v[3] as u16,
                    },
                    "st" => Instr::St {
                        addr_reg: v[0] as u16,
                        src: v[1] as u16,
                        counter: v[2] as u8,
                        width: v[3] as u8,
                        vec: v[4] as u16,
                    },
                    "cp" => Instr::Cp {
                        dst: v[0] as u16,
                        src: v[1] as u16,
                        vec: v[2] as u16,
                    },
                    "set" => Instr::Set {
                        dst: v[0] as u16,
                        imm: v[1] as u16 as i16,
                        vec: v[2] as u16,
                    },
                    "beq" => Instr::Beq {
                        a: v[0] as u16,
                        b: v[1] as u16,
                        target: v[2] as u16,
                    },
                    "jmp" => Instr::Jmp {
                        target: v[0] as u16,
                    },
                    "send" => Instr::Send {
                        mem_addr: v[0] as u16,
                        dest_tile: v[1] as u8,
                        width: v[2] as u8,
                        vec: v[3] as u16,
                    },
                    "receive" => Instr::Receive {
                        mem_addr: v[0] as u16,
                        src_tile: v[1] as u8,
                        width: v[2] as u8,
                        counter: v[3] as u8,
                        vec: v[4] as u16,
                    },
                    _ => unreachable!("signature() covers exactly these"),
                }
            }
        };
        if let Err(msg) = ins.validate() {
            self.err(line, m.col, msg);
            return None;
        }
        Some(ins)
    }

    /// Evaluate and range-check operands against their kinds.
    fn operands(&mut self, line: usize, m: Tok, ops: &[Tok], kinds: &[Kind]) -> Option<Vec<i64>> {
        if ops.len() != kinds.len() {
            let what = if kinds.is_empty() {
                "no operands".to_string()
            } else {
                format!("{} operands ({})", kinds.len(), operand_list(kinds))
            };
            self.err(
                line,
                m.col,
                format!("`{}` takes {what}, found {}", m.text, ops.len()),
            );
            return None;
        }
        let mut out = Vec::with_capacity(ops.len());
        let mut ok = true;
        for (t, k) in ops.iter().zip(kinds) {
            match self.eval(*t, line) {
                Ok(v) => {
                    let (lo, hi) = k.range();
                    if !(lo..=hi).contains(&v) {
                        self.err(
                            line,
                            t.col,
                            format!("{} = {v} is out of range; allowed {lo}..={hi}", k.name()),
                        );
                        ok = false;
                    }
                    out.push(v);
                }
                Err(e) => {
                    self.errors.push(e);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn alu_family(&mut self, line: usize, m: Tok, ops: &[Tok]) -> Option<Instr> {
        let Some(first) = ops.first() else {
            self.err(
                line,
                m.col,
                format!(
                    "`{}` needs an operation name first, e.g. `{} add, ...`",
                    m.text, m.text
                ),
            );
            return None;
        };
        use Kind::*;
        if m.text == "alu_int" {
            let Some(op) = IntOp::from_mnemonic(first.text) else {
                self.err(
                    line,
                    first.col,
                    format!(
                        "unknown alu_int operation `{}`; allowed: {}",
                        first.text,
                        IntOp::allowed()
                    ),
                );
                return None;
            };
            let v = self.operands(line, m, &ops[1..], &[Addr("d1"), Addr("r1"), Addr("r2")])?;
            return Some(Instr::AluInt {
                op,
                dst: v[0] as u16,
                a: v[1] as u16,
                b: v[2] as u16,
            });
        }
        let Some(op) = AluOp::from_mnemonic(first.text) else {
            self.err(
                line,
                first.col,
                format!(
                    "unknown alu operation `{}`; allowed: {}",
                    first.text,
                    AluOp::allowed()
                ),
            );
            return None;
        };
        if m.text == "alui" {
            if !op.allowed_with_immediate() {
                self.err(
                    line,
                    first.col,
                    format!(
                        "alui takes a binary operation, not `{}`; allowed: {}",
                        op.mnemonic(),
                        super::instr::binary_alu_ops()
                    ),
                );
                return None;
            }
            let v = self.operands(line, m, &ops[1..], &[Addr("d1"), Addr("r1"), Imm, Vec])?;
            return Some(Instr::Alui {
                op,
                dst: v[0] as u16,
                a: v[1] as u16,
                imm: v[2] as u16 as i16,
                vec: v[3] as u16,
            });
        }
        match op.arity() {
            Arity::Unary | Arity::Reduction => {
                let v = self.operands(line, m, &ops[1..], &[Addr("d1"), Addr("r1"), Vec]);
                let v = self.with_op_hint(v, line, m, op)?;
                Some(Instr::Alu {
                    op,
                    dst: v[0] as u16,
                    a: v[1] as u16,
                    b: 0,
                    vec: v[2] as u16,
                })
            }
            Arity::Binary | Arity::Broadcast => {
                let v = self.operands(
                    line,
                    m,
                    &ops[1..],
                    &[Addr("d1"), Addr("r1"), Addr("r2"), Vec],
                );
                let v = self.with_op_hint(v, line, m, op)?;
                Some(Instr::Alu {
                    op,
                    dst: v[0] as u16,
                    a: v[1] as u16,
                    b: v[2] as u16,
                    vec: v[3] as u16,
                })
            }
        }
    }

    /// Name the operation in an operand-count error, since the count depends on it.
    fn with_op_hint(
        &mut self,
        v: Option<Vec<i64>>,
        _line: usize,
        m: Tok,
        op: AluOp,
    ) -> Option<Vec<i64>> {
        if v.is_none() {
            if let Some(last) = self.errors.last_mut() {
                if last.column == m.col && last.message.contains("takes") {
                    last.message = format!(
                        "{} after the operation name `{}`",
                        last.message,
                        op.mnemonic()
                    );
                }
            }
        }
        v
    }
}
