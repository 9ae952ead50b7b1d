//! The disassembler: canonical assembly text whose re-assembly gives the same bits.

use super::encoding::{decode, DecodeError};
use super::instr::Instr;
use super::ops::Arity;

/// One instruction as assembly text (numbers only, no labels).
pub fn disassemble(ins: &Instr) -> String {
    match *ins {
        Instr::Nop | Instr::Hlt | Instr::Halt => ins.mnemonic().to_string(),
        Instr::Ld {
            dst,
            addr_reg,
            width,
            vec,
        } => format!("ld {dst}, {addr_reg}, {width}, {vec}"),
        Instr::St {
            addr_reg,
            src,
            counter,
            width,
            vec,
        } => {
            format!("st {addr_reg}, {src}, {counter}, {width}, {vec}")
        }
        Instr::Cp { dst, src, vec } => format!("cp {dst}, {src}, {vec}"),
        Instr::Set { dst, imm, vec } => format!("set {dst}, {imm}, {vec}"),
        Instr::Alu { op, dst, a, b, vec } => match op.arity() {
            Arity::Unary | Arity::Reduction => format!("alu {}, {dst}, {a}, {vec}", op.mnemonic()),
            Arity::Binary | Arity::Broadcast => {
                format!("alu {}, {dst}, {a}, {b}, {vec}", op.mnemonic())
            }
        },
        Instr::Alui {
            op,
            dst,
            a,
            imm,
            vec,
        } => format!("alui {}, {dst}, {a}, {imm}, {vec}", op.mnemonic()),
        Instr::AluInt { op, dst, a, b } => format!("alu_int {}, {dst}, {a}, {b}", op.mnemonic()),
        Instr::Beq { a, b, target } => format!("beq {a}, {b}, {target}"),
        Instr::Jmp { target } => format!("jmp {target}"),
        Instr::Train { masks } => format!("train {}, {}", masks[0].text(), masks[1].text()),
        Instr::Crs { mask } => format!("crs {}, {}", mask[0] as u8, mask[1] as u8),
        Instr::Send {
            mem_addr,
            dest_tile,
            width,
            vec,
        } => format!("send {mem_addr}, {dest_tile}, {width}, {vec}"),
        Instr::Receive {
            mem_addr,
            src_tile,
            width,
            counter,
            vec,
        } => {
            format!("receive {mem_addr}, {src_tile}, {width}, {counter}, {vec}")
        }
    }
}

/// A whole binary as text, one instruction per line with its index as a comment.
/// The error names the word index.
pub fn disassemble_words(words: &[u64]) -> Result<String, String> {
    let mut out = String::new();
    for (pc, &w) in words.iter().enumerate() {
        let ins = decode(w).map_err(|e: DecodeError| format!("word {pc} ({w:#018x}): {e}"))?;
        out.push_str(&format!("{:<40} ; {pc}\n", disassemble(&ins)));
    }
    Ok(out)
}
