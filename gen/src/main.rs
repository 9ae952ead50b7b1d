//! `panther`: the command line of the PANTHER model. Each subcommand lives in `cmd/`.

mod args;
mod charts;
mod cmd;
mod common;
mod paper;
mod signals;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "panther", version, about = "PANTHER ReRAM training accelerator: golden model, RTL, SystemVerilog export, Verilator co-simulation, ISA, architectural simulator", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print or check configurations.
    #[command(subcommand)]
    Config(cmd::config::ConfigCmd),
    /// Evaluate a JSON sequence of MCU operations on the golden model and print JSON.
    Golden(cmd::golden::GoldenArgs),
    /// Run the rust_hdl RTL: the MCU on a JSON op file (results + cycles), or another top's
    /// randomized testbench; optional VCD waveform.
    Sim(cmd::sim::SimArgs),
    /// List the exported tops (what every `--top` takes) and what their testbenches check.
    Tops(cmd::tops::TopsArgs),
    /// Export a top (or all) as SystemVerilog: sources, file lists, SDC, manifest.
    Verilog(cmd::verilog::VerilogArgs),
    /// Lock-step golden vs rust_hdl vs Verilator on ops or random stimulus; JSON, VCD.
    Cosim(cmd::cosim::CosimArgs),
    /// Reports: `synth` (yosys cell counts) and `timing` (OpenSTA under the SDC) of a top.
    #[command(subcommand)]
    Report(cmd::report::ReportCmd),
    /// Demonstrations: `mcu` (MVM, MTVM, OPA and CRS on random weights with errors and
    /// costs). Training, the main job, is `panther train` (`make demo`).
    #[command(subcommand)]
    Demo(cmd::demo::DemoCmd),
    /// Assemble a program to 64-bit words.
    Asm(cmd::asm::AsmArgs),
    /// Print a program binary as assembly.
    Disasm(cmd::asm::DisasmArgs),
    /// Run a program bundle on the architectural simulator; JSON report.
    Run(cmd::run::RunArgs),
    /// Compile a model file to ISA programs: listings, a bundle for one training step,
    /// the mapping report.
    Compile(cmd::compile::CompileArgs),
    /// Train a model file on a data set: the machine (`arch` or `fast` engine) or float64.
    Train(cmd::train::TrainArgs),
    /// The paper's evaluation of one workload: energy and time of a training sample on
    /// PANTHER and the baselines (and GPU measurements), the ratios, SVG bar charts.
    Eval(cmd::eval::EvalArgs),
    /// Benchmarks (release build recommended).
    #[command(subcommand)]
    Bench(cmd::BenchCmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    signals::install();
    let r = match &cli.command {
        Command::Config(c) => cmd::config::run(c),
        Command::Golden(a) => cmd::golden::run(a),
        Command::Sim(a) => cmd::sim::run(a),
        Command::Tops(a) => cmd::tops::run(a),
        Command::Verilog(a) => cmd::verilog::run(a),
        Command::Cosim(a) => cmd::cosim::run(a),
        Command::Report(r) => cmd::report::run(r),
        Command::Demo(cmd::demo::DemoCmd::Mcu(a)) => cmd::demo::run(a),
        Command::Asm(a) => cmd::asm::run(a),
        Command::Disasm(a) => cmd::asm::run_disasm(a),
        Command::Run(a) => cmd::run::run(a),
        Command::Compile(a) => cmd::compile::run(a),
        Command::Train(a) => cmd::train::run(a),
        Command::Eval(a) => cmd::eval::run(a),
        Command::Bench(b) => cmd::run_bench(b),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
