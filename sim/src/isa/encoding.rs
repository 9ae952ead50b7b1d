//! The fixed 64-bit binary encoding: the opcode in bits 63:59, then each operand in the
//! field its table row gives (`instr.rs`; docs/isa.md has the field tables).
//! Every bit an opcode does not use must be 0; decode rejects anything else so that
//! decode and encode are inverse bijections on valid words.

use super::form::{Form, Unit, MAX_OPERANDS};
use super::instr::{Instr, FORMS, OPCODE};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown opcode {0}; allowed {ranges}", ranges = opcode_ranges())]
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

/// The opcodes in use as runs per unit, e.g. `0..=12 (core) and 16..=18 (tile)`.
fn opcode_ranges() -> String {
    let mut opcodes: Vec<(u8, Unit)> = FORMS.iter().map(|f| (f.opcode, f.unit)).collect();
    opcodes.sort_by_key(|&(opcode, _)| opcode);
    let mut runs: Vec<(u8, u8, Unit)> = Vec::new();
    for (opcode, unit) in opcodes {
        match runs.last_mut() {
            Some((_, last, u)) if *last + 1 == opcode && *u == unit => *last = opcode,
            _ => runs.push((opcode, opcode, unit)),
        }
    }
    runs.iter()
        .map(|&(first, last, unit)| {
            let span = if first == last {
                first.to_string()
            } else {
                format!("{first}..={last}")
            };
            format!("{span} ({})", unit.name())
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Encode a valid instruction (see [`Instr::validate`]).
pub fn encode(ins: &Instr) -> u64 {
    debug_assert_eq!(ins.validate(), Ok(()), "encoding {ins:?}");
    let form = ins.form();
    form.operands
        .iter()
        .zip(ins.operand_values())
        .fold(OPCODE.put(form.opcode.into()), |word, (operand, value)| {
            word | operand.encode(value)
        })
}

/// Decode a 64-bit word; rejects unknown opcodes and operations, set reserved bits and
/// out-of-range fields.
pub fn decode(w: u64) -> Result<Instr, DecodeError> {
    let code = OPCODE.get(w, false) as u8;
    let form = Form::by_opcode(code).ok_or(DecodeError::UnknownOpcode(code))?;
    if w & !form.used_bits() != 0 {
        return Err(DecodeError::ReservedBits {
            mnemonic: form.mnemonic,
            word: w,
        });
    }
    let mut values = [0; MAX_OPERANDS];
    for (value, operand) in values.iter_mut().zip(form.operands) {
        *value = operand.decode(w);
    }
    form.check(&values)?;
    Ok(form.instr(&values))
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
        let opcode = |m| Form::by_mnemonic(m).unwrap().opcode as u64;
        let bad_alu = opcode("alu") << 59 | 31 << 54;
        assert!(matches!(
            decode(bad_alu),
            Err(DecodeError::UnknownOp { code: 31, .. })
        ));
        // d1 = 4000 is beyond the 3584-word address space.
        let bad_addr = opcode("cp") << 59 | 4000 << 42;
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
