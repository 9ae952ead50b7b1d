pub mod bench_mcu;
pub mod config;
pub mod demo;
pub mod golden;

#[derive(clap::Subcommand)]
pub enum BenchCmd {
    /// Time MVM, MTVM, OPA and CRS against a plain integer matrix-vector product.
    Mcu(bench_mcu::BenchMcuArgs),
}

pub fn run_bench(b: &BenchCmd) -> anyhow::Result<()> {
    match b {
        BenchCmd::Mcu(a) => bench_mcu::run(a),
    }
}
