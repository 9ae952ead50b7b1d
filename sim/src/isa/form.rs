//! What a row of the instruction table ([`FORMS`], written in `instr.rs`) says about one
//! instruction: its mnemonic, opcode and ordered operands, each with a name, a [`Kind`]
//! (range, assembly syntax) and the [`Field`] of the 64-bit word it is stored in. The
//! assembler, disassembler, encoder, decoder and validator read only these rows, so a new
//! instruction is one row (plus its semantics in `crate::arch`).

use super::addr::{ADDRESS_SPACE_WORDS, DATA_MEM_BASE};
use super::encoding::DecodeError;
use super::instr::{Instr, TrainMask, FORMS, MAX_TARGET, MAX_TILE, MAX_VEC, MAX_WIDTH};
use super::ops::{AluOp, IntOp};

/// Bits `low .. low + width` of an instruction word, holding `value - bias`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub low: u32,
    pub width: u32,
    pub bias: i64,
}

impl Field {
    pub const fn bits(low: u32, width: u32) -> Field {
        Field {
            low,
            width,
            bias: 0,
        }
    }

    /// Counts that start at 1 store `value - 1`, so that every bit pattern is a count.
    pub const fn minus(self, bias: i64) -> Field {
        Field { bias, ..self }
    }

    pub fn mask(self) -> u64 {
        ((1u64 << self.width) - 1) << self.low
    }

    /// Two's complement keeps negative values of signed operands in the field's bits.
    pub(super) fn put(self, value: i64) -> u64 {
        ((value - self.bias) as u64) << self.low & self.mask()
    }

    pub(super) fn get(self, word: u64, signed: bool) -> i64 {
        let raw = (word & self.mask()) >> self.low;
        let value = if signed {
            let unused = 64 - self.width;
            ((raw << unused) as i64) >> unused
        } else {
            raw as i64
        };
        value + self.bias
    }
}

/// What an operand holds: its range and how it is written in assembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A core data address.
    Addr,
    /// A general register (data memory); XbarIn/XbarOut are excluded.
    Register,
    Vec,
    /// Words per ld/st/send/receive iteration.
    Width,
    /// Reads left before shared-memory words become invalid (0 = persistent).
    Counter,
    /// A 16-bit word; assembly accepts it signed or unsigned, it is kept signed.
    Imm,
    /// An absolute pc.
    Target,
    TileId,
    /// A tile's shared-memory address.
    MemAddr,
    /// An operation name, which comes first and decides which operands follow.
    Operation(Operations),
    /// MVM/MTVM/OPA of one MCU, written as three bits `abc`.
    TrainMask,
    /// One bit, written `0` or `1`.
    Bit,
}

impl Kind {
    /// Lowest and highest value.
    pub fn range(self) -> (i64, i64) {
        match self {
            Kind::Addr => (0, ADDRESS_SPACE_WORDS as i64 - 1),
            Kind::Register => (DATA_MEM_BASE as i64, ADDRESS_SPACE_WORDS as i64 - 1),
            Kind::Vec => (1, MAX_VEC as i64),
            Kind::Width => (1, MAX_WIDTH as i64),
            Kind::Counter => (0, u8::MAX as i64),
            Kind::Imm => (i16::MIN as i64, u16::MAX as i64),
            Kind::Target => (0, MAX_TARGET as i64),
            Kind::TileId => (0, MAX_TILE as i64),
            Kind::MemAddr => (0, u16::MAX as i64),
            Kind::Operation(set) => (0, set.last_code()),
            Kind::TrainMask => (0, 7),
            Kind::Bit => (0, 1),
        }
    }

    /// Negative values are sign-extended from their field.
    pub fn is_signed(self) -> bool {
        self.range().0 < 0
    }

    /// Said after the allowed range when the number alone would not explain it.
    fn range_note(self) -> &'static str {
        match self {
            Kind::Addr => " (the data address space)",
            Kind::Register => " (general registers)",
            Kind::Width => " (one 16-word access)",
            _ => "",
        }
    }

    /// The value as assembly text.
    pub fn show(self, value: i64) -> String {
        match self {
            Kind::TrainMask => TrainMask::from_bits(value as u8).text(),
            Kind::Operation(set) => set
                .name(value)
                .map_or_else(|| value.to_string(), str::to_string),
            _ => value.to_string(),
        }
    }
}

/// The operations an operation operand selects from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operations {
    /// [`AluOp`]
    Alu,
    /// The [`AluOp`]s with two operands, which `alui` pairs with its immediate.
    BinaryAlu,
    /// [`IntOp`]
    Int,
}

impl Operations {
    /// Names the set in messages (`unknown alu operation ...`).
    pub fn family(self) -> &'static str {
        match self {
            Operations::Alu | Operations::BinaryAlu => "alu",
            Operations::Int => "alu_int",
        }
    }

    /// Every operation name of the family, comma separated.
    pub fn allowed(self) -> String {
        match self {
            Operations::Alu | Operations::BinaryAlu => AluOp::allowed(),
            Operations::Int => IntOp::allowed(),
        }
    }

    pub fn code(self, name: &str) -> Option<i64> {
        match self {
            Operations::Alu | Operations::BinaryAlu => AluOp::from_mnemonic(name).map(AluOp::code),
            Operations::Int => IntOp::from_mnemonic(name).map(IntOp::code),
        }
        .map(i64::from)
    }

    pub fn name(self, code: i64) -> Option<&'static str> {
        let code = u8::try_from(code).ok()?;
        match self {
            Operations::Alu | Operations::BinaryAlu => AluOp::from_code(code).map(AluOp::mnemonic),
            Operations::Int => IntOp::from_code(code).map(IntOp::mnemonic),
        }
    }

    fn reads_r2(self, code: i64) -> bool {
        let code = u8::try_from(code).ok();
        match self {
            Operations::Alu | Operations::BinaryAlu => {
                code.and_then(AluOp::from_code).map(AluOp::arity)
            }
            Operations::Int => code.and_then(IntOp::from_code).map(IntOp::arity),
        }
        .is_some_and(|a| a.reads_r2())
    }

    fn last_code(self) -> i64 {
        match self {
            Operations::Alu | Operations::BinaryAlu => AluOp::ALL.iter().map(|o| o.code()).max(),
            Operations::Int => IntOp::ALL.iter().map(|o| o.code()).max(),
        }
        .map_or(0, i64::from)
    }
}

/// When an operand appears in assembly; absent operands are encoded as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// Only after an operation (operand 0) that reads r2: `alu` unary and reduction
    /// operations take no r2.
    OperationReadsR2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operand {
    /// As in messages and docs/isa.md (`d1`, `vec`, `dest_tile`, ...).
    pub name: &'static str,
    pub kind: Kind,
    pub field: Field,
    pub when: When,
}

impl Operand {
    pub(super) fn encode(&self, value: i64) -> u64 {
        self.field.put(value)
    }

    pub(super) fn decode(&self, word: u64) -> i64 {
        self.field.get(word, self.kind.is_signed())
    }
}

/// Which control unit runs an instruction; the two share one opcode space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Core,
    Tile,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Core => "core",
            Unit::Tile => "tile",
        }
    }

    /// The unit's mnemonics, comma separated.
    pub fn mnemonics(self) -> String {
        mnemonic_list(FORMS.iter().filter(|f| f.unit == self))
    }
}

/// Every mnemonic, comma separated.
pub fn all_mnemonics() -> String {
    mnemonic_list(FORMS.iter())
}

fn mnemonic_list<'a>(forms: impl Iterator<Item = &'a Form>) -> String {
    forms.map(|f| f.mnemonic).collect::<Vec<_>>().join(", ")
}

/// One row of the instruction table.
pub struct Form {
    pub mnemonic: &'static str,
    pub opcode: u8,
    pub unit: Unit,
    /// In assembly order, which is also the order of the `Instr` variant's fields.
    pub operands: &'static [Operand],
    /// The `Instr` from checked operand values in table order.
    pub(super) build: fn(&mut std::slice::Iter<'_, i64>) -> Instr,
}

/// Operand values of one instruction in table order; the tail past the form's operands
/// is 0. Operation selectors hold their code, masks their bits, `imm` its signed value.
pub type Values = [i64; MAX_OPERANDS];

/// The most operands any form has.
pub const MAX_OPERANDS: usize = {
    let mut most = 0;
    let mut k = 0;
    while k < FORMS.len() {
        if FORMS[k].operands.len() > most {
            most = FORMS[k].operands.len();
        }
        k += 1;
    }
    most
};

impl Form {
    pub fn by_mnemonic(mnemonic: &str) -> Option<&'static Form> {
        FORMS.iter().find(|f| f.mnemonic == mnemonic)
    }

    pub fn by_opcode(opcode: u8) -> Option<&'static Form> {
        FORMS.iter().find(|f| f.opcode == opcode)
    }

    /// The operation operand, which the table puts first, and what it selects from.
    pub fn selector(&self) -> Option<(&'static Operand, Operations)> {
        let first = self.operands.first()?;
        match first.kind {
            Kind::Operation(set) => Some((first, set)),
            _ => None,
        }
    }

    /// The operands that appear in assembly, with their positions in `values`.
    pub fn present<'a>(
        &'a self,
        values: &'a Values,
    ) -> impl Iterator<Item = (usize, &'static Operand)> + 'a {
        self.operands
            .iter()
            .enumerate()
            .filter(|(_, o)| self.is_present(o, values))
    }

    fn is_present(&self, operand: &Operand, values: &Values) -> bool {
        match operand.when {
            When::Always => true,
            When::OperationReadsR2 => self
                .selector()
                .is_some_and(|(_, set)| set.reads_r2(values[0])),
        }
    }

    /// The opcode's bits and every operand's; the rest must be 0.
    pub fn used_bits(&self) -> u64 {
        self.operands
            .iter()
            .fold(super::instr::OPCODE.mask(), |m, o| m | o.field.mask())
    }

    /// Check one present operand's value; the message names it and what is allowed.
    pub(super) fn check_operand(&self, operand: &Operand, value: i64) -> Result<(), DecodeError> {
        let (lo, hi) = operand.kind.range();
        let name = operand.name;
        match operand.kind {
            Kind::Operation(set) => {
                let Some(op) = set.name(value) else {
                    return Err(DecodeError::UnknownOp {
                        kind: set.family(),
                        code: value as u8,
                        allowed: set.allowed(),
                    });
                };
                let pairs_with_immediate =
                    || AluOp::from_code(value as u8).is_some_and(AluOp::allowed_with_immediate);
                if set == Operations::BinaryAlu && !pairs_with_immediate() {
                    return Err(DecodeError::Invalid(format!(
                        "{} takes a binary operation, not `{op}`; allowed: {}",
                        self.mnemonic,
                        binary_alu_ops()
                    )));
                }
                Ok(())
            }
            _ if (lo..=hi).contains(&value) => Ok(()),
            Kind::Register if (0..lo).contains(&value) => Err(DecodeError::Invalid(format!(
                "{} may not target XbarIn/XbarOut: {name} = {value}; allowed {lo}..={hi}",
                self.mnemonic
            ))),
            kind => Err(DecodeError::Invalid(format!(
                "{name} = {value} is out of range; allowed {lo}..={hi}{}",
                kind.range_note()
            ))),
        }
    }

    /// Check every operand: present ones against their kinds, absent ones are 0.
    pub(super) fn check(&self, values: &Values) -> Result<(), DecodeError> {
        for (operand, &value) in self.operands.iter().zip(values) {
            if self.is_present(operand, values) {
                self.check_operand(operand, value)?;
            } else if value != 0 {
                let selector = self.operands[0].kind.show(values[0]);
                return Err(DecodeError::Invalid(format!(
                    "{} {selector} takes no {} (must be 0), found {value}",
                    self.mnemonic, operand.name
                )));
            }
        }
        Ok(())
    }

    /// The instruction of values that passed [`Form::check`].
    pub(super) fn instr(&self, values: &Values) -> Instr {
        (self.build)(&mut values.iter())
    }
}

/// Mnemonics of the binary ALU operations (those `alui` accepts).
fn binary_alu_ops() -> String {
    AluOp::ALL
        .iter()
        .filter(|o| o.allowed_with_immediate())
        .map(|o| o.mnemonic())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An `Instr` field's type as operand values: one, or one per array element.
pub(super) trait OperandField: Copy {
    const OPERANDS: usize;
    fn put(self, slots: &mut std::slice::IterMut<'_, i64>);
    /// Values are checked before an instruction is built, so every one converts.
    fn take(values: &mut std::slice::Iter<'_, i64>) -> Self;
}

macro_rules! scalar_operand {
    ($($ty:ty: |$v:ident| $from:expr, |$x:ident| $to:expr;)*) => {$(
        impl OperandField for $ty {
            const OPERANDS: usize = 1;
            fn put(self, slots: &mut std::slice::IterMut<'_, i64>) {
                let $x = self;
                *slots.next().expect("MAX_OPERANDS covers every form") = $to;
            }
            fn take(values: &mut std::slice::Iter<'_, i64>) -> Self {
                let $v = *values.next().expect("one value per operand");
                $from
            }
        }
    )*};
}

scalar_operand! {
    u8: |v| v as u8, |x| x.into();
    u16: |v| v as u16, |x| x.into();
    // Assembly writes 16-bit words as 0..=65535 too; they are the same bits.
    i16: |v| v as u16 as i16, |x| x.into();
    bool: |v| v != 0, |x| x.into();
    TrainMask: |v| TrainMask::from_bits(v as u8), |x| x.bits().into();
    AluOp: |v| AluOp::from_code(v as u8).expect("checked operation code"), |x| x.code().into();
    IntOp: |v| IntOp::from_code(v as u8).expect("checked operation code"), |x| x.code().into();
}

impl<T: OperandField, const N: usize> OperandField for [T; N] {
    const OPERANDS: usize = N * T::OPERANDS;
    fn put(self, slots: &mut std::slice::IterMut<'_, i64>) {
        for element in self {
            element.put(slots);
        }
    }
    fn take(values: &mut std::slice::Iter<'_, i64>) -> Self {
        std::array::from_fn(|_| T::take(values))
    }
}

/// Generates `Instr`, [`FORMS`] and the two conversions between them from the table.
/// A row: `Variant = opcode "mnemonic" Unit { field: Type => operand, ...; ... }`, one
/// operand `"name" Kind[(Operations)] @ FIELD [if When]` per value the field's type holds.
macro_rules! instruction_table {
    (@when) => { $crate::isa::form::When::Always };
    (@when $when:ident) => { $crate::isa::form::When::$when };
    ($(
        $(#[$doc:meta])*
        $variant:ident = $opcode:literal $mnemonic:literal $unit:ident $({
            $($field:ident: $ty:ty => $(
                $name:literal $kind:ident $(($set:ident))? @ $bits:ident $(if $when:ident)?
            ),+;)*
        })?
    ),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        pub enum Instr {
            $($(#[$doc])* $variant $({ $($field: $ty,)* })?,)*
        }

        /// Position of each variant's row in `FORMS`.
        enum Row { $($variant,)* }

        /// The instruction table: one row per `Instr` variant, in declaration order.
        pub const FORMS: &[$crate::isa::form::Form] = &[$(
            $crate::isa::form::Form {
                mnemonic: $mnemonic,
                opcode: $opcode,
                unit: $crate::isa::form::Unit::$unit,
                operands: &[$($($($crate::isa::form::Operand {
                    name: $name,
                    kind: $crate::isa::form::Kind::$kind $(($crate::isa::form::Operations::$set))?,
                    field: $bits,
                    when: instruction_table!(@when $($when)?),
                },)+)*)?],
                build: |_values| Instr::$variant $({ $($field: <$ty as $crate::isa::form::OperandField>::take(_values),)* })?,
            },
        )*];

        // A field's type must hold exactly as many values as the row gives it operands.
        $($($(
            const _: () = assert!(
                <$ty as $crate::isa::form::OperandField>::OPERANDS == [$($name),+].len()
            );
        )*)?)*

        impl Instr {
            /// Position of this instruction's row in [`FORMS`] (per-mnemonic counters).
            pub fn form_index(&self) -> usize {
                match self { $(Instr::$variant { .. } => Row::$variant as usize,)* }
            }

            /// Operand values in table order.
            pub(crate) fn operand_values(&self) -> $crate::isa::form::Values {
                let mut values = [0; $crate::isa::form::MAX_OPERANDS];
                let mut _slots = values.iter_mut();
                match *self {
                    $(Instr::$variant $({ $($field,)* })? => {
                        $($($crate::isa::form::OperandField::put($field, &mut _slots);)*)?
                    })*
                }
                values
            }
        }
    };
}
pub(super) use instruction_table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_and_opcodes_are_unique() {
        for (k, f) in FORMS.iter().enumerate() {
            for g in &FORMS[k + 1..] {
                assert_ne!(f.mnemonic, g.mnemonic);
                assert_ne!(f.opcode, g.opcode, "{} and {}", f.mnemonic, g.mnemonic);
            }
        }
    }

    #[test]
    fn every_operand_fits_its_field_and_fields_do_not_overlap() {
        let opcode = super::super::instr::OPCODE;
        for f in FORMS {
            assert!(u64::from(f.opcode) < 1 << opcode.width, "{}", f.mnemonic);
            let mut used = opcode.mask();
            for o in f.operands {
                let at = format!("{} {}", f.mnemonic, o.name);
                assert!(o.field.low + o.field.width <= 64, "{at}");
                assert_eq!(used & o.field.mask(), 0, "{at} overlaps another field");
                used |= o.field.mask();
                let (lo, hi) = o.kind.range();
                let (lo, hi) = (lo - o.field.bias, hi - o.field.bias);
                let floor = if o.kind.is_signed() {
                    -(1 << (o.field.width - 1))
                } else {
                    0
                };
                assert!(lo >= floor && hi < 1 << o.field.width, "{at}");
            }
            assert_eq!(used, f.used_bits());
        }
    }

    #[test]
    fn selectors_come_first_and_optional_operands_follow_one() {
        for f in FORMS {
            for (k, o) in f.operands.iter().enumerate() {
                let operation = matches!(o.kind, Kind::Operation(_));
                assert!(!operation || k == 0, "{}", f.mnemonic);
                assert!(
                    o.when == When::Always || f.selector().is_some(),
                    "{}",
                    f.mnemonic
                );
            }
        }
    }
}
