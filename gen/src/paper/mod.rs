//! `panther report paper`: every table and figure of the paper's evaluation regenerated
//! into one HTML page with its SVG figures and a Markdown twin; each number next to the
//! paper's, with the ratio, and a sentence from the model where they differ.

mod doc;
mod ops;
mod workloads;

use crate::common::{print_stdout, write_file};
use anyhow::{Context, Result};
use doc::Document;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct PaperArgs {
    /// Folder for `index.html`, `index.md` and the SVG figures.
    #[arg(long, default_value = "gen/out/paper")]
    pub out: PathBuf,
    /// The long runs: more measured steps per workload (8 instead of 1).
    #[arg(long)]
    pub full: bool,
    /// Workloads to evaluate (names or model files; default: every workload).
    #[arg(long = "workload")]
    pub workloads: Vec<String>,
}

pub fn run(a: &PaperArgs) -> Result<()> {
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let start = std::time::Instant::now();
    let mut figures: Vec<(String, String)> = Vec::new();
    let steps = if a.full { 8 } else { 1 };
    let sections = vec![
        ops::section(),
        workloads::section(&a.workloads, steps, &mut figures)?,
    ];
    let doc = Document {
        title: "PANTHER in Rust: the paper's evaluation, reproduced".into(),
        intro: vec![
            "Each table puts this model's figure next to the PANTHER paper's (A. Ankit et al., \
             IEEE Transactions on Computers 69(8), 2020) or next to the PUMA simulator's constants \
             the paper was evaluated with (github.com/Aayush-Ankit/puma-simulator, branch \
             `training`), with their ratio; where they differ, a sentence says why, from the model."
                .into(),
            format!(
                "Settings: {} (`panther report paper{}`). docs/evaluation.md describes the commands behind each section.",
                if a.full { "full" } else { "cheap (1 measured step per workload)" },
                if a.full { " --full" } else { "" }
            ),
        ],
        sections,
    };
    for (name, svg) in &figures {
        write_file(&a.out.join(name), svg.as_bytes())?;
    }
    write_file(&a.out.join("index.md"), doc.to_markdown().as_bytes())?;
    write_file(&a.out.join("index.html"), doc.to_html().as_bytes())?;
    print_stdout(&format!(
        "{}: {} sections, {} figures, in {:.1} s",
        a.out.join("index.html").display(),
        doc.sections.len(),
        doc.figures().len(),
        start.elapsed().as_secs_f64()
    ))
}

/// `ours / theirs` as text ("-" when undefined).
fn ratio(ours: f64, theirs: f64) -> String {
    if theirs == 0.0 || !ours.is_finite() {
        "-".into()
    } else {
        format!("{:.2}", ours / theirs)
    }
}
