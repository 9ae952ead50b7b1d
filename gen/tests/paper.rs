//! `panther report paper`: the page and its Markdown twin, every number next to the paper's,
//! and every figure loading in a real browser (headless Chromium).

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// The page as headless Chromium sees it once loaded: `<img>` tags with the page's own
/// `data-loaded` marks.
fn rendered_images(page: &Path, profile: &Path) -> Vec<String> {
    let o = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=10000",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &format!("file://{}", page.display()),
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run chromium ({e}): install it with `apt-get install -y chromium` (.ci/install-tools.sh does)")
        });
    assert!(
        o.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dom = String::from_utf8(o.stdout).unwrap();
    dom.match_indices("<img")
        .map(|(i, _)| dom[i..i + dom[i..].find('>').unwrap() + 1].to_string())
        .collect()
}

#[test]
fn the_paper_report_puts_each_number_next_to_the_paper_s_and_every_figure_loads() {
    let scratch = Scratch::new();
    let out = scratch.file("paper");
    let o = panther(&[
        "report",
        "paper",
        "--out",
        out.to_str().unwrap(),
        "--workload",
        &repo("examples/models/digits-mlp.toml"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("index.md")).unwrap();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // The per-operation table against the simulator's figures, with ratios.
    assert!(
        md.contains("| `panther` | MVM | 1800 | 1800 | 1.00 | 39.6 | 39.6 | 1.00 |"),
        "{md}"
    );
    assert!(
        md.contains("| `base-mvm` | OPA | 11993 | 1024 | 11.71 |"),
        "{md}"
    );
    // The headline claims next to ours, and a sentence for each deviation.
    assert!(md.contains("| digital accelerator | 8.02 |"), "{md}");
    assert!(
        md.contains("| ReRAM accelerators with serial weight updates | 54.21 |"),
        "{md}"
    );
    assert!(
        md.contains("the serial write of the updated slice arrays"),
        "{md}"
    );
    assert!(md.contains("counts 16 x 16 = 256"), "{md}");
    // Every figure of the Markdown twin is on the page and on disk, and loads.
    let figures: Vec<&str> = md
        .match_indices("](")
        .map(|(i, _)| &md[i + 2..i + 2 + md[i + 2..].find(')').unwrap()])
        .collect();
    assert!(figures.len() >= 5, "{figures:?}");
    for f in &figures {
        assert!(out.join(f).is_file(), "{f}");
        assert!(html.contains(&format!("src=\"{f}\"")), "{f} on the page");
    }
    let page = out.join("index.html");
    let profile = scratch.file("chromium-profile");
    let imgs = rendered_images(&page, &profile);
    assert_eq!(imgs.len(), figures.len(), "{imgs:?}");
    for i in &imgs {
        assert!(
            i.contains("data-loaded=\"true\""),
            "a figure did not load: {i}"
        );
    }
    // The check can fail: a missing figure is reported as not loaded.
    std::fs::remove_file(out.join(figures[0])).unwrap();
    let imgs = rendered_images(&page, &profile);
    let broken: Vec<&String> = imgs
        .iter()
        .filter(|i| i.contains("data-loaded=\"false\""))
        .collect();
    assert_eq!(broken.len(), 1, "{imgs:?}");
    assert!(broken[0].contains(figures[0]));
}

#[test]
fn the_paper_report_refuses_bad_input_before_running() {
    let o = panther(&["report", "paper", "--out", "/proc/nope/paper"]);
    fails_with(&o, &["cannot create /proc/nope/paper"]);
    let scratch = Scratch::new();
    let o = panther(&[
        "report",
        "paper",
        "--out",
        scratch.file("p").to_str().unwrap(),
        "--workload",
        "nope",
    ]);
    fails_with(&o, &["--workload nope: no such file, and not a workload"]);
}
