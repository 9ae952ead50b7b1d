//! `panther tops`: the registry of exported tops (what `--top` takes everywhere).

use crate::common::{print_stdout, table};
use anyhow::Result;
use panther_testbenches::tops::TOPS;

#[derive(clap::Args)]
pub struct TopsArgs {
    /// Names only, one per line (for scripts).
    #[arg(long, conflicts_with = "json")]
    pub names: bool,
    /// JSON: name, description, whether the testbench runs inside the MCU.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &TopsArgs) -> Result<()> {
    if a.names {
        let names: Vec<&str> = TOPS.iter().map(|t| t.name).collect();
        return print_stdout(&names.join("\n"));
    }
    if a.json {
        let rows: Vec<serde_json::Value> = TOPS
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name,
                    "about": t.about,
                    "tested_in_mcu": t.tested_in_mcu,
                })
            })
            .collect();
        return print_stdout(&serde_json::to_string_pretty(&rows)?);
    }
    let rows: Vec<Vec<String>> = TOPS
        .iter()
        .map(|t| {
            let tested = if t.tested_in_mcu { "the MCU" } else { "alone" };
            vec![t.name.to_string(), tested.to_string(), t.about.to_string()]
        })
        .collect();
    print_stdout(table(&["top", "tested", "what it is"], &rows).trim_end())
}
