//! The text assembly language: one instruction per line, `label:` definitions,
//! `.equ NAME, value` constants, comments from `;`, `#` or `//` to the end of the line.
//! Operands are comma separated expressions: integers (decimal, 0x.., 0b..), decimal
//! fractions (converted to Q4.12 words, round to nearest), constant and label names,
//! joined by `+` and `-`. docs/isa.md describes the operand order of each mnemonic.

use super::form::{all_mnemonics, Form, Kind, Operand, Operations, MAX_OPERANDS};
use super::instr::Instr;
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
    for part in s.split(',') {
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
                total = sign
                    .checked_mul(v)
                    .and_then(|v| total.checked_add(v))
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
        let Some(form) = Form::by_mnemonic(m.text) else {
            self.err(
                line,
                m.col,
                format!(
                    "unknown mnemonic `{}`; allowed: {}",
                    m.text,
                    all_mnemonics()
                ),
            );
            return None;
        };
        let mut values = [0; MAX_OPERANDS];
        let mut ops = ops;
        // The operation comes first and decides which operands follow (alu: r2 or not).
        let mut after_operation = String::new();
        if let Some((selector, set)) = form.selector() {
            let Some((first, rest)) = ops.split_first() else {
                self.err(
                    line,
                    m.col,
                    format!(
                        "`{0}` needs an operation name first, e.g. `{0} add, ...`",
                        m.text
                    ),
                );
                return None;
            };
            values[0] = self.operation(line, form, selector, set, *first)?;
            after_operation = format!(" after the operation name `{}`", first.text);
            ops = rest;
        }
        let expected: Vec<(usize, &Operand)> = form
            .present(&values)
            .filter(|(_, o)| !matches!(o.kind, Kind::Operation(_)))
            .collect();
        if ops.len() != expected.len() {
            let what = if expected.is_empty() {
                "no operands".to_string()
            } else {
                let names: Vec<&str> = expected.iter().map(|(_, o)| o.name).collect();
                format!("{} operands ({})", expected.len(), names.join(", "))
            };
            self.err(
                line,
                m.col,
                format!(
                    "`{}` takes {what}, found {}{after_operation}",
                    m.text,
                    ops.len()
                ),
            );
            return None;
        }
        let mut ok = true;
        for (&tok, (k, operand)) in ops.iter().zip(expected) {
            match self.operand(line, form, operand, tok) {
                Ok(v) => values[k] = v,
                Err(e) => {
                    self.errors.push(e);
                    ok = false;
                }
            }
        }
        ok.then(|| form.instr(&values))
    }

    /// The code of an operation name.
    fn operation(
        &mut self,
        line: usize,
        form: &Form,
        selector: &Operand,
        set: Operations,
        t: Tok,
    ) -> Option<i64> {
        let Some(code) = set.code(t.text) else {
            self.err(
                line,
                t.col,
                format!(
                    "unknown {} operation `{}`; allowed: {}",
                    set.family(),
                    t.text,
                    set.allowed()
                ),
            );
            return None;
        };
        if let Err(e) = form.check_operand(selector, code) {
            self.err(line, t.col, e.to_string());
            return None;
        }
        Some(code)
    }

    /// Parse and range-check one operand; masks and bits are literal digits, everything
    /// else an expression.
    fn operand(
        &self,
        line: usize,
        form: &Form,
        operand: &Operand,
        t: Tok,
    ) -> Result<i64, AsmError> {
        let mk = |message: String| AsmError {
            file: self.file.to_string(),
            line,
            column: t.col,
            message,
        };
        let digits = |n: usize| t.text.len() == n && t.text.chars().all(|c| c == '0' || c == '1');
        let value = match operand.kind {
            Kind::TrainMask if digits(3) => i64::from_str_radix(t.text, 2).expect("binary digits"),
            Kind::TrainMask => {
                return Err(mk(format!(
                    "{} mask `{}` must be 3 bits abc (a = MVM, b = MTVM, c = OPA), e.g. 101",
                    form.mnemonic, t.text
                )))
            }
            Kind::Bit if digits(1) => i64::from(t.text == "1"),
            Kind::Bit => {
                return Err(mk(format!(
                    "{} bit `{}` must be 0 or 1",
                    form.mnemonic, t.text
                )))
            }
            _ => self.eval(t, line)?,
        };
        form.check_operand(operand, value)
            .map_err(|e| mk(e.to_string()))?;
        Ok(value)
    }
}
