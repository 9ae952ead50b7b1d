//! The bodies of the fuzz targets, one `fn(&[u8])` per parser of the project (docs/fuzzing.md).
//! The cargo-fuzz targets in `fuzz/fuzz_targets/` call them, and the replay test
//! (`testbenches/tests/fuzz_replay.rs`, which includes this file) runs every kept input
//! through them on stable.
//!
//! A body panics only on a bug: an error returned by a parser is a correct answer to bad
//! input. Besides "no panic", some bodies check a property that the parsed value promises
//! (a valid config reloads from its own TOML, assembled instructions encode and decode
//! back, a disassembly re-assembles to the same words).
//!
//! This file uses nothing but `panther-sim`, `tempfile`, `toml` and std, so that both crates can
//! build it.

use panther_sim::arch::bundle::Manifest;
use panther_sim::arch::{ArchConfig, Bundle};
use panther_sim::isa::{self, encoding};
use panther_sim::opfile::OpFile;
use panther_sim::train::{data, Checkpoint, Model};
use panther_sim::{Config, Preset};
use std::path::PathBuf;

/// A target's body: the input, and a panic for a bug.
pub type Body = fn(&[u8]);

/// Every target: its name (the folder under `fuzz/seeds/`, `fuzz/regressions/` and
/// `fuzz/corpus/`) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("config", config),
    ("opfile", opfile),
    ("asm", asm),
    ("disasm", disasm),
    ("bundle", bundle),
    ("model", model),
    ("data", data),
    ("checkpoint", checkpoint),
];

fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// The TOML machine config (`Config::from_toml_str`, which `Config::load` uses: parse and
/// validate), then what a valid config promises: its ADC resolution, and the same config
/// back from its own TOML (checkpoints store the config so).
pub fn config(bytes: &[u8]) {
    let Some(src) = text(bytes) else { return };
    let Ok(cfg) = Config::from_toml_str(src, "fuzz.toml") else {
        return;
    };
    let _ = (cfg.adc_bits(), cfg.lossless_adc_bits(), cfg.hash_hex());
    let written = cfg.to_toml();
    let again = Config::from_toml_str(&written, "again.toml")
        .unwrap_or_else(|e| panic!("a valid config does not reload from its TOML: {e}\n{written}"));
    assert!(
        again == cfg,
        "the config changes through its TOML:\n{written}"
    );
}

/// The JSON op file, then its effective configuration (which validates it).
pub fn opfile(bytes: &[u8]) {
    let Some(src) = text(bytes) else { return };
    let Ok(file) = OpFile::parse(src, "fuzz.json") else {
        return;
    };
    let _ = file.effective_config(None, "fuzz.json");
}

/// The assembler; every instruction it accepts is valid and decodes back from its encoding.
pub fn asm(bytes: &[u8]) {
    let Some(src) = text(bytes) else { return };
    let Ok(program) = isa::assemble(src, "fuzz.s") else {
        return;
    };
    assert_eq!(program.instrs.len(), program.lines.len());
    for ins in &program.instrs {
        if let Err(e) = ins.validate() {
            panic!("the assembler accepted an invalid instruction {ins:?}: {e}");
        }
        let word = isa::encode(ins);
        assert_eq!(isa::decode(word).as_ref(), Ok(ins), "word {word:#018x}");
    }
}

/// A program binary (64-bit little-endian words) and its disassembly, which re-assembles to
/// the same words (the disassembler's promise).
pub fn disasm(bytes: &[u8]) {
    let Ok(words) = encoding::from_bytes(bytes) else {
        return;
    };
    let Ok(listing) = isa::disassemble_words(&words) else {
        return;
    };
    let program = isa::assemble(&listing, "disasm.s")
        .unwrap_or_else(|e| panic!("the disassembly does not assemble: {e}\n{listing}"));
    let again: Vec<u64> = program.instrs.iter().map(isa::encode).collect();
    assert_eq!(
        again, words,
        "the disassembly assembles to other words:\n{listing}"
    );
}

/// The folder the bundle body loads manifests in: the program and weight files of
/// examples/bundles/, and two binary programs, so that a manifest can name them.
fn bundle_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let files: [(&str, &[u8]); 9] = [
        (
            "train_step.s",
            include_bytes!("../../examples/bundles/mlp-train-step/train_step.s"),
        ),
        (
            "w1.json",
            include_bytes!("../../examples/bundles/mlp-train-step/w1.json"),
        ),
        (
            "w2.json",
            include_bytes!("../../examples/bundles/mlp-train-step/w2.json"),
        ),
        (
            "consumer.s",
            include_bytes!("../../examples/bundles/producer-consumer/consumer.s"),
        ),
        (
            "producer.s",
            include_bytes!("../../examples/bundles/producer-consumer/producer.s"),
        ),
        (
            "tile0.s",
            include_bytes!("../../examples/bundles/producer-consumer/tile0.s"),
        ),
        (
            "tile1.s",
            include_bytes!("../../examples/bundles/producer-consumer/tile1.s"),
        ),
        ("core.bin", include_bytes!("../seeds/disasm/producer.bin")),
        ("tile.bin", include_bytes!("../seeds/disasm/tile0.bin")),
    ];
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("writing a bundle file");
    }
    dir
}

thread_local! {
    /// One folder per thread, made once (the fuzzer runs millions of inputs).
    static BUNDLE_DIR: tempfile::TempDir = bundle_dir();
}

/// The bundle manifest, written as `bundle.toml` into a folder with a few program files and
/// loaded with `Bundle::load_with` (default machine constants). A manifest could name any
/// file of the machine (`/dev/zero` never ends): one whose program paths have a `/` is
/// skipped, so that the programs read are the folder's.
pub fn bundle(bytes: &[u8]) {
    let Some(src) = text(bytes) else { return };
    if let Ok(m) = toml::from_str::<Manifest>(src) {
        let mut programs = m.tiles.iter().flat_map(|t| {
            let cores = t.cores.iter().map(|c| Some(&c.program));
            cores.chain([t.program.as_ref()]).flatten()
        });
        if programs.any(|p| p.contains('/')) {
            return;
        }
    }
    BUNDLE_DIR.with(|dir| {
        let manifest: PathBuf = dir.path().join("bundle.toml");
        std::fs::write(&manifest, src).expect("writing bundle.toml");
        let _ = Bundle::load_with(dir.path(), &ArchConfig::default());
    });
}

/// The training model file (parsed and validated), its widths, and its rules against the
/// `panther` preset.
pub fn model(bytes: &[u8]) {
    let Some(src) = text(bytes) else { return };
    let Ok(m) = Model::from_toml_str(src, "fuzz.toml") else {
        return;
    };
    let _ = (m.widths(), m.outputs());
    let _ = m.validate_for(&m.config_for(&Preset::Panther.config()), "fuzz.toml");
}

/// Data sets: the input as CSV (gzipped or not), as one IDX file, and as an IDX images file
/// followed by its IDX labels file (split where the first file's header says it ends).
pub fn data(bytes: &[u8]) {
    let _ = data::parse_csv(bytes, "fuzz.csv");
    let _ = data::parse_idx(bytes, "fuzz.idx");
    let (images, labels) = bytes.split_at(idx_len(bytes).unwrap_or(bytes.len()));
    let (Ok(images), Ok(labels)) = (
        data::parse_idx(images, "images.idx"),
        data::parse_idx(labels, "labels.idx"),
    ) else {
        return;
    };
    let _ = data::idx_dataset(images, labels, "images.idx", "labels.idx");
}

/// The length of the IDX file at the start of `b` by its header (magic, dimension count,
/// dimensions), where the header is whole and the length fits.
fn idx_len(b: &[u8]) -> Option<usize> {
    let n = *b.get(3)? as usize;
    let header = 4 + 4 * n;
    let dims = b.get(4..header)?;
    dims.chunks_exact(4)
        .map(|d| u32::from_be_bytes(d.try_into().expect("4 bytes")) as usize)
        .try_fold(1usize, |a, d| a.checked_mul(d))?
        .checked_add(header)
        .filter(|&len| len <= b.len())
}

/// A training checkpoint (JSON).
pub fn checkpoint(bytes: &[u8]) {
    let Some(src) = text(bytes) else { return };
    let _ = Checkpoint::from_json(src, "fuzz.json");
}
