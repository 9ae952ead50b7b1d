use panther_hdl::params::RtlParams;
use rust_hdl::prelude::*;
fn main() {
    let mut cfg = panther_sim::config::Preset::Small.config();
    cfg.array.rows = 4;
    cfg.array.cols = 4;
    let p = RtlParams::from_config(&cfg, "x").unwrap();
    let mut m = panther_hdl::mcu::Mcu::new(&cfg, &p);
    m.connect_all();
    std::fs::write("/tmp/exp/mcu.v", generate_verilog(&m)).unwrap();
    let mut s = panther_hdl::sar::SarBank::new(&p);
    s.connect_all();
    std::fs::write("/tmp/exp/sar_bank.v", generate_verilog(&s)).unwrap();
}
