//! The one register of the RTL: a D flip-flop with a synchronous, active-high reset to the
//! type's default value (0, or an enum's first state). Every state element is one of these,
//! so an undriven `rst` fails rust_hdl's connection check and no register can miss the
//! reset. The exporter (`export::emit`) writes each as an `always_ff` in its parent.

use rust_hdl::prelude::*;

/// Marks the Verilog of a [`Reg`] for the exporter, which inlines it.
pub const REG_MARKER: &str = "// panther: register";

#[derive(LogicBlock, Default)]
pub struct Reg<T: Synth> {
    pub d: Signal<In, T>,
    pub q: Signal<Out, T>,
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
}

impl<T: Synth> Logic for Reg<T> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.q.next = if self.rst.val() {
                T::default()
            } else {
                self.d.val()
            };
        }
    }

    fn connect(&mut self) {
        self.q.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "{REG_MARKER}\nalways @(posedge clock) begin\n   if (rst) q <= {:x};\n   else q <= d;\nend\n",
            T::default().verilog()
        ))
    }
}
