//! The PANTHER instruction set: typed instructions ([`Instr`]), the 64-bit encoding
//! ([`encode`], [`decode`]), the assembler ([`assemble`]) and the disassembler
//! ([`disassemble`]), all reading one instruction table ([`FORMS`], written in
//! `instr.rs`). Reference: docs/isa.md.

pub mod addr;
pub mod asm;
pub mod disasm;
pub mod encoding;
pub mod form;
pub mod instr;
pub mod ops;

pub use asm::{assemble, AsmError, AsmErrors, Program};
pub use disasm::{disassemble, disassemble_words};
pub use encoding::{decode, encode, DecodeError};
pub use form::Form;
pub use instr::{Instr, TrainMask, FORMS};
pub use ops::{AluOp, Arity, IntOp};

#[cfg(test)]
mod tests;
