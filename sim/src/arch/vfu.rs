//! Bit-exact semantics of the vector functional unit (`alu`, `alui`) and the scalar
//! integer ALU (`alu_int`). Words are 16-bit two's complement; fixed-point operations use
//! `frac` fraction bits (the config's `format.frac_bits`), round half up and saturate.
//! Transcendental functions are round(f(a / 2^frac) * 2^frac), saturated: an RTL
//! implements them as lookup tables that reproduce these values.

use crate::fixed::{round_shift, saturate};
use crate::isa::{AluOp, IntOp};

const BITS: u32 = 16;

fn sat(v: i64) -> i16 {
    saturate(v, BITS).0 as i16
}

fn from_real(v: f64, frac: u32) -> i16 {
    if v.is_nan() {
        return 0;
    }
    let scaled = (v * (1u64 << frac) as f64).round();
    scaled.clamp(i16::MIN as f64, i16::MAX as f64) as i16
}

fn real(a: i16, frac: u32) -> f64 {
    a as f64 / (1u64 << frac) as f64
}

/// True for operations that run on the function unit (energy class).
pub fn is_transcendental(op: AluOp) -> bool {
    matches!(
        op,
        AluOp::Sig | AluOp::Tanh | AluOp::Exp | AluOp::Log | AluOp::Recip | AluOp::Div
    )
}

/// One element of an elementwise or broadcast operation.
pub fn alu_elem(op: AluOp, a: i16, b: i16, frac: u32) -> i16 {
    let (x, y) = (a as i64, b as i64);
    let one = 1i64 << frac;
    let flag = |c: bool| if c { sat(one) } else { 0 };
    match op {
        AluOp::Add => sat(x + y),
        AluOp::Sub | AluOp::Bsub => sat(x - y),
        AluOp::Mul | AluOp::Bmul => sat(round_shift(x * y, frac)),
        AluOp::Div => {
            if y == 0 {
                match x.signum() {
                    1 => i16::MAX,
                    -1 => i16::MIN,
                    _ => 0,
                }
            } else {
                // Round half away from zero of (x << frac) / y.
                let n = x << frac;
                let q = (2 * n + y.signum() * n.signum() * y.abs()) / (2 * y);
                sat(if n == 0 { 0 } else { q })
            }
        }
        AluOp::Shl => sat(x << y.clamp(0, 15)),
        AluOp::Shr => sat(round_shift(x, y.clamp(0, 15) as u32)),
        AluOp::And => a & b,
        AluOp::Or => a | b,
        AluOp::Xor => a ^ b,
        AluOp::Not => !a,
        AluOp::Min => a.min(b),
        AluOp::Max => a.max(b),
        AluOp::Eq => flag(a == b),
        AluOp::Ne => flag(a != b),
        AluOp::Lt => flag(a < b),
        AluOp::Le => flag(a <= b),
        AluOp::Gt => flag(a > b),
        AluOp::Ge => flag(a >= b),
        AluOp::Relu => a.max(0),
        AluOp::Relud => flag(a > 0),
        AluOp::Sig => from_real(1.0 / (1.0 + (-real(a, frac)).exp()), frac),
        AluOp::Tanh => from_real(real(a, frac).tanh(), frac),
        AluOp::Exp => from_real(real(a, frac).exp(), frac),
        AluOp::Log => {
            if a <= 0 {
                i16::MIN
            } else {
                from_real(real(a, frac).ln(), frac)
            }
        }
        AluOp::Recip => {
            if a == 0 {
                i16::MAX
            } else {
                from_real(1.0 / real(a, frac), frac)
            }
        }
        AluOp::Redmax | AluOp::Redsum => unreachable!("reductions go through `reduce`"),
    }
}

/// A reduction over the whole vector.
pub fn reduce(op: AluOp, v: &[i16]) -> i16 {
    match op {
        AluOp::Redmax => v.iter().copied().max().unwrap_or(i16::MIN),
        AluOp::Redsum => sat(v.iter().map(|&x| x as i64).sum()),
        _ => unreachable!("not a reduction: {op:?}"),
    }
}

/// Scalar integer ALU: wrapping 16-bit arithmetic.
pub fn int_op(op: IntOp, a: i16, b: i16) -> i16 {
    match op {
        IntOp::Add => a.wrapping_add(b),
        IntOp::Sub => a.wrapping_sub(b),
        IntOp::Mul => a.wrapping_mul(b),
        IntOp::Div => {
            if b == 0 {
                -1
            } else {
                a.wrapping_div(b)
            }
        }
        IntOp::Mod => {
            if b == 0 {
                a
            } else {
                a.wrapping_rem(b)
            }
        }
        IntOp::Eq => (a == b) as i16,
        IntOp::Lt => (a < b) as i16,
        IntOp::And => a & b,
        IntOp::Or => a | b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const F: u32 = 12;
    const ONE: i16 = 4096;

    #[test]
    fn fixed_point_arithmetic_rounds_and_saturates() {
        assert_eq!(alu_elem(AluOp::Mul, ONE / 2, ONE / 2, F), ONE / 4);
        assert_eq!(alu_elem(AluOp::Mul, 3, ONE / 2, F), 2); // 1.5 LSB rounds up
        assert_eq!(alu_elem(AluOp::Add, i16::MAX, 1, F), i16::MAX);
        assert_eq!(alu_elem(AluOp::Sub, i16::MIN, 1, F), i16::MIN);
        assert_eq!(alu_elem(AluOp::Div, ONE, 3 * ONE, F), 1365);
        assert_eq!(alu_elem(AluOp::Div, -ONE, 3 * ONE, F), -1365);
        assert_eq!(alu_elem(AluOp::Div, ONE, 0, F), i16::MAX);
        assert_eq!(alu_elem(AluOp::Shl, ONE, 4, F), i16::MAX);
        assert_eq!(alu_elem(AluOp::Shr, 3, 1, F), 2);
    }

    #[test]
    fn nonlinear_functions_and_derivatives() {
        assert_eq!(alu_elem(AluOp::Relu, -5, 0, F), 0);
        assert_eq!(alu_elem(AluOp::Relud, 5, 0, F), ONE);
        assert_eq!(alu_elem(AluOp::Relud, 0, 0, F), 0);
        assert_eq!(alu_elem(AluOp::Sig, 0, 0, F), ONE / 2);
        assert_eq!(alu_elem(AluOp::Exp, 0, 0, F), ONE);
        assert_eq!(alu_elem(AluOp::Exp, 3 * ONE, 0, F), i16::MAX); // e^3 > 8 saturates
        assert_eq!(alu_elem(AluOp::Log, ONE, 0, F), 0);
        assert_eq!(alu_elem(AluOp::Log, 0, 0, F), i16::MIN);
        assert_eq!(alu_elem(AluOp::Recip, 2 * ONE, 0, F), ONE / 2);
        assert_eq!(alu_elem(AluOp::Tanh, 0, 0, F), 0);
        assert_eq!(alu_elem(AluOp::Lt, 1, 2, F), ONE);
        assert_eq!(reduce(AluOp::Redmax, &[3, -1, 7]), 7);
        assert_eq!(reduce(AluOp::Redsum, &[i16::MAX, 5]), i16::MAX);
    }

    #[test]
    fn integer_alu_wraps_and_defines_division_by_zero() {
        assert_eq!(int_op(IntOp::Add, i16::MAX, 1), i16::MIN);
        assert_eq!(int_op(IntOp::Div, 7, 0), -1);
        assert_eq!(int_op(IntOp::Mod, 7, 0), 7);
        assert_eq!(int_op(IntOp::Mod, -7, 3), -1);
        assert_eq!(int_op(IntOp::Eq, 4, 4), 1);
    }
}
