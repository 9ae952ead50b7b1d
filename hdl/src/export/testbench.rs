//! A SystemVerilog testbench recorded from a rust_hdl simulation: every settled state's
//! inputs are replayed through the exported top's ports and every output is checked
//! against the value rust_hdl had in that state (which the caller has checked against the
//! golden model). It needs no DPI and no project build: `iverilog -g2012` or
//! `verilator --binary` with the stand-in file list runs it (`panther verilog --tb`).

use super::ports::{Dir, Port};
use super::SvTop;
use crate::cosim::lockstep::{hex, PortReader};
use crate::host::design_sim::Shadow;
use rust_hdl::prelude::Block;
use std::cell::RefCell;
use std::rc::Rc;

/// What a recorded simulation did: every port's value (words LSB first, indexed like the
/// top's ports) in every settled state, and whether its outputs are checked.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    pub states: Vec<(bool, Vec<Vec<u32>>)>,
}

impl Recording {
    /// Runs of one design one after another, each (after the first) preceded by a clock
    /// cycle in reset, whose outputs are not checked: the registers start again from the
    /// state rust_hdl's fresh design has. An error when `top` has no reset to do it with.
    pub fn joined(top: &SvTop, runs: &[Recording]) -> Result<Recording, String> {
        let rst = top
            .ports
            .iter()
            .position(|p| p.name == "rst" && p.dir == Dir::Input);
        let clock = top.ports.iter().position(|p| p.name == "clock");
        let mut out = Recording::default();
        for (n, run) in runs.iter().enumerate() {
            if let (true, Some(last)) = (n > 0, out.states.last().cloned()) {
                let (Some(rst), Some(clock)) = (rst, clock) else {
                    return Err(format!(
                        "`{}` has no clock and reset to run one case after another; record one case",
                        top.name
                    ));
                };
                for high in [false, true] {
                    let mut state = last.1.clone();
                    state[rst] = vec![1];
                    state[clock] = vec![high as u32];
                    out.states.push((false, state));
                }
            }
            out.states.extend(run.states.iter().cloned());
        }
        Ok(out)
    }
}

/// The [`Shadow`] that records (attach with `DesignSim::set_shadow`).
pub struct Recorder {
    reader: PortReader,
    clock: Option<usize>,
    rec: Rc<RefCell<Recording>>,
}

impl Recorder {
    /// Records the ports of `top`, found at `scope` (instance names, empty: the design).
    pub fn new(top: &SvTop, scope: &[&str]) -> (Recorder, Rc<RefCell<Recording>>) {
        let rec = Rc::new(RefCell::new(Recording::default()));
        let r = Recorder {
            reader: PortReader::within(&top.ports, scope),
            clock: top.ports.iter().position(|p| p.name == "clock"),
            rec: rec.clone(),
        };
        (r, rec)
    }
}

impl<B: Block> Shadow<B> for Recorder {
    fn settled(&mut self, uut: &B, _cycle: u64, clock_high: bool) {
        self.reader.read(uut);
        let mut state = self.reader.values.clone();
        if let Some(c) = self.clock {
            state[c] = vec![clock_high as u32];
        }
        self.rec.borrow_mut().states.push((true, state));
    }
}

/// A testbench: its module text (`<top>_tb.sv`) and its vectors (`<top>_tb.hex`).
#[derive(Debug, Clone)]
pub struct TestbenchText {
    pub sv: String,
    pub vectors: String,
}

fn decl(width: u32, name: &str) -> String {
    if width == 1 {
        format!("logic {name}")
    } else {
        format!("logic [{}:0] {name}", width - 1)
    }
}

/// The fields of one vector after its check bit, MSB first: every input but the clock,
/// the clock, every output.
fn vector_fields(ports: &[Port], clock: Option<usize>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ports.len())
        .filter(|&i| ports[i].dir == Dir::Input && Some(i) != clock)
        .collect();
    order.extend(clock);
    order.extend((0..ports.len()).filter(|&i| ports[i].dir == Dir::Output));
    order
}

/// One vector as hex digits: the check bit, then the fields of [`vector_fields`], packed
/// MSB first.
fn vector_hex(check: bool, state: &[Vec<u32>], ports: &[Port], fields: &[usize]) -> String {
    // Pack LSB first into 32-bit words, then print MSB first.
    let total: u32 = fields.iter().map(|&i| ports[i].width).sum::<u32>() + 1;
    let mut words = vec![0u32; total.div_ceil(32) as usize];
    let mut at = 0u32;
    for &i in fields.iter().rev() {
        for b in 0..ports[i].width {
            let bit = state[i]
                .get((b / 32) as usize)
                .map_or(0, |w| (w >> (b % 32)) & 1);
            if bit == 1 {
                words[((at + b) / 32) as usize] |= 1 << ((at + b) % 32);
            }
        }
        at += ports[i].width;
    }
    if check {
        words[(at / 32) as usize] |= 1 << (at % 32);
    }
    let mut h = hex(&words, total);
    h.drain(..h.find('h').map_or(0, |k| k + 1));
    h
}

/// The testbench module `<top>_tb` for `rec`; `title` says what was recorded.
pub fn testbench_sv(top: &SvTop, rec: &Recording, title: &str) -> TestbenchText {
    let name = format!("{}_tb", top.name);
    let ports = &top.ports;
    let clock = ports.iter().position(|p| p.name == "clock");
    let rst = ports
        .iter()
        .position(|p| p.name == "rst" && p.dir == Dir::Input);
    let fields = vector_fields(ports, clock);
    let width: u32 = fields.iter().map(|&i| ports[i].width).sum::<u32>() + 1;
    let outputs: Vec<&Port> = ports.iter().filter(|p| p.dir == Dir::Output).collect();
    let mut s = format!(
        "// {name}.sv: generated by `panther verilog --tb`; do not edit.\n\
         // Replays {title} through the ports of `{top}`: {n} settled states (two per clock\n\
         // cycle) recorded from the rust_hdl design, every output checked in every state.\n\
         // The vectors are in `{name}.hex` (+vectors=PATH to read another file), one state\n\
         // per line: {{check, inputs but the clock, clock, outputs}} in port order, MSB first\n\
         // (states with check 0 are a reset between two recorded runs).\n\
         // A synchronous reset first brings the registers to the state rust_hdl starts from.\n\
         module {name};\n\
         \x20   localparam integer STATES = {n};\n\
         \x20   localparam integer WIDTH = {width};\n",
        top = top.name,
        n = rec.states.len(),
    );
    for p in ports {
        s += &format!("    {};\n", decl(p.width, &p.name));
    }
    for p in &outputs {
        s += &format!("    {};\n", decl(p.width, &format!("expected_{}", p.name)));
    }
    s += "    logic tb_check;\n";
    if clock.is_some() {
        s += "    logic tb_clock_next;\n";
    }
    s += "    logic [WIDTH-1:0] tb_vectors [0:STATES-1];\n";
    s += "    string tb_path;\n    integer tb_state, tb_errors, tb_checked;\n\n";
    let conns: Vec<String> = ports
        .iter()
        .map(|p| format!("        .{0}({0})", p.name))
        .collect();
    s += &format!("    {} dut (\n{}\n    );\n\n", top.name, conns.join(",\n"));
    s += "    // A state lasts 5 time units: its clock edge, the other inputs 1 unit later (rust_hdl's\n";
    s += "    // registers take the values from before the edge), outputs checked 4 units after that.\n";
    s += "    task automatic check;\n        tb_checked = tb_checked + 1;\n";
    for p in &outputs {
        s += &format!(
            "        if ({n} !== expected_{n}) begin\n            tb_errors = tb_errors + 1;\n            if (tb_errors <= 10) $display(\"state %0d: {n} = %h, expected %h\", tb_state, {n}, expected_{n});\n        end\n",
            n = p.name
        );
    }
    s += "    endtask\n\n    initial begin\n";
    s += &format!(
        "        if (!$value$plusargs(\"vectors=%s\", tb_path)) tb_path = \"{name}.hex\";\n\
         \x20       $readmemh(tb_path, tb_vectors);\n\
         \x20       tb_errors = 0;\n\
         \x20       tb_checked = 0;\n"
    );
    for p in ports.iter().filter(|p| p.dir == Dir::Input) {
        s += &format!("        {} = '0;\n", p.name);
    }
    if let (Some(r), Some(c)) = (rst, clock) {
        s += &format!(
            "        {r} = 1'b1;\n        #5 {c} = 1'b1;\n        #5 {c} = 1'b0;\n        {r} = 1'b0;\n",
            r = ports[r].name,
            c = ports[c].name
        );
    }
    let targets: Vec<String> = std::iter::once("tb_check".to_string())
        .chain(fields.iter().map(|&i| match ports[i].dir {
            Dir::Input if Some(i) == clock => "tb_clock_next".to_string(),
            Dir::Input => ports[i].name.clone(),
            Dir::Output => format!("expected_{}", ports[i].name),
        }))
        .collect();
    s += "        for (tb_state = 0; tb_state < STATES; tb_state = tb_state + 1) begin\n";
    if let Some(c) = clock {
        s += &format!(
            "            tb_clock_next = tb_vectors[tb_state][{at}];\n            {c} = tb_clock_next;\n",
            at = outputs.iter().map(|p| p.width).sum::<u32>(),
            c = ports[c].name
        );
    }
    s += &format!(
        "            #1 {{{}}} = tb_vectors[tb_state];\n            #4 if (tb_check) check;\n        end\n",
        targets.join(", ")
    );
    s += &format!(
        "        if (tb_errors == 0) $display(\"PASS {name}: %0d states, %0d checked\", tb_state, tb_checked);\n\
         \x20       else $display(\"FAIL {name}: %0d values differ in %0d checked states\", tb_errors, tb_checked);\n\
         \x20       $finish;\n    end\nendmodule : {name}\n"
    );
    let mut vectors = String::with_capacity(rec.states.len() * (width as usize / 4 + 2));
    for st in &rec.states {
        vectors += &vector_hex(st.0, &st.1, ports, &fields);
        vectors.push('\n');
    }
    TestbenchText { sv: s, vectors }
}
