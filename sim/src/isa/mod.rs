//! The PANTHER instruction set: typed instructions ([`Instr`]), the 64-bit encoding
//! ([`encode`], [`decode`]), the assembler ([`assemble`]) and the disassembler
//! ([`disassemble`]). Reference: docs/isa.md.

pub mod addr;
pub mod asm;
pub mod disasm;
pub mod encoding;
pub mod instr;
pub mod ops;

pub use asm::{assemble, AsmError, AsmErrors, Program};
pub use disasm::{disassemble, disassemble_words};
pub use encoding::{decode, encode, DecodeError};
pub use instr::{Instr, TrainMask};
pub use ops::{AluOp, Arity, IntOp};

#[cfg(test)]
mod tests;
