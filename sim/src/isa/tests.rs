//! Round trips (proptest) and assembler diagnostics.

use super::addr::{ADDRESS_SPACE_WORDS, DATA_MEM_BASE};
use super::*;
use proptest::prelude::*;

fn addr() -> impl Strategy<Value = u16> {
    0..ADDRESS_SPACE_WORDS
}
fn vec_len() -> impl Strategy<Value = u16> {
    1u16..=instr::MAX_VEC
}
fn width() -> impl Strategy<Value = u8> {
    1u8..=instr::MAX_WIDTH
}
fn mask() -> impl Strategy<Value = TrainMask> {
    (0u8..8).prop_map(TrainMask::from_bits)
}

/// Every valid instruction, every field over its whole range.
pub fn any_instr() -> impl Strategy<Value = Instr> {
    let alu = (
        proptest::sample::select(AluOp::ALL),
        addr(),
        addr(),
        addr(),
        vec_len(),
    )
        .prop_map(|(op, dst, a, b, vec)| {
            let b = match op.arity() {
                Arity::Unary | Arity::Reduction => 0,
                _ => b,
            };
            Instr::Alu { op, dst, a, b, vec }
        });
    let binary: Vec<AluOp> = AluOp::ALL
        .iter()
        .copied()
        .filter(|o| o.allowed_with_immediate())
        .collect();
    prop_oneof![
        Just(Instr::Nop),
        Just(Instr::Hlt),
        Just(Instr::Halt),
        (addr(), addr(), width(), vec_len()).prop_map(|(dst, addr_reg, width, vec)| Instr::Ld {
            dst,
            addr_reg,
            width,
            vec
        }),
        (addr(), addr(), any::<u8>(), width(), vec_len()).prop_map(
            |(addr_reg, src, counter, width, vec)| Instr::St {
                addr_reg,
                src,
                counter,
                width,
                vec
            }
        ),
        (addr(), addr(), vec_len()).prop_map(|(dst, src, vec)| Instr::Cp { dst, src, vec }),
        (DATA_MEM_BASE..ADDRESS_SPACE_WORDS, any::<i16>(), vec_len())
            .prop_map(|(dst, imm, vec)| Instr::Set { dst, imm, vec }),
        alu,
        (
            proptest::sample::select(binary),
            addr(),
            addr(),
            any::<i16>(),
            vec_len()
        )
            .prop_map(|(op, dst, a, imm, vec)| Instr::Alui {
                op,
                dst,
                a,
                imm,
                vec
            }),
        (proptest::sample::select(IntOp::ALL), addr(), addr(), addr())
            .prop_map(|(op, dst, a, b)| Instr::AluInt { op, dst, a, b }),
        (addr(), addr(), 0u16..=instr::MAX_TARGET).prop_map(|(a, b, target)| Instr::Beq {
            a,
            b,
            target
        }),
        (0u16..=instr::MAX_TARGET).prop_map(|target| Instr::Jmp { target }),
        (mask(), mask()).prop_map(|(a, b)| Instr::Train { masks: [a, b] }),
        (any::<bool>(), any::<bool>()).prop_map(|(a, b)| Instr::Crs { mask: [a, b] }),
        (any::<u16>(), any::<u8>(), width(), vec_len()).prop_map(
            |(mem_addr, dest_tile, width, vec)| Instr::Send {
                mem_addr,
                dest_tile,
                width,
                vec
            }
        ),
        (any::<u16>(), any::<u8>(), width(), any::<u8>(), vec_len()).prop_map(
            |(mem_addr, src_tile, width, counter, vec)| {
                Instr::Receive {
                    mem_addr,
                    src_tile,
                    width,
                    counter,
                    vec,
                }
            }
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn encode_then_decode_gives_the_same_instruction(ins in any_instr()) {
        prop_assert!(ins.validate().is_ok());
        prop_assert_eq!(decode(encode(&ins)), Ok(ins));
    }

    #[test]
    fn disassemble_then_assemble_gives_the_same_bits(prog in proptest::collection::vec(any_instr(), 1..20)) {
        let words: Vec<u64> = prog.iter().map(encode).collect();
        let text = disassemble_words(&words).unwrap();
        let back = assemble(&text, "disasm.s").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let again: Vec<u64> = back.instrs.iter().map(encode).collect();
        prop_assert_eq!(again, words);
    }

    #[test]
    fn decode_never_panics_and_accepted_words_re_encode_exactly(w in any::<u64>()) {
        if let Ok(ins) = decode(w) {
            prop_assert_eq!(encode(&ins), w);
        }
    }
}

fn first_error(src: &str) -> AsmError {
    assemble(src, "t.s").unwrap_err().0.remove(0)
}

#[test]
fn labels_constants_comments_and_expressions() {
    let src = "\
.equ X, 1536          ; a register
.equ N 16             # whitespace form
start:  set X, 0x10, 1
loop: alu_int sub, X, X, X+1   // decrement
        beq X, X+1, done
        jmp loop
done:   alui mul, X+2, X, 0.5, N
        train 100, 011
        crs 1, 0
        hlt
";
    let p = assemble(src, "t.s").unwrap();
    assert_eq!(p.instrs.len(), 8);
    assert_eq!(
        p.instrs[0],
        Instr::Set {
            dst: 1536,
            imm: 16,
            vec: 1
        }
    );
    assert_eq!(
        p.instrs[2],
        Instr::Beq {
            a: 1536,
            b: 1537,
            target: 4
        }
    );
    assert_eq!(p.instrs[3], Instr::Jmp { target: 1 });
    assert_eq!(
        p.instrs[4],
        Instr::Alui {
            op: AluOp::Mul,
            dst: 1538,
            a: 1536,
            imm: 2048,
            vec: 16
        }
    );
    assert_eq!(
        p.instrs[5],
        Instr::Train {
            masks: [
                TrainMask {
                    mvm: true,
                    mtvm: false,
                    opa: false
                },
                TrainMask {
                    mvm: false,
                    mtvm: true,
                    opa: true
                }
            ]
        }
    );
    assert_eq!(
        p.instrs[6],
        Instr::Crs {
            mask: [true, false]
        }
    );
    assert_eq!(p.lines[0], 3);
}

#[test]
fn errors_name_file_line_column_problem_and_what_is_allowed() {
    let e = first_error("  nop\n  frob 1, 2\n");
    assert_eq!((e.line, e.column), (2, 3));
    assert!(
        e.message.contains("unknown mnemonic `frob`") && e.message.contains("allowed: nop, ld"),
        "{e}"
    );
    assert!(e.to_string().starts_with("t.s:2:3: "), "{e}");

    let e = first_error("ld 1536, 1537, 17, 1\n");
    assert_eq!(e.column, 16);
    assert!(
        e.message
            .contains("width = 17 is out of range; allowed 1..=16"),
        "{e}"
    );

    let e = first_error("ld 1536, 1537, 4\n");
    assert!(
        e.message
            .contains("`ld` takes 4 operands (d1, r1, width, vec), found 3"),
        "{e}"
    );

    let e = first_error("alu frob, 1536, 1537, 4\n");
    assert_eq!(e.column, 5);
    assert!(
        e.message
            .contains("unknown alu operation `frob`; allowed: add, sub"),
        "{e}"
    );

    let e = first_error("alu relu, 1536, 1537, 1538, 4\n");
    assert!(e.message.contains("takes 3 operands (d1, r1, vec)"), "{e}");

    let e = first_error("alui relu, 1536, 1537, 1, 4\n");
    assert!(e.message.contains("alui takes a binary operation"), "{e}");

    let e = first_error("jmp nowhere\n");
    assert_eq!(e.column, 5);
    assert!(e.message.contains("undefined name `nowhere`"), "{e}");

    let e = first_error("set 100, 1, 1\n");
    assert!(
        e.message.contains("set may not target XbarIn/XbarOut"),
        "{e}"
    );

    let e = first_error("train 10, 000\n");
    assert!(e.message.contains("must be 3 bits"), "{e}");

    let e = first_error("a: nop\na: nop\n");
    assert!(e.message.contains("already defined"), "{e}");

    let e = first_error("cp 1536, , 3\n");
    assert!(e.message.contains("missing operand"), "{e}");

    let e = first_error(".frac 8\n");
    assert!(e.message.contains("unknown directive"), "{e}");

    let e = first_error("cp 1536, 1537 * 2, 3\n");
    assert!(
        e.message.contains("expected `+` or `-`") || e.message.contains("not a number"),
        "{e}"
    );

    // Several errors are all reported.
    let all = assemble("frob\nld 1,2,3\n", "t.s").unwrap_err();
    assert_eq!(all.0.len(), 2);
}

#[test]
fn disassembly_of_a_bad_word_names_its_index() {
    let e = disassemble_words(&[0, 13 << 59]).unwrap_err();
    assert!(e.starts_with("word 1"), "{e}");
}
