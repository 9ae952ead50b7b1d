//! The port list of a generated module, read from rust_hdl's declarations
//! (`input wire [9:0] load_addr;`), and the names the exported wrapper gives them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    Input,
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    /// The name in the exported wrapper (`trial_3`).
    pub name: String,
    /// The name rust_hdl gives it (`trial$3`): the core's port and the probe's signal name.
    pub rtl_name: String,
    pub dir: Dir,
    pub width: u32,
}

impl Port {
    /// 32-bit words a value of this port takes.
    pub fn words(&self) -> usize {
        self.width.div_ceil(32) as usize
    }
}

/// rust_hdl names vector elements `name$i`; the wrapper calls them `name_i`.
pub fn wrapper_name(rtl_name: &str) -> String {
    rtl_name.replace('$', "_")
}

/// The ports of `module <module>(...)` in `verilog`, in declaration order.
pub fn parse_ports(verilog: &str, module: &str) -> Result<Vec<Port>, String> {
    let head = format!("module {module}(");
    let start = verilog
        .find(&head)
        .ok_or_else(|| format!("generated Verilog has no `module {module}`"))?;
    let body = &verilog[start..];
    let end = body.find("endmodule").unwrap_or(body.len());
    let mut ports = Vec::new();
    for line in body[..end].lines().skip(1) {
        let mut words = line.split_whitespace().peekable();
        let dir = match words.next() {
            Some("input") => Dir::Input,
            Some("output") => Dir::Output,
            _ => continue,
        };
        let mut rest: Vec<&str> = words.filter(|w| *w != "wire" && *w != "reg").collect();
        let Some(last) = rest.pop() else {
            return Err(format!("cannot read port declaration `{}`", line.trim()));
        };
        let name = last.trim_end_matches(';').to_string();
        let width = match rest.first() {
            None => 1,
            Some(range) => range
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(":0]"))
                .and_then(|msb| msb.parse::<u32>().ok())
                .map(|msb| msb + 1)
                .ok_or_else(|| format!("cannot read the range of port `{name}`: `{range}`"))?,
        };
        ports.push(Port {
            name: wrapper_name(&name),
            rtl_name: name,
            dir,
            width,
        });
    }
    if ports.is_empty() {
        return Err(format!("module {module} declares no ports"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in &ports {
        if !seen.insert(p.name.as_str()) {
            return Err(format!("two ports map to the wrapper name `{}`", p.name));
        }
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_directions_widths_and_vector_names() {
        let v = "module top(a,b$0,c);\n    input wire  clock;\n    input wire  [9:0] b$0;\n    output reg  [47:0] c;\n    \n    // Constant declarations\n    localparam x = 1;\nendmodule\n";
        let p = parse_ports(v, "top").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(
            (p[1].name.as_str(), p[1].rtl_name.as_str(), p[1].width),
            ("b_0", "b$0", 10)
        );
        assert_eq!((p[2].dir, p[2].width, p[2].words()), (Dir::Output, 48, 2));
        assert!(parse_ports(v, "other").is_err());
        assert!(parse_ports("module top(a);\n input wire [x:0] a;\nendmodule", "top").is_err());
    }
}
