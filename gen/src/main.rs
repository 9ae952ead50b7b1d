//! The `panther` command line. Each subcommand lives in `cmd/`.

mod cmd;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "panther", about = "PANTHER ReRAM training accelerator: models and tools")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Assemble a program to a 64-bit binary.
    Asm(cmd::asm::AsmArgs),
    /// Print a program binary as assembly.
    Disasm(cmd::asm::DisasmArgs),
    /// Run a program bundle on the architectural simulator; JSON report.
    Run(cmd::run::RunArgs),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Architectural simulator speed on the MLP training-step bundle.
    Arch(cmd::bench_arch::BenchArchArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Asm(a) => cmd::asm::run(a),
        Command::Disasm(a) => cmd::asm::run_disasm(a),
        Command::Run(a) => cmd::run::run(a),
        Command::Bench(BenchCommand::Arch(a)) => cmd::bench_arch::run(a),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
