use rust_hdl::prelude::*;
fn main() {
    let mut d = panther_hdl::drivers::LineDrivers::new(3);
    d.connect_all();
    println!("{}", generate_verilog(&d));
}
