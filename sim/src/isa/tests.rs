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

proptest! {
    #[test]
    fn an_instruction_counts_under_the_row_of_its_opcode_and_mnemonic(ins in any_instr()) {
        let form = &FORMS[ins.form_index()];
        prop_assert_eq!(u64::from(form.opcode), encode(&ins) >> 59);
        let text = disassemble(&ins);
        prop_assert_eq!(text.split(' ').next(), Some(form.mnemonic));
    }
}

#[test]
fn decode_errors_name_the_operand_and_what_is_allowed() {
    let word = |m: &str| u64::from(Form::by_mnemonic(m).unwrap().opcode) << 59;
    // st's counter sits in the 16-bit imm field but holds 0..=255.
    let e = decode(word("st") | 300 << 14).unwrap_err().to_string();
    assert!(
        e.contains("counter = 300 is out of range; allowed 0..=255"),
        "{e}"
    );
    let relu_with_r2 = word("alu") | u64::from(AluOp::Relu.code()) << 54 | 5 << 18;
    let e = decode(relu_with_r2).unwrap_err().to_string();
    assert!(
        e.contains("alu relu takes no r2 (must be 0), found 5"),
        "{e}"
    );
    let alui_relu = word("alui") | u64::from(AluOp::Relu.code()) << 54;
    let e = decode(alui_relu).unwrap_err().to_string();
    assert!(
        e.contains("alui takes a binary operation, not `relu`"),
        "{e}"
    );
    let e = decode(word("alu_int") | 20 << 54).unwrap_err();
    assert!(
        matches!(
            &e,
            DecodeError::UnknownOp {
                kind: "alu_int",
                code: 20,
                ..
            }
        ),
        "{e}"
    );
    // crs uses mask bits 1:0 only; tile instructions leave 12:0 unused.
    assert!(matches!(
        decode(word("crs") | 4),
        Err(DecodeError::ReservedBits {
            mnemonic: "crs",
            ..
        })
    ));
    assert!(matches!(
        decode(word("send") | 1 << 12),
        Err(DecodeError::ReservedBits {
            mnemonic: "send",
            ..
        })
    ));
    assert_eq!(
        DecodeError::UnknownOpcode(13).to_string(),
        "unknown opcode 13; allowed 0..=12 (core) and 16..=18 (tile)"
    );
}

#[test]
fn operand_errors_name_every_operand_and_point_at_it() {
    let e = first_error("train 100\n");
    assert!(
        e.message
            .contains("`train` takes 2 operands (MCU 0 mask, MCU 1 mask), found 1"),
        "{e}"
    );
    let e = first_error("crs 1, 0, 1\n");
    assert!(
        e.message
            .contains("`crs` takes 2 operands (MCU 0 bit, MCU 1 bit), found 3"),
        "{e}"
    );
    let e = first_error("crs 2, 0\n");
    assert_eq!(e.column, 5);
    assert!(e.message.contains("crs bit `2` must be 0 or 1"), "{e}");
    let e = first_error("alu_int add, 1536, 1537\n");
    assert!(
        e.message.contains(
            "`alu_int` takes 3 operands (d1, r1, r2), found 2 after the operation name `add`"
        ),
        "{e}"
    );
    let e = first_error("alu\n");
    assert!(e.message.contains("needs an operation name first"), "{e}");
    let e = first_error("set 100, 1, 1\n");
    assert_eq!(e.column, 5);
    let e = first_error("receive 0, 1, 17, 1, 1\n");
    assert_eq!(e.column, 15);
    assert!(
        e.message
            .contains("width = 17 is out of range; allowed 1..=16"),
        "{e}"
    );
    let e = first_error("halt 1\n");
    assert!(
        e.message.contains("`halt` takes no operands, found 1"),
        "{e}"
    );
    // Every bad operand of a line is reported.
    let all = assemble("ld 4000, 4001, 1, 1\n", "t.s").unwrap_err();
    assert_eq!(all.0.len(), 2);
    assert!(all.0[1].message.contains("r1 = 4001"), "{all}");
}

#[test]
fn validate_names_the_field_and_its_range() {
    let e = Instr::Cp {
        dst: 1536,
        src: 1536,
        vec: 0,
    }
    .validate()
    .unwrap_err();
    assert_eq!(e, "vec = 0 is out of range; allowed 1..=1024");
    let e = Instr::Alu {
        op: AluOp::Redsum,
        dst: 1536,
        a: 1536,
        b: 7,
        vec: 4,
    }
    .validate()
    .unwrap_err();
    assert_eq!(e, "alu redsum takes no r2 (must be 0), found 7");
    let e = Instr::Set {
        dst: 700,
        imm: 0,
        vec: 1,
    }
    .validate()
    .unwrap_err();
    assert!(
        e.contains("set may not target XbarIn/XbarOut: d1 = 700"),
        "{e}"
    );
}

#[test]
fn disassembly_leaves_out_absent_operands_and_shows_names_and_masks() {
    let redsum = Instr::Alu {
        op: AluOp::Redsum,
        dst: 1536,
        a: 1600,
        b: 0,
        vec: 8,
    };
    assert_eq!(disassemble(&redsum), "alu redsum, 1536, 1600, 8");
    let train = Instr::Train {
        masks: [TrainMask::from_bits(5), TrainMask::from_bits(2)],
    };
    assert_eq!(disassemble(&train), "train 101, 010");
    let set = Instr::Set {
        dst: 1536,
        imm: -1,
        vec: 1,
    };
    assert_eq!(disassemble(&set), "set 1536, -1, 1");
    assert_eq!(disassemble(&Instr::Halt), "halt");
}
