//! The disassembler: canonical assembly text whose re-assembly gives the same bits.

use super::encoding::{decode, DecodeError};
use super::instr::Instr;

/// One instruction as assembly text (numbers only, no labels).
pub fn disassemble(ins: &Instr) -> String {
    let form = ins.form();
    let values = ins.operand_values();
    let operands: Vec<String> = form
        .present(&values)
        .map(|(k, operand)| operand.kind.show(values[k]))
        .collect();
    if operands.is_empty() {
        form.mnemonic.to_string()
    } else {
        format!("{} {}", form.mnemonic, operands.join(", "))
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
