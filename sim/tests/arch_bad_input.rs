//! Bad bundles and runtime faults end with a clear error, never a panic.

use panther_sim::arch::{run_bundle, Bundle};
use panther_sim::Preset;

/// A bundle folder with these files, removed when the returned handle drops.
fn write_bundle(name: &str, manifest: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(&format!("panther-bad-{name}-"))
        .tempdir()
        .unwrap();
    std::fs::write(dir.path().join("bundle.toml"), manifest).unwrap();
    for (f, text) in files {
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    dir
}

const ONE_CORE: &str =
    "name = 'x'\n[[tiles]]\nid = 0\n  [[tiles.cores]]\n  id = 0\n  program = 'c.s'\n";

#[test]
fn assembly_errors_carry_file_line_column() {
    let dir = write_bundle(
        "asm",
        ONE_CORE,
        &[("c.s", "nop\nld 1536, 1537, 99, 1\nhlt\n")],
    );
    let e = Bundle::load(dir.path()).unwrap_err();
    assert!(
        e.contains("c.s:2:16: width = 99 is out of range; allowed 1..=16"),
        "{e}"
    );
}

#[test]
fn tile_instructions_in_core_programs_are_rejected() {
    let dir = write_bundle("kind", ONE_CORE, &[("c.s", "send 0, 1, 4, 1\nhlt\n")]);
    let e = Bundle::load(dir.path()).unwrap_err();
    assert!(e.contains("c.s:1: `send` is a tile instruction"), "{e}");
}

#[test]
fn manifest_mistakes_name_the_line_or_field() {
    let dir = write_bundle(
        "manifest",
        "name = 'x'\n[[tiles]]\nid = 0\nprogramm = 't.s'\n",
        &[],
    );
    let e = Bundle::load(dir.path()).unwrap_err();
    assert!(
        e.contains("bundle.toml:") && e.contains("unknown field `programm`"),
        "{e}"
    );
    let dir = write_bundle(
        "arch",
        "name = 'x'\n[arch]\nvfu_lanes = 0\n[[tiles]]\nid = 0\n",
        &[],
    );
    assert!(Bundle::load(dir.path())
        .unwrap_err()
        .contains("arch.vfu_lanes"));
    let dir = write_bundle("missing", ONE_CORE, &[]);
    assert!(Bundle::load(dir.path())
        .unwrap_err()
        .contains("cannot read program"));
    let dir = write_bundle(
        "weights",
        "name = 'x'\n[[tiles]]\nid = 0\n  [[tiles.cores]]\n  id = 0\n  program = 'c.s'\n    [[tiles.cores.weights]]\n    mcu = 0\n    words = [1, 2]\n",
        &[("c.s", "hlt\n")],
    );
    let b = Bundle::load(dir.path()).unwrap();
    let e = run_bundle(&Preset::Small.config(), &b, 100, &[], None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("weights[0]") && e.contains("has 2 elements; this MCU needs 256"),
        "{e}"
    );
}

#[test]
fn runtime_faults_are_errors() {
    // Running off the end of the program.
    let dir = write_bundle("end", ONE_CORE, &[("c.s", "nop\n")]);
    let b = Bundle::load(dir.path()).unwrap();
    let e = run_bundle(&Preset::Small.config(), &b, 100, &[], None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("pc 1 is past the end of the program"), "{e}");
    // A vector running past the address space.
    let dir = write_bundle("range", ONE_CORE, &[("c.s", "cp 3580, 1536, 8\nhlt\n")]);
    let b = Bundle::load(dir.path()).unwrap();
    let e = run_bundle(&Preset::Small.config(), &b, 100, &[], None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cp d1 words 3580..3588 leave the 3584-word address space"),
        "{e}"
    );
    // A load beyond the shared memory.
    let dir = write_bundle(
        "edram",
        ONE_CORE,
        &[("c.s", "set 1536, -1, 1\nld 1600, 1536, 4, 1\nhlt\n")],
    );
    let b = Bundle::load(dir.path()).unwrap();
    let e = run_bundle(&Preset::Small.config(), &b, 100, &[], None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("outside the 32768-word shared memory"), "{e}");
    // A bad dump region.
    let dir = write_bundle("dump", ONE_CORE, &[("c.s", "hlt\n")]);
    let b = Bundle::load(dir.path()).unwrap();
    let e = run_bundle(
        &Preset::Small.config(),
        &b,
        100,
        &["tile0.core0.dmem[5..]".into()],
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("dump region") && e.contains("allowed:"), "{e}");
}
