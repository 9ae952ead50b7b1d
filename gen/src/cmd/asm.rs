//! `panther asm FILE.s -o FILE.bin` and `panther disasm FILE.bin`.

use anyhow::{bail, Context};
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
    let text = std::fs::read_to_string(&args.input).with_context(|| format!("reading {name}"))?;
    let prog = match isa::assemble(&text, &name) {
        Ok(p) => p,
        Err(e) => bail!("{e}"),
    };
    let words: Vec<u64> = prog.instrs.iter().map(isa::encode).collect();
    std::fs::write(&args.output, encoding::to_bytes(&words))
        .with_context(|| format!("writing {}", args.output.display()))?;
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
    let bytes = std::fs::read(&args.input).with_context(|| format!("reading {name}"))?;
    let words = encoding::from_bytes(&bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let text = isa::disassemble_words(&words).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    crate::common::print_stdout(text.trim_end())?;
    Ok(())
}
