//! One file per subcommand; each exposes `XxxArgs` and `run(&XxxArgs)`.

pub mod asm;
pub mod bench_arch;
pub mod bench_mcu;
pub mod bench_rtl;
pub mod config;
pub mod demo;
pub mod golden;
pub mod run;
pub mod sim;

#[derive(clap::Subcommand)]
pub enum BenchCmd {
    /// Time MVM, MTVM, OPA and CRS against a plain integer matrix-vector product.
    Mcu(bench_mcu::BenchMcuArgs),
    /// Architectural simulator speed on the MLP training-step bundle.
    Arch(bench_arch::BenchArchArgs),
    /// rust_hdl cycles per second of the RTL MCU (small preset by default).
    Rtl(bench_rtl::BenchRtlArgs),
}

pub fn run_bench(b: &BenchCmd) -> anyhow::Result<()> {
    match b {
        BenchCmd::Mcu(a) => bench_mcu::run(a),
        BenchCmd::Arch(a) => bench_arch::run(a),
        BenchCmd::Rtl(a) => bench_rtl::run(a),
    }
}
