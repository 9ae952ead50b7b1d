//! `panther asm FILE.s -o FILE.bin` and `panther disasm FILE.bin`.

use anyhow::bail;
use panther_sim::files::{read_bytes, read_text, InputLimit};
use panther_sim::isa::{self, encoding};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct AsmArgs {
    /// Assembly source (docs/isa.md).
    pub input: PathBuf,
    /// Output binary: 64-bit little-endian words.
    #[arg(short, long)]
    pub output: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct DisasmArgs {
    /// Program binary: 64-bit little-endian words.
    pub input: PathBuf,
}

pub fn run(args: &AsmArgs) -> anyhow::Result<()> {
    let name = args.input.display().to_string();
    let text = read_text(&args.input, InputLimit::Program).map_err(anyhow::Error::msg)?;
    let prog = match isa::assemble(&text, &name) {
        Ok(p) => p,
        Err(e) => bail!("{e}"),
    };
    let words: Vec<u64> = prog.instrs.iter().map(isa::encode).collect();
    crate::common::write_file(&args.output, &encoding::to_bytes(&words))?;
    eprintln!(
        "{}: {} instructions -> {}",
        name,
        words.len(),
        args.output.display()
    );
    Ok(())
}

pub fn run_disasm(args: &DisasmArgs) -> anyhow::Result<()> {
    let name = args.input.display().to_string();
    let bytes = read_bytes(&args.input, InputLimit::Program).map_err(anyhow::Error::msg)?;
    let words = encoding::from_bytes(&bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let text = isa::disassemble_words(&words).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    crate::common::print_stdout(text.trim_end())?;
    Ok(())
}
