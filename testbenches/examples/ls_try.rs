use panther_hdl::harness::RtlMcu;
use panther_testbenches::verilator::lockstep::attach;
fn main() {
    let cfg =
        panther_sim::config::Config::load(std::path::Path::new("examples/configs/tiny-4x4.toml"))
            .unwrap();
    let file: panther_sim::opfile::OpFile =
        serde_json::from_str(&std::fs::read_to_string("examples/ops/opa-4x4.json").unwrap())
            .unwrap();
    let mut rtl = RtlMcu::new(&cfg, "x").unwrap();
    let t = std::time::Instant::now();
    let (rep, ls) = attach(&mut rtl.bench, "mcu").unwrap();
    println!("attach {:?}", t.elapsed());
    rtl.bench.set_shadow(Box::new(ls));
    let t = std::time::Instant::now();
    let r = panther_sim::opfile::run_ops(&mut rtl, &file, &cfg, "x", |_, _| {}).unwrap();
    println!(
        "ran {:?} cycles {} results {}",
        t.elapsed(),
        rtl.cycles(),
        r.len()
    );
    println!("{:?}", rep.borrow());
}
