//! Inputs read with a size cap: a device (`/dev/zero`), a runaway generator on a pipe or a
//! wrong file ends with an error naming the path instead of filling memory.

use std::io::Read;
use std::path::Path;

/// What is read, with the most it may be. The caps are far above any real input of the
/// kind (the largest example of each is under a hundredth of its cap).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputLimit {
    /// A TOML config, model file or bundle manifest.
    Document,
    /// An assembly source or a program binary.
    Program,
    /// An op file, a bundle weight file, a checkpoint.
    Data,
    /// A data set (CSV, IDX; also the decompressed size of a gzip file).
    Dataset,
}

impl InputLimit {
    pub const fn bytes(self) -> u64 {
        const MIB: u64 = 1 << 20;
        match self {
            InputLimit::Document => 16 * MIB,
            InputLimit::Program => 64 * MIB,
            InputLimit::Data => 128 * MIB,
            InputLimit::Dataset => 2048 * MIB,
        }
    }

    pub const fn what(self) -> &'static str {
        match self {
            InputLimit::Document => "a config, model or manifest",
            InputLimit::Program => "a program",
            InputLimit::Data => "an op, weight or checkpoint file",
            InputLimit::Dataset => "a data set",
        }
    }

    fn too_large(self, shown: &str) -> InputError {
        InputError::new(
            shown,
            format!(
                "larger than the {} MiB allowed for {} (is it the right file?)",
                self.bytes() >> 20,
                self.what()
            ),
        )
    }
}

/// A file that could not be read: its path and the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub problem: String,
}

impl InputError {
    fn new(path: &str, problem: impl Into<String>) -> InputError {
        InputError {
            path: path.to_string(),
            problem: problem.into(),
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

impl std::error::Error for InputError {}

impl From<InputError> for String {
    fn from(e: InputError) -> String {
        e.to_string()
    }
}

/// The bytes of `path` (`-`: stdin), at most `limit`.
pub fn read_bytes(path: &Path, limit: InputLimit) -> Result<Vec<u8>, InputError> {
    let shown = path.display().to_string();
    if shown == "-" {
        return read_capped(std::io::stdin().lock(), limit, &shown);
    }
    if path.is_dir() {
        return Err(InputError::new(&shown, "is a folder, not a file"));
    }
    let f = std::fs::File::open(path)
        .map_err(|e| InputError::new(&shown, format!("cannot read: {e}")))?;
    read_capped(f, limit, &shown)
}

/// The UTF-8 text of `path` (`-`: stdin), at most `limit`.
pub fn read_text(path: &Path, limit: InputLimit) -> Result<String, InputError> {
    let bytes = read_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        InputError::new(
            &path.display().to_string(),
            format!("line {line}: not UTF-8 text"),
        )
    })
}

/// serde_json's message without the " at line L column C" it appends (callers say where in
/// their own words).
pub fn json_message(e: &serde_json::Error) -> String {
    let m = e.to_string();
    m.split(" at line ").next().unwrap_or(&m).to_string()
}

/// Everything `r` yields, at most `limit` (a decompressor: the cap is on what comes out).
pub fn read_capped(
    mut r: impl Read,
    limit: InputLimit,
    shown: &str,
) -> Result<Vec<u8>, InputError> {
    let mut buf = Vec::new();
    (&mut r)
        .take(limit.bytes() + 1)
        .read_to_end(&mut buf)
        .map_err(|e| InputError::new(shown, format!("cannot read: {e}")))?;
    if buf.len() as u64 > limit.bytes() {
        return Err(limit.too_large(shown));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_device_is_an_error_naming_it() {
        let e = read_bytes(Path::new("/dev/zero"), InputLimit::Document)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/dev/zero: larger than the 16 MiB"), "{e}");
    }

    #[test]
    fn a_folder_and_a_missing_file_are_named() {
        let e = read_text(Path::new("/"), InputLimit::Document).unwrap_err();
        assert_eq!(e.to_string(), "/: is a folder, not a file");
        let e = read_text(Path::new("/no/such"), InputLimit::Document).unwrap_err();
        assert!(e.to_string().starts_with("/no/such: cannot read: "), "{e}");
    }

    #[test]
    fn binary_text_names_the_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.toml");
        std::fs::write(&p, b"a = 1\nb = \xff\n").unwrap();
        let e = read_text(&p, InputLimit::Document).unwrap_err();
        assert!(
            e.to_string().ends_with("x.toml: line 2: not UTF-8 text"),
            "{e}"
        );
    }
}
