//! One file per subcommand; each exposes `XxxArgs` and `run(&XxxArgs)`.

pub mod asm;
pub mod bench_arch;
pub mod bench_cosim;
pub mod bench_mcu;
pub mod bench_rtl;
pub mod bench_train;
pub mod compile;
pub mod config;
pub mod cosim;
pub mod demo;
pub mod eval;
pub mod golden;
pub mod report;
pub mod run;
pub mod sim;
pub mod tops;
pub mod train;
pub mod verilog;

#[derive(clap::Subcommand)]
pub enum BenchCmd {
    /// Time MVM, MTVM, OPA and CRS against a plain integer matrix-vector product.
    Mcu(bench_mcu::BenchMcuArgs),
    /// Architectural simulator speed on the MLP training-step bundle.
    Arch(bench_arch::BenchArchArgs),
    /// Seconds per training epoch of each engine (digits MLP; Fashion-MNIST on request),
    /// ideal and with every device effect, next to float64.
    Train(bench_train::BenchTrainArgs),
    /// rust_hdl cycles per second of the RTL MCU (small preset by default).
    Rtl(bench_rtl::BenchRtlArgs),
    /// Verilator against rust_hdl cycles per second of the MCU, same run, DPI-C crossbar.
    Cosim(bench_cosim::BenchCosimArgs),
}

/// The device settings a benchmark measures: `--device`'s preset, or the ideal device and
/// every effect on.
pub fn bench_devices(c: &crate::common::ConfigArg) -> Vec<panther_sim::config::DevicePreset> {
    use panther_sim::config::DevicePreset;
    match c.device {
        Some(d) => vec![d],
        None => vec![DevicePreset::Ideal, DevicePreset::AllEffects],
    }
}

pub fn run_bench(b: &BenchCmd) -> anyhow::Result<()> {
    match b {
        BenchCmd::Mcu(a) => bench_mcu::run(a),
        BenchCmd::Arch(a) => bench_arch::run(a),
        BenchCmd::Train(a) => bench_train::run(a),
        BenchCmd::Rtl(a) => bench_rtl::run(a),
        BenchCmd::Cosim(a) => bench_cosim::run(a),
    }
}
