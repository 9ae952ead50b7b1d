//! The instruction set as a typed value, and the instruction table that defines it: one
//! row per instruction gives the `Instr` variant, its opcode, mnemonic and operands (see
//! `form.rs`). Core instructions run on a core's pipeline, tile instructions on the tile
//! control unit; their opcodes are disjoint so one decoder serves both.

use super::form::{instruction_table, Field, Form, Unit};
use super::ops::{AluOp, IntOp};
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

// The fields of the 64-bit word (docs/isa.md). Fields of different operands of one
// instruction never overlap, but instructions reuse bits: imm/counter share the r2 bits,
// the train/crs masks the vec/width bits.
pub(super) const OPCODE: Field = Field::bits(59, 5);
// Core format.
const ALUOP: Field = Field::bits(54, 5);
const D1: Field = Field::bits(42, 12);
const R1: Field = Field::bits(30, 12);
const R2: Field = Field::bits(18, 12);
const IMM: Field = Field::bits(14, 16);
const VEC: Field = Field::bits(4, 10).minus(1);
const WIDTH: Field = Field::bits(0, 4).minus(1);
const TRAIN_MCU0: Field = Field::bits(0, 3);
const TRAIN_MCU1: Field = Field::bits(3, 3);
const CRS_MCU0: Field = Field::bits(0, 1);
const CRS_MCU1: Field = Field::bits(1, 1);
// Tile format; bits 12:0 are reserved.
const T_MEM: Field = Field::bits(43, 16);
const T_TILE: Field = Field::bits(35, 8);
const T_WIDTH: Field = Field::bits(31, 4).minus(1);
const T_COUNTER: Field = Field::bits(23, 8);
const T_VEC: Field = Field::bits(13, 10).minus(1);

instruction_table! {
    // ---- core ----
    Nop = 0 "nop" Core,
    /// For each of `vec` iterations k: read `width` words of shared memory at
    /// mem[addr_reg] + k*width into dst + k*width (waits until the words are valid).
    Ld = 1 "ld" Core {
        dst: u16 => "d1" Addr @ D1;
        addr_reg: u16 => "r1" Addr @ R1;
        width: u8 => "width" Width @ WIDTH;
        vec: u16 => "vec" Vec @ VEC;
    },
    /// For each iteration k: write `width` words from src + k*width to shared memory at
    /// mem[addr_reg] + k*width, valid with `counter` future reads (waits until invalid).
    St = 2 "st" Core {
        addr_reg: u16 => "d1" Addr @ D1;
        src: u16 => "r1" Addr @ R1;
        counter: u8 => "counter" Counter @ IMM;
        width: u8 => "width" Width @ WIDTH;
        vec: u16 => "vec" Vec @ VEC;
    },
    /// Copy `vec` words src.. to dst.. (e.g. XbarOut to XbarIn).
    Cp = 3 "cp" Core {
        dst: u16 => "d1" Addr @ D1;
        src: u16 => "r1" Addr @ R1;
        vec: u16 => "vec" Vec @ VEC;
    },
    /// Write the immediate into `vec` words from dst (general registers only).
    Set = 4 "set" Core {
        dst: u16 => "d1" Register @ D1;
        imm: i16 => "imm" Imm @ IMM;
        vec: u16 => "vec" Vec @ VEC;
    },
    /// Vector fixed-point operation; `b` is 0 for unary and reduction operations.
    Alu = 5 "alu" Core {
        op: AluOp => "op" Operation(Alu) @ ALUOP;
        dst: u16 => "d1" Addr @ D1;
        a: u16 => "r1" Addr @ R1;
        b: u16 => "r2" Addr @ R2 if OperationReadsR2;
        vec: u16 => "vec" Vec @ VEC;
    },
    /// Vector operation with an immediate second operand (binary operations only).
    Alui = 6 "alui" Core {
        op: AluOp => "op" Operation(BinaryAlu) @ ALUOP;
        dst: u16 => "d1" Addr @ D1;
        a: u16 => "r1" Addr @ R1;
        imm: i16 => "imm" Imm @ IMM;
        vec: u16 => "vec" Vec @ VEC;
    },
    /// Scalar integer operation on single words.
    AluInt = 7 "alu_int" Core {
        op: IntOp => "op" Operation(Int) @ ALUOP;
        dst: u16 => "d1" Addr @ D1;
        a: u16 => "r1" Addr @ R1;
        b: u16 => "r2" Addr @ R2;
    },
    /// Branch to `target` when the words at a and b are equal.
    Beq = 8 "beq" Core {
        a: u16 => "r1" Addr @ R1;
        b: u16 => "r2" Addr @ R2;
        target: u16 => "target" Target @ D1;
    },
    Jmp = 9 "jmp" Core {
        target: u16 => "target" Target @ D1;
    },
    Hlt = 10 "hlt" Core,
    /// MVM/MTVM/OPA on each MCU (docs/references.md §3).
    Train = 11 "train" Core {
        masks: [TrainMask; 2] =>
            "MCU 0 mask" TrainMask @ TRAIN_MCU0, "MCU 1 mask" TrainMask @ TRAIN_MCU1;
    },
    /// Carry resolution on each MCU whose bit is set.
    Crs = 12 "crs" Core {
        mask: [bool; 2] => "MCU 0 bit" Bit @ CRS_MCU0, "MCU 1 bit" Bit @ CRS_MCU1;
    },
    // ---- tile ----
    /// For each iteration k: read `width` words at mem_addr + k*width (waits until valid,
    /// counts one read) and send them as one packet to tile `dest_tile`.
    Send = 16 "send" Tile {
        mem_addr: u16 => "mem_addr" MemAddr @ T_MEM;
        dest_tile: u8 => "dest_tile" TileId @ T_TILE;
        width: u8 => "width" Width @ T_WIDTH;
        vec: u16 => "vec" Vec @ T_VEC;
    },
    /// For each iteration k: take the next packet from `src_tile` and write its `width`
    /// words at mem_addr + k*width (waits until invalid), valid with `counter` reads.
    Receive = 17 "receive" Tile {
        mem_addr: u16 => "mem_addr" MemAddr @ T_MEM;
        src_tile: u8 => "src_tile" TileId @ T_TILE;
        width: u8 => "width" Width @ T_WIDTH;
        counter: u8 => "counter" Counter @ T_COUNTER;
        vec: u16 => "vec" Vec @ T_VEC;
    },
    /// The tile control unit stops.
    Halt = 18 "halt" Tile,
}

impl Instr {
    pub fn form(&self) -> &'static Form {
        &FORMS[self.form_index()]
    }

    pub fn mnemonic(&self) -> &'static str {
        self.form().mnemonic
    }

    /// True for instructions of the tile control unit.
    pub fn is_tile(&self) -> bool {
        self.form().unit == Unit::Tile
    }

    /// Check every field against its limit; the message names the field and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        self.form()
            .check(&self.operand_values())
            .map_err(|e| e.to_string())
    }
}
