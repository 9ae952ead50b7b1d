//! `panther config show|check`.

use crate::common::{emit, load_config};
use anyhow::Result;
use panther_sim::config::{Config, Preset};
use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum ConfigCmd {
    /// Print the effective configuration as TOML.
    Show {
        /// A preset name (`panther config list`).
        #[arg(long, conflicts_with = "config")]
        preset: Option<String>,
        /// A TOML file (or preset name) to load, validate and print in full.
        #[arg(long, short = 'c')]
        config: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
    },
    /// Validate a TOML config file.
    Check { file: PathBuf },
    /// List the presets.
    List,
}

pub fn run(c: &ConfigCmd) -> Result<()> {
    match c {
        ConfigCmd::Show {
            preset,
            config,
            out,
        } => {
            let cfg = match (preset, config) {
                (Some(p), _) => Preset::from_name(p)?.config(),
                (None, Some(c)) => load_config(c)?,
                (None, None) => Preset::Panther.config(),
            };
            emit(out.as_ref(), &cfg.to_toml())
        }
        ConfigCmd::Check { file } => {
            let cfg = Config::load(file)?;
            println!(
                "{}: ok (name {}, variant {}, {}x{} arrays, ADC {} bits, hash {})",
                file.display(),
                cfg.name,
                cfg.variant,
                cfg.array.rows,
                cfg.array.cols,
                cfg.adc_bits(),
                cfg.hash_hex()
            );
            // The RTL has limits of its own (index widths); the golden model does not.
            match panther_hdl::params::RtlParams::from_config(&cfg, &file.display().to_string()) {
                Ok(_) => println!("{}: fits the RTL", file.display()),
                Err(e) => println!(
                    "{}: golden model and architectural simulator only; the RTL refuses it: `{}` {}",
                    file.display(),
                    e.field,
                    e.message
                ),
            }
            Ok(())
        }
        ConfigCmd::List => {
            for p in Preset::ALL {
                let c = p.config();
                println!(
                    "{:<13} {}x{}, ADC {} bits, cells {:?}: {}",
                    p.name(),
                    c.array.rows,
                    c.array.cols,
                    c.adc_bits(),
                    c.slicing.cell_bits,
                    p.summary()
                );
            }
            Ok(())
        }
    }
}
