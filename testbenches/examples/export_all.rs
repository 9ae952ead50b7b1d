use panther_hdl::export::tops;
use panther_hdl::params::RtlParams;
fn main() {
    let cfg =
        panther_sim::config::Config::load(std::path::Path::new("examples/configs/tiny-4x4.toml"))
            .unwrap();
    let p = RtlParams::from_config(&cfg, "x").unwrap();
    for name in tops::names() {
        let dir = std::path::PathBuf::from(format!("/tmp/exp/out/{name}"));
        let t = tops::export(name, &cfg, &p).unwrap();
        panther_testbenches::sv::write_package(&t, &cfg, "tiny", &dir).unwrap();
        for (g, r) in [
            ("lint", panther_testbenches::sv::lint(&dir, &t)),
            ("iverilog", panther_testbenches::sv::iverilog(&dir, &t)),
            ("yosys", panther_testbenches::sv::yosys_check(&dir, &t)),
        ] {
            match r {
                Ok(_) => println!("{name} {g} ok"),
                Err(e) => println!("{name} {g} FAIL {}", &e[..e.len().min(1500)]),
            }
        }
        match panther_testbenches::sv::synth(&dir, &t) {
            Ok(r) => println!("{name} synth cells {}", r.cells),
            Err(e) => println!("{name} synth FAIL {}", &e[..e.len().min(800)]),
        }
    }
}
