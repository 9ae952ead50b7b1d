use panther_hdl::harness::RtlMcu;
use panther_sim::config::Variant;
use panther_sim::opfile::McuBackend;
use panther_sim::Mcu;
fn main() {
    let cfg = panther_testbenches::small_config(4, Variant::V1, 2, true);
    let mut rtl = RtlMcu::new(&cfg, "x").unwrap();
    let mut g = Mcu::new(&cfg, 0);
    let w: Vec<i64> = vec![
        1, -2, 3, -4, 100, 200, -300, 4000, 32767, -32768, 0, 5, 7, 7, 7, 7,
    ];
    let t = std::time::Instant::now();
    rtl.write_weights(&w).unwrap();
    g.write_weights(&w).unwrap();
    println!("write: cycles {} {:?}", rtl.cycles, t.elapsed());
    println!(
        "rtl {:?}\ngold {:?}",
        rtl.read_weights(),
        McuBackend::read_weights(&mut g)
    );
    println!("read: cycles {} {:?}", rtl.cycles, t.elapsed());
    println!(
        "rtl {:?}\ngold {:?}",
        rtl.mvm(&[1, 2, 3, 4]),
        g.mvm(&[1, 2, 3, 4])
    );
    println!(
        "rtl {:?}\ngold {:?}",
        rtl.mtvm(&[-5, 6, -7, 8]),
        g.mtvm(&[-5, 6, -7, 8])
    );
    let (x, d) = (vec![4096, -4096, 300, 0], vec![4096, 2048, -100, 7]);
    println!("rtl {:?}\ngold {:?}", rtl.opa(&x, &d), g.opa(&x, &d));
    println!("cycles {} {:?}", rtl.cycles, t.elapsed());
    println!(
        "rtl {:?}\ngold {:?}",
        rtl.read_weights(),
        McuBackend::read_weights(&mut g)
    );
    println!("rtl {:?}\ngold {:?}", rtl.crs(), g.crs());
    println!("cycles {} {:?}", rtl.cycles, t.elapsed());
    println!(
        "rtl {:?}\ngold {:?}",
        rtl.read_weights(),
        McuBackend::read_weights(&mut g)
    );
}
