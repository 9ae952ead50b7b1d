//! Operation selectors of `alu`/`alui` (vector fixed point) and `alu_int` (scalar integer).
//! Semantics: `crate::arch::vfu` and docs/isa.md.

use serde::{Deserialize, Serialize};

/// How many register operands an ALU operation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// d1[k] = f(r1[k]); `r2` is unused (encoded as 0).
    Unary,
    /// d1[k] = f(r1[k], r2[k]) (or the immediate for `alui`).
    Binary,
    /// d1[k] = f(r1[k], r2[0]): the second operand is one scalar broadcast to every lane.
    Broadcast,
    /// d1[0] = f(r1[0..vec]): a reduction writing one word.
    Reduction,
}

impl Arity {
    /// Binary and broadcast operations read a second register operand.
    pub fn reads_r2(self) -> bool {
        matches!(self, Arity::Binary | Arity::Broadcast)
    }
}

macro_rules! op_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal, $text:literal, $arity:ident;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* $v = $code,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)*];
            pub fn code(self) -> u8 { self as u8 }
            pub fn from_code(code: u8) -> Option<$name> {
                match code { $($code => Some($name::$v),)* _ => None }
            }
            pub fn mnemonic(self) -> &'static str {
                match self { $($name::$v => $text,)* }
            }
            pub fn from_mnemonic(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$v),)* _ => None }
            }
            pub fn arity(self) -> Arity {
                match self { $($name::$v => Arity::$arity,)* }
            }
            /// Every mnemonic, comma separated (for error messages).
            pub fn allowed() -> String {
                Self::ALL.iter().map(|o| o.mnemonic()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

op_enum! {
    /// Vector fixed-point operations (16-bit words, Q4.12 by default; results round to
    /// nearest and saturate).
    AluOp {
        Add = 0, "add", Binary;
        Sub = 1, "sub", Binary;
        /// Fixed-point product, rounded.
        Mul = 2, "mul", Binary;
        /// Fixed-point quotient, rounded; x/0 saturates towards the sign of x (0/0 = 0).
        Div = 3, "div", Binary;
        /// Arithmetic shift left by the integer value of the second operand (0..=15), saturating.
        Shl = 4, "shl", Binary;
        /// Arithmetic shift right by the integer value of the second operand (0..=15), rounded.
        Shr = 5, "shr", Binary;
        And = 6, "and", Binary;
        Or = 7, "or", Binary;
        Xor = 8, "xor", Binary;
        Not = 9, "not", Unary;
        Min = 10, "min", Binary;
        Max = 11, "max", Binary;
        /// Comparisons give 1.0 (one in the fixed-point format) or 0, usable as masks for `mul`.
        Eq = 12, "eq", Binary;
        Ne = 13, "ne", Binary;
        Lt = 14, "lt", Binary;
        Le = 15, "le", Binary;
        Gt = 16, "gt", Binary;
        Ge = 17, "ge", Binary;
        Relu = 18, "relu", Unary;
        /// ReLU derivative: 1.0 where x > 0, else 0.
        Relud = 19, "relud", Unary;
        Sig = 20, "sig", Unary;
        Tanh = 21, "tanh", Unary;
        Exp = 22, "exp", Unary;
        /// Natural log; log of x <= 0 gives the most negative word.
        Log = 23, "log", Unary;
        /// 1/x; 1/0 gives the largest word.
        Recip = 24, "recip", Unary;
        /// Maximum over the vector, written to d1[0].
        Redmax = 25, "redmax", Reduction;
        /// Saturating sum over the vector, written to d1[0].
        Redsum = 26, "redsum", Reduction;
        /// d1[k] = r1[k] - r2[0] (softmax: subtract the maximum).
        Bsub = 27, "bsub", Broadcast;
        /// d1[k] = r1[k] * r2[0] (softmax: scale by the reciprocal of the sum).
        Bmul = 28, "bmul", Broadcast;
    }
}

op_enum! {
    /// Scalar integer operations on single data-memory words (addresses, loop counters);
    /// 16-bit two's complement, wrapping.
    IntOp {
        Add = 0, "add", Binary;
        Sub = 1, "sub", Binary;
        Mul = 2, "mul", Binary;
        /// Truncating division; x/0 = -1 (all ones).
        Div = 3, "div", Binary;
        /// Remainder with the sign of the dividend; x mod 0 = x.
        Mod = 4, "mod", Binary;
        /// 1 if equal, else 0.
        Eq = 5, "eq", Binary;
        /// 1 if r1 < r2 (signed), else 0.
        Lt = 6, "lt", Binary;
        And = 7, "and", Binary;
        Or = 8, "or", Binary;
    }
}

impl AluOp {
    /// `alui` takes an immediate as the second operand: binary operations only.
    pub fn allowed_with_immediate(self) -> bool {
        self.arity() == Arity::Binary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_mnemonics_are_unique_and_round_trip() {
        for &op in AluOp::ALL {
            assert_eq!(AluOp::from_code(op.code()), Some(op));
            assert_eq!(AluOp::from_mnemonic(op.mnemonic()), Some(op));
            assert!(op.code() < 32, "aluop field is 5 bits");
        }
        for &op in IntOp::ALL {
            assert_eq!(IntOp::from_code(op.code()), Some(op));
            assert_eq!(IntOp::from_mnemonic(op.mnemonic()), Some(op));
        }
        assert_eq!(AluOp::from_code(31), None);
    }
}
