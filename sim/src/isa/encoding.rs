//! The fixed 64-bit binary encoding (docs/isa.md has the field tables).
//!
//! Core format: opcode [63:59], aluop [58:54], d1/target [53:42], r1 [41:30],
//! r2 [29:18], imm/counter [29:14] (shares the r2 bits; an opcode uses one of them),
//! vec-1 [13:4], width-1 [3:0], train/crs mask [5:0] (shares the vec/width bits).
//! Tile format: opcode [63:59], mem_addr [58:43], tile [42:35], width-1 [34:31],
//! counter [30:23], vec-1 [22:13], reserved [12:0].
//! Every bit an opcode does not use must be 0; decode rejects anything else so that
//! decode and encode are inverse bijections on valid words.

use super::instr::{Instr, TrainMask};
use super::ops::{AluOp, IntOp};

pub mod opcode {
    pub const NOP: u8 = 0;
    pub const LD: u8 = 1;
    pub const ST: u8 = 2;
    pub const CP: u8 = 3;
    pub const SET: u8 = 4;
    pub const ALU: u8 = 5;
    pub const ALUI: u8 = 6;
    pub const ALU_INT: u8 = 7;
    pub const BEQ: u8 = 8;
    pub const JMP: u8 = 9;
    pub const HLT: u8 = 10;
    pub const TRAIN: u8 = 11;
    pub const CRS: u8 = 12;
    pub const SEND: u8 = 16;
    pub const RECEIVE: u8 = 17;
    pub const HALT: u8 = 18;
}

/// A field: lowest bit and width.
#[derive(Clone, Copy)]
struct Field(u32, u32);

impl Field {
    fn put(self, word: &mut u64, v: u64) {
        debug_assert!(v < 1 << self.1, "value {v} does not fit {} bits", self.1);
        *word |= (v & ((1 << self.1) - 1)) << self.0;
    }
    fn get(self, word: u64) -> u64 {
        (word >> self.0) & ((1 << self.1) - 1)
    }
}

const OPCODE: Field = Field(59, 5);
const ALUOP: Field = Field(54, 5);
const D1: Field = Field(42, 12);
const R1: Field = Field(30, 12);
const R2: Field = Field(18, 12);
const IMM: Field = Field(14, 16);
const VEC: Field = Field(4, 10);
const WIDTH: Field = Field(0, 4);
const MASK: Field = Field(0, 6);

const T_MEM: Field = Field(43, 16);
const T_TILE: Field = Field(35, 8);
const T_WIDTH: Field = Field(31, 4);
const T_COUNTER: Field = Field(23, 8);
const T_VEC: Field = Field(13, 10);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown opcode {0}; allowed 0..=12 (core) and 16..=18 (tile)")]
    UnknownOpcode(u8),
    #[error("unknown {kind} operation code {code}; allowed: {allowed}")]
    UnknownOp {
        kind: &'static str,
        code: u8,
        allowed: String,
    },
    #[error("bits not used by `{mnemonic}` must be 0 (word {word:#018x})")]
    ReservedBits { mnemonic: &'static str, word: u64 },
    #[error("{0}")]
    Invalid(String),
}

/// Encode a valid instruction (see [`Instr::validate`]).
pub fn encode(ins: &Instr) -> u64 {
    let mut w = 0u64;
    let op = |w: &mut u64, c: u8| OPCODE.put(w, c as u64);
    match *ins {
        Instr::Nop => op(&mut w, opcode::NOP),
        Instr::Hlt => op(&mut w, opcode::HLT),
        Instr::Ld {
            dst,
            addr_reg,
            width,
            vec,
        } => {
            op(&mut w, opcode::LD);
            D1.put(&mut w, dst as u64);
            R1.put(&mut w, addr_reg as u64);
            WIDTH.put(&mut w, width as u64 - 1);
            VEC.put(&mut w, vec as u64 - 1);
        }
        Instr::St {
            addr_reg,
            src,
            counter,
            width,
            vec,
        } => {
            op(&mut w, opcode::ST);
            D1.put(&mut w, addr_reg as u64);
            R1.put(&mut w, src as u64);
            IMM.put(&mut w, counter as u64);
            WIDTH.put(&mut w, width as u64 - 1);
            VEC.put(&mut w, vec as u64 - 1);
        }
        Instr::Cp { dst, src, vec } => {
            op(&mut w, opcode::CP);
            D1.put(&mut w, dst as u64);
            R1.put(&mut w, src as u64);
            VEC.put(&mut w, vec as u64 - 1);
        }
        Instr::Set { dst, imm, vec } => {
            op(&mut w, opcode::SET);
            D1.put(&mut w, dst as u64);
            IMM.put(&mut w, imm as u16 as u64);
            VEC.put(&mut w, vec as u64 - 1);
        }
        Instr::Alu {
            op: a,
            dst,
            a: r1,
            b,
            vec,
        } => {
            op(&mut w, opcode::ALU);
            ALUOP.put(&mut w, a.code() as u64);
            D1.put(&mut w, dst as u64);
            R1.put(&mut w, r1 as u64);
            R2.put(&mut w, b as u64);
            VEC.put(&mut w, vec as u64 - 1);
        }
        Instr::Alui {
            op: a,
            dst,
            a: r1,
            imm,
            vec,
        } => {
            op(&mut w, opcode::ALUI);
            ALUOP.put(&mut w, a.code() as u64);
            D1.put(&mut w, dst as u64);
            R1.put(&mut w, r1 as u64);
            IMM.put(&mut w, imm as u16 as u64);
            VEC.put(&mut w, vec as u64 - 1);
        }
        Instr::AluInt {
            op: a,
            dst,
            a: r1,
            b,
        } => {
            op(&mut w, opcode::ALU_INT);
            ALUOP.put(&mut w, a.code() as u64);
            D1.put(&mut w, dst as u64);
            R1.put(&mut w, r1 as u64);
            R2.put(&mut w, b as u64);
        }
        Instr::Beq { a, b, target } => {
            op(&mut w, opcode::BEQ);
            D1.put(&mut w, target as u64);
            R1.put(&mut w, a as u64);
            R2.put(&mut w, b as u64);
        }
        Instr::Jmp { target } => {
            op(&mut w, opcode::JMP);
            D1.put(&mut w, target as u64);
        }
        Instr::Train { masks } => {
            op(&mut w, opcode::TRAIN);
            MASK.put(
                &mut w,
                (masks[0].bits() as u64) | (masks[1].bits() as u64) << 3,
            );
        }
        Instr::Crs { mask } => {
            op(&mut w, opcode::CRS);
            MASK.put(&mut w, mask[0] as u64 | (mask[1] as u64) << 1);
        }
        Instr::Send {
            mem_addr,
            dest_tile,
            width,
            vec,
        } => {
            op(&mut w, opcode::SEND);
            T_MEM.put(&mut w, mem_addr as u64);
            T_TILE.put(&mut w, dest_tile as u64);
            T_WIDTH.put(&mut w, width as u64 - 1);
            T_VEC.put(&mut w, vec as u64 - 1);
        }
        Instr::Receive {
            mem_addr,
            src_tile,
            width,
            counter,
            vec,
        } => {
            op(&mut w, opcode::RECEIVE);
            T_MEM.put(&mut w, mem_addr as u64);
            T_TILE.put(&mut w, src_tile as u64);
            T_WIDTH.put(&mut w, width as u64 - 1);
            T_COUNTER.put(&mut w, counter as u64);
            T_VEC.put(&mut w, vec as u64 - 1);
        }
        Instr::Halt => op(&mut w, opcode::HALT),
    }
    w
}

/// Decode a 64-bit word; rejects unknown opcodes and operations, set reserved bits and
/// out-of-range fields.
pub fn decode(w: u64) -> Result<Instr, DecodeError> {
    let code = OPCODE.get(w) as u8;
    let alu = || {
        let c = ALUOP.get(w) as u8;
        AluOp::from_code(c).ok_or(DecodeError::UnknownOp {
            kind: "alu",
            code: c,
            allowed: AluOp::allowed(),
        })
    };
    let int = || {
        let c = ALUOP.get(w) as u8;
        IntOp::from_code(c).ok_or(DecodeError::UnknownOp {
            kind: "alu_int",
            code: c,
            allowed: IntOp::allowed(),
        })
    };
    let d1 = D1.get(w) as u16;
    let r1 = R1.get(w) as u16;
    let r2 = R2.get(w) as u16;
    let imm = IMM.get(w) as u16;
    let vec = VEC.get(w) as u16 + 1;
    let width = WIDTH.get(w) as u8 + 1;
    let tw = T_WIDTH.get(w) as u8 + 1;
    let tv = T_VEC.get(w) as u16 + 1;
    let ins = match code {
        opcode::NOP => Instr::Nop,
        opcode::HLT => Instr::Hlt,
        opcode::LD => Instr::Ld {
            dst: d1,
            addr_reg: r1,
            width,
            vec,
        },
        opcode::ST => Instr::St {
            addr_reg: d1,
            src: r1,
            counter: imm.min(255) as u8,
            width,
            vec,
        },
        opcode::CP => Instr::Cp {
            dst: d1,
            src: r1,
            vec,
        },
        opcode::SET => Instr::Set {
            dst: d1,
            imm: imm as i16,
            vec,
        },
        opcode::ALU => Instr::Alu {
            op: alu()?,
            dst: d1,
            a: r1,
            b: r2,
            vec,
        },
        opcode::ALUI => Instr::Alui {
            op: alu()?,
            dst: d1,
            a: r1,
            imm: imm as i16,
            vec,
        },
        opcode::ALU_INT => Instr::AluInt {
            op: int()?,
            dst: d1,
            a: r1,
            b: r2,
        },
        opcode::BEQ => Instr::Beq {
            a: r1,
            b: r2,
            target: d1,
        },
        opcode::JMP => Instr::Jmp { target: d1 },
        opcode::TRAIN => {
            let m = MASK.get(w) as u8;
            Instr::Train {
                masks: [TrainMask::from_bits(m & 7), TrainMask::from_bits(m >> 3)],
            }
        }
        opcode::CRS => {
            let m = MASK.get(w) as u8;
            Instr::Crs {
                mask: [m & 1 != 0, m & 2 != 0],
            }
        }
        opcode::SEND => Instr::Send {
            mem_addr: T_MEM.get(w) as u16,
            dest_tile: T_TILE.get(w) as u8,
            width: tw,
            vec: tv,
        },
        opcode::RECEIVE => Instr::Receive {
            mem_addr: T_MEM.get(w) as u16,
            src_tile: T_TILE.get(w) as u8,
            width: tw,
            counter: T_COUNTER.get(w) as u8,
            vec: tv,
        },
        opcode::HALT => Instr::Halt,
        other => return Err(DecodeError::UnknownOpcode(other)),
    };
    // Unused bits (and values the fields cannot carry back, e.g. a 9-bit counter, a crs
    // mask above bit 1) show up as a difference after re-encoding.
    if encode(&ins) != w {
        return Err(DecodeError::ReservedBits {
            mnemonic: ins.mnemonic(),
            word: w,
        });
    }
    ins.validate().map_err(DecodeError::Invalid)?;
    Ok(ins)
}

/// Program binaries are 64-bit little-endian words, no header.
pub fn to_bytes(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

pub fn from_bytes(bytes: &[u8]) -> Result<Vec<u64>, String> {
    if !bytes.len().is_multiple_of(8) {
        return Err(format!(
            "binary length {} is not a multiple of 8 bytes (one 64-bit word per instruction)",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_words() {
        assert_eq!(encode(&Instr::Nop), 0);
        assert_eq!(encode(&Instr::Hlt), 10 << 59);
        let ld = Instr::Ld {
            dst: 1536,
            addr_reg: 1600,
            width: 16,
            vec: 2,
        };
        assert_eq!(encode(&ld), 1 << 59 | 1536 << 42 | 1600 << 30 | 1 << 4 | 15);
        assert_eq!(decode(encode(&ld)), Ok(ld));
    }

    #[test]
    fn reserved_bits_and_unknown_codes_are_rejected() {
        assert!(matches!(
            decode(1),
            Err(DecodeError::ReservedBits {
                mnemonic: "nop",
                ..
            })
        ));
        assert_eq!(decode(13 << 59), Err(DecodeError::UnknownOpcode(13)));
        let bad_alu = (opcode::ALU as u64) << 59 | 31 << 54;
        assert!(matches!(
            decode(bad_alu),
            Err(DecodeError::UnknownOp { code: 31, .. })
        ));
        // d1 = 4000 is beyond the 3584-word address space.
        let bad_addr = (opcode::CP as u64) << 59 | 4000 << 42;
        assert!(
            matches!(decode(bad_addr), Err(DecodeError::Invalid(m)) if m.contains("d1 = 4000"))
        );
    }

    #[test]
    fn byte_images_round_trip_and_reject_ragged_lengths() {
        let words = vec![1u64, u64::MAX, 42];
        assert_eq!(from_bytes(&to_bytes(&words)).unwrap(), words);
        assert!(from_bytes(&[0; 9]).unwrap_err().contains("multiple of 8"));
    }
}
