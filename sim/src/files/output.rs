//! Output files. A regular file (or a new name) is written to a temporary file next to it
//! and renamed over it when complete, so the final name never holds half a file; a device
//! (`/dev/null`, `/dev/full`), a FIFO or `-` (stdout) is written in place, never replaced.
//! Every error names the path, and the first write error is kept and reported by
//! [`Output::commit`], so a writer that ignores errors mid-stream cannot hide one.

use super::cleanup;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

enum Sink {
    /// A temporary file, renamed to the target by `commit`.
    Staged(tempfile::NamedTempFile),
    /// A device or FIFO, opened for writing.
    InPlace(std::fs::File),
    Stdout(io::Stdout),
}

/// An output being written; see the module comment.
pub struct Output {
    sink: Sink,
    /// The file the user named (a symlink resolved to the file it points to).
    target: PathBuf,
    shown: String,
    error: Option<(io::ErrorKind, String)>,
}

impl Output {
    /// Open `path` for writing now, so that an unwritable path fails before any work.
    pub fn create(path: &Path) -> Result<Output, String> {
        let shown = path.display().to_string();
        if shown == "-" {
            return Ok(Output {
                sink: Sink::Stdout(io::stdout()),
                target: path.to_path_buf(),
                shown: "stdout".into(),
                error: None,
            });
        }
        let target = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)
                .map_err(|e| format!("cannot write {shown}: a symlink to nothing ({e})"))?,
            _ => path.to_path_buf(),
        };
        let sink = match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => return Err(format!("cannot write {shown}: it is a folder")),
            Ok(m) if !m.is_file() => Sink::InPlace(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| format!("cannot write {shown}: {e}"))?,
            ),
            old => {
                let dir = target
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let name = target
                    .file_name()
                    .ok_or_else(|| format!("cannot write {shown}: not a file name"))?;
                let tmp = tempfile::Builder::new()
                    .prefix(&format!(".{}.", name.to_string_lossy()))
                    .suffix(".tmp")
                    .tempfile_in(dir)
                    // tempfile appends the temporary's path, which the user never named.
                    .map_err(|e| {
                        let e = e.to_string();
                        let e = e.split(" at path ").next().unwrap_or(&e).to_string();
                        format!("cannot write {shown}: {e}")
                    })?;
                cleanup::register(tmp.path());
                // The file keeps the permissions of the one it replaces; a new one gets what
                // a plain create would give (the temporary file is private until renamed).
                let permissions = match old {
                    Ok(m) => m.permissions(),
                    Err(_) => std::fs::Permissions::from_mode(0o666 & !umask()),
                };
                let _ = std::fs::set_permissions(tmp.path(), permissions);
                Sink::Staged(tmp)
            }
        };
        Ok(Output {
            sink,
            target,
            shown,
            error: None,
        })
    }

    /// The path as the user gave it (for messages).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// A regular file: side files (views, filters) may go next to it.
    pub fn is_regular_file(&self) -> bool {
        matches!(self.sink, Sink::Staged(_))
    }

    /// The target, for side files and reports.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where a writer that opens files by name (Verilator's VCD) writes until `commit`.
    pub fn write_path(&self) -> PathBuf {
        match &self.sink {
            Sink::Staged(t) => t.path().to_path_buf(),
            Sink::InPlace(_) => self.target.clone(),
            Sink::Stdout(_) => PathBuf::from("/dev/stdout"),
        }
    }

    fn note(&mut self, e: io::Error) -> io::Error {
        let kind = e.kind();
        let msg = format!("cannot write {}: {e}", self.shown);
        self.error.get_or_insert((kind, msg.clone()));
        io::Error::new(kind, msg)
    }

    /// Flush, and give the file its final name; the first error of the whole write, if any.
    pub fn commit(mut self) -> Result<(), String> {
        if let Err(e) = self.flush() {
            let _ = self.note(e);
        }
        if let Some((kind, msg)) = self.error.take() {
            // `| head` closing stdout early is not a failure of ours.
            if matches!(self.sink, Sink::Stdout(_)) && kind == io::ErrorKind::BrokenPipe {
                return Ok(());
            }
            self.discard();
            return Err(msg);
        }
        let shown = self.shown.clone();
        if let Sink::Staged(tmp) = std::mem::replace(&mut self.sink, Sink::Stdout(io::stdout())) {
            let tmp_path = tmp.path().to_path_buf();
            tmp.as_file()
                .sync_all()
                .map_err(|e| format!("cannot write {shown}: {e}"))?;
            let r = tmp.persist(&self.target);
            cleanup::forget(&tmp_path);
            r.map_err(|e| format!("cannot write {shown}: {}", e.error))?;
        }
        Ok(())
    }

    fn discard(&mut self) {
        if let Sink::Staged(tmp) = &self.sink {
            cleanup::forget(tmp.path());
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // The temporary file itself is removed by NamedTempFile's own drop.
        self.discard();
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = match &mut self.sink {
            Sink::Staged(t) => t.write(buf),
            Sink::InPlace(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        };
        r.map_err(|e| self.note(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = match &mut self.sink {
            Sink::Staged(t) => t.flush(),
            Sink::InPlace(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        };
        r.map_err(|e| self.note(e))
    }
}

/// The process's umask (Linux reports it in /proc; 022 where it does not).
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|m| u32::from_str_radix(m.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Write `bytes` to `path` whole (see [`Output`]).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut out = Output::create(path)?;
    // The error is kept and returned by commit.
    let _ = out.write_all(bytes);
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn a_regular_file_is_replaced_whole_and_keeps_its_permissions() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.json");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut out = Output::create(&p).unwrap();
        out.write_all(b"new").unwrap();
        // Until the commit the old file is whole.
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        out.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn a_new_file_gets_the_permissions_of_a_plain_create() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("new.json");
        write_file(&p, b"x").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask());
    }

    #[test]
    fn an_output_dropped_before_commit_leaves_the_old_file_and_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.json");
        std::fs::write(&p, "old").unwrap();
        let mut out = Output::create(&p).unwrap();
        out.write_all(b"half").unwrap();
        drop(out);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn devices_are_written_in_place_and_stay_devices() {
        write_file(Path::new("/dev/null"), b"x").unwrap();
        let e = write_file(Path::new("/dev/full"), b"x").unwrap_err();
        assert!(e.starts_with("cannot write /dev/full: "), "{e}");
        assert!(e.contains("No space left on device"), "{e}");
        use std::os::unix::fs::FileTypeExt;
        let m = std::fs::metadata("/dev/full").unwrap();
        assert!(m.file_type().is_char_device());
    }

    #[test]
    fn a_symlink_keeps_pointing_at_the_new_file() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.txt");
        let link = d.path().join("link.txt");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn a_folder_or_a_missing_folder_is_an_error_naming_the_path() {
        let d = tempfile::tempdir().unwrap();
        let e = write_file(d.path(), b"x").unwrap_err();
        assert!(e.ends_with("it is a folder"), "{e}");
        let p = d.path().join("no/such/out.json");
        let e = write_file(&p, b"x").unwrap_err();
        assert!(
            e.starts_with(&format!("cannot write {}: ", p.display())),
            "{e}"
        );
    }
}
