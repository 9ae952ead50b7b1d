//! The instruction set as a typed value. Core instructions run on a core's pipeline, tile
//! instructions on the tile control unit; their opcodes are disjoint so one decoder
//! serves both. Field limits are checked by [`Instr::validate`].

use super::addr::{ADDRESS_SPACE_WORDS, DATA_MEM_BASE};
use super::ops::{AluOp, Arity, IntOp};
use serde::{Deserialize, Serialize};

/// Highest `vec` (10-bit field holding vec - 1).
pub const MAX_VEC: u16 = 1024;
/// Highest ld/st/send/receive width (one 16-word eDRAM bus access / packet).
pub const MAX_WIDTH: u8 = 16;
/// Highest branch target (12-bit field).
pub const MAX_TARGET: u16 = 4095;
/// Tile ids are 8 bits.
pub const MAX_TILE: u8 = 255;

/// Training mask of one MCU: which of MVM, MTVM, OPA run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TrainMask {
    pub mvm: bool,
    pub mtvm: bool,
    pub opa: bool,
}

impl TrainMask {
    pub fn bits(self) -> u8 {
        (self.mvm as u8) << 2 | (self.mtvm as u8) << 1 | self.opa as u8
    }
    pub fn from_bits(b: u8) -> TrainMask {
        TrainMask {
            mvm: b & 4 != 0,
            mtvm: b & 2 != 0,
            opa: b & 1 != 0,
        }
    }
    pub fn any(self) -> bool {
        self.mvm || self.mtvm || self.opa
    }
    /// Assembly form: three characters a b c (MVM, MTVM, OPA), e.g. `101`.
    pub fn text(self) -> String {
        format!("{}{}{}", self.mvm as u8, self.mtvm as u8, self.opa as u8)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Instr {
    // ---- core ----
    Nop,
    /// For each of `vec` iterations k: read `width` words of shared memory at
    /// mem[addr_reg] + k*width into dst + k*width (waits until the words are valid).
    Ld {
        dst: u16,
        addr_reg: u16,
        width: u8,
        vec: u16,
    },
    /// For each iteration k: write `width` words from src + k*width to shared memory at
    /// mem[addr_reg] + k*width, valid with `counter` future reads (waits until invalid).
    St {
        addr_reg: u16,
        src: u16,
        counter: u8,
        width: u8,
        vec: u16,
    },
    /// Copy `vec` words src.. to dst.. (e.g. XbarOut to XbarIn).
    Cp {
        dst: u16,
        src: u16,
        vec: u16,
    },
    /// Write the immediate into `vec` words from dst (general registers only).
    Set {
        dst: u16,
        imm: i16,
        vec: u16,
    },
    /// Vector fixed-point operation; `b` is 0 for unary and reduction operations.
    Alu {
        op: AluOp,
        dst: u16,
        a: u16,
        b: u16,
        vec: u16,
    },
    /// Vector operation with an immediate second operand (binary operations only).
    Alui {
        op: AluOp,
        dst: u16,
        a: u16,
        imm: i16,
        vec: u16,
    },
    /// Scalar integer operation on single words.
    AluInt {
        op: IntOp,
        dst: u16,
        a: u16,
        b: u16,
    },
    /// Branch to `target` when the words at a and b are equal.
    Beq {
        a: u16,
        b: u16,
        target: u16,
    },
    Jmp {
        target: u16,
    },
    Hlt,
    /// MVM/MTVM/OPA on each MCU (reference 3.7).
    Train {
        masks: [TrainMask; 2],
    },
    /// Carry resolution on each MCU whose bit is set.
    Crs {
        mask: [bool; 2],
    },
    // ---- tile ----
    /// For each iteration k: read `width` words at mem_addr + k*width (waits until valid,
    /// counts one read) and send them as one packet to tile `dest_tile`.
    Send {
        mem_addr: u16,
        dest_tile: u8,
        width: u8,
        vec: u16,
    },
    /// For each iteration k: take the next packet from `src_tile` and write its `width`
    /// words at mem_addr + k*width (waits until invalid), valid with `counter` reads.
    Receive {
        mem_addr: u16,
        src_tile: u8,
        width: u8,
        counter: u8,
        vec: u16,
    },
    /// The tile control unit stops.
    Halt,
}

impl Instr {
    pub fn mnemonic(&self) -> &'static str {
        match self {
            Instr::Nop => "nop",
            Instr::Ld { .. } => "ld",
            Instr::St { .. } => "st",
            Instr::Cp { .. } => "cp",
            Instr::Set { .. } => "set",
            Instr::Alu { .. } => "alu",
            Instr::Alui { .. } => "alui",
            Instr::AluInt { .. } => "alu_int",
            Instr::Beq { .. } => "beq",
            Instr::Jmp { .. } => "jmp",
            Instr::Hlt => "hlt",
            Instr::Train { .. } => "train",
            Instr::Crs { .. } => "crs",
            Instr::Send { .. } => "send",
            Instr::Receive { .. } => "receive",
            Instr::Halt => "halt",
        }
    }

    /// True for instructions of the tile control unit.
    pub fn is_tile(&self) -> bool {
        matches!(
            self,
            Instr::Send { .. } | Instr::Receive { .. } | Instr::Halt
        )
    }

    /// Check every field against its limit; the message names the field and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        let addr = |name: &str, v: u16| -> Result<(), String> {
            if v >= ADDRESS_SPACE_WORDS {
                Err(format!(
                    "{name} = {v} is outside the data address space; allowed 0..={}",
                    ADDRESS_SPACE_WORDS - 1
                ))
            } else {
                Ok(())
            }
        };
        let vec = |v: u16| -> Result<(), String> {
            if !(1..=MAX_VEC).contains(&v) {
                Err(format!("vec = {v}; allowed 1..={MAX_VEC}"))
            } else {
                Ok(())
            }
        };
        let width = |v: u8| -> Result<(), String> {
            if !(1..=MAX_WIDTH).contains(&v) {
                Err(format!(
                    "width = {v}; allowed 1..={MAX_WIDTH} (one 16-word access)"
                ))
            } else {
                Ok(())
            }
        };
        let target = |v: u16| -> Result<(), String> {
            if v > MAX_TARGET {
                Err(format!("target = {v}; allowed 0..={MAX_TARGET}"))
            } else {
                Ok(())
            }
        };
        match *self {
            Instr::Nop | Instr::Hlt | Instr::Halt | Instr::Train { .. } | Instr::Crs { .. } => {
                Ok(())
            }
            Instr::Ld {
                dst,
                addr_reg,
                width: w,
                vec: v,
            } => {
                addr("d1", dst)?;
                addr("r1", addr_reg)?;
                width(w)?;
                vec(v)
            }
            Instr::St {
                addr_reg,
                src,
                width: w,
                vec: v,
                ..
            } => {
                addr("d1", addr_reg)?;
                addr("r1", src)?;
                width(w)?;
                vec(v)
            }
            Instr::Cp { dst, src, vec: v } => {
                addr("d1", dst)?;
                addr("r1", src)?;
                vec(v)
            }
            Instr::Set { dst, vec: v, .. } => {
                addr("d1", dst)?;
                if dst < DATA_MEM_BASE {
                    return Err(format!(
                        "set may not target XbarIn/XbarOut: d1 = {dst}; allowed {DATA_MEM_BASE}..={}",
                        ADDRESS_SPACE_WORDS - 1
                    ));
                }
                vec(v)
            }
            Instr::Alu {
                op,
                dst,
                a,
                b,
                vec: v,
            } => {
                addr("d1", dst)?;
                addr("r1", a)?;
                match op.arity() {
                    Arity::Unary | Arity::Reduction if b != 0 => Err(format!(
                        "alu {} takes no r2 (must be 0), found {b}",
                        op.mnemonic()
                    )),
                    _ => addr("r2", b),
                }?;
                vec(v)
            }
            Instr::Alui {
                op, dst, a, vec: v, ..
            } => {
                if !op.allowed_with_immediate() {
                    return Err(format!(
                        "alui takes a binary operation, not `{}`; allowed: {}",
                        op.mnemonic(),
                        binary_alu_ops()
                    ));
                }
                addr("d1", dst)?;
                addr("r1", a)?;
                vec(v)
            }
            Instr::AluInt { dst, a, b, .. } => {
                addr("d1", dst)?;
                addr("r1", a)?;
                addr("r2", b)
            }
            Instr::Beq { a, b, target: t } => {
                addr("r1", a)?;
                addr("r2", b)?;
                target(t)
            }
            Instr::Jmp { target: t } => target(t),
            Instr::Send {
                width: w, vec: v, ..
            } => {
                width(w)?;
                vec(v)
            }
            Instr::Receive {
                width: w, vec: v, ..
            } => {
                width(w)?;
                vec(v)
            }
        }
    }
}

/// Mnemonics of the binary ALU operations (those `alui` accepts).
pub fn binary_alu_ops() -> String {
    AluOp::ALL
        .iter()
        .filter(|o| o.allowed_with_immediate())
        .map(|o| o.mnemonic())
        .collect::<Vec<_>>()
        .join(", ")
}
