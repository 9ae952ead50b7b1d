//! The docs stay true to the code: docs/rtl.md lists exactly the registry's tops, the test
//! plan names every test of the workspace, and no project file cites a file that is not in
//! the repository.

use panther_testbenches::tops::TOPS;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The project's own text files (sources, docs, configs, scripts), not build outputs.
fn project_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                if !["target", ".git", "out", "proptest-regressions"].contains(&name.as_str()) {
                    walk(&p, out);
                }
            } else if [".rs", ".md", ".toml", ".tmpl", ".sh", ".s", ".json", ".lib"]
                .iter()
                .any(|x| name.ends_with(x))
                || ["Makefile", "run"].contains(&name.as_str())
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo(), &mut out);
    out.sort();
    out
}

/// One line per top in docs/rtl.md's block table, in registry order, and nothing else.
#[test]
fn the_block_table_of_docs_rtl_lists_every_top() {
    let doc = read("docs/rtl.md");
    let section = doc
        .split("## Blocks")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("docs/rtl.md has a `## Blocks` section");
    let rows: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let tops: Vec<&str> = TOPS.iter().map(|t| t.name).collect();
    assert_eq!(rows, tops, "docs/rtl.md block table vs the registry");
}

/// Every `#[test]` function of the workspace (proptest ones included) appears in
/// testbenches/TESTPLAN.md in backquotes, alone or as the last part of a path (`opa::name`).
#[test]
fn every_test_is_in_the_testplan() {
    let plan = read("testbenches/TESTPLAN.md");
    let quoted: std::collections::BTreeSet<&str> = plan
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|q| q.rsplit("::").next().unwrap_or(q))
        .collect();
    let mut missing = Vec::new();
    let mut found = 0;
    for file in project_files() {
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if line.trim() != "#[test]" {
                continue;
            }
            // The function follows, after any further attributes.
            let Some(sig) = lines.by_ref().find(|l| l.contains("fn ")) else {
                break;
            };
            let after = &sig[sig.find("fn ").unwrap() + 3..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found += 1;
            if !quoted.contains(name.as_str()) {
                let rel = file.strip_prefix(repo()).unwrap().display().to_string();
                missing.push(format!("{rel}: {name}"));
            }
        }
    }
    assert!(found > 100, "the scan found only {found} tests");
    assert!(
        missing.is_empty(),
        "tests missing from testbenches/TESTPLAN.md:\n{}",
        missing.join("\n")
    );
}

/// Paths a project file mentions under the repository's own folders exist, and nothing
/// cites the notes the project was built from instead of the primary sources.
#[test]
fn no_project_file_cites_a_missing_file() {
    let roots = [
        "docs/",
        "sim/",
        "hdl/",
        "gen/",
        "testbenches/",
        "constraints/",
        "examples/",
        ".ci/",
    ];
    let path_char = |c: char| c.is_ascii_alphanumeric() || "_-./".contains(c);
    let mut bad = Vec::new();
    for file in project_files() {
        let rel = file.strip_prefix(repo()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in ["reference/panther.md", "DESIGN.md", "../shared"] {
            if text.contains(forbidden) && rel != "testbenches/tests/docs.rs" {
                bad.push(format!("{rel}: cites {forbidden}"));
            }
        }
        for (i, sep) in text.match_indices(|c: char| !path_char(c)) {
            let start = i + sep.len();
            let Some(root) = roots.iter().find(|r| text[start..].starts_with(**r)) else {
                continue;
            };
            let path: String = text[start..]
                .chars()
                .take_while(|&c| path_char(c))
                .collect();
            let path = path.trim_end_matches(['.', '/']);
            // Generated or placeholder paths (`gen/out/x.vcd`, `docs/NAME.md`) are not cited files.
            let placeholder = path.contains("NAME") || path.contains("gen/out") || path == *root;
            let has_file = Path::new(path).extension().is_some();
            if has_file && !placeholder && !repo().join(path).exists() {
                bad.push(format!("{rel}: `{path}` does not exist"));
            }
        }
    }
    bad.sort();
    bad.dedup();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
