//! Temporary paths in flight. A writer registers its temporary file or folder while it
//! exists; on SIGINT/SIGTERM the command line removes them all before exiting, so an
//! interrupted run leaves nothing behind.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Remove `path` (a file or a folder) if the process is interrupted before [`forget`].
pub fn register(path: &Path) {
    live().insert(path.to_path_buf());
}

/// `path` is gone or has its final name: nothing to clean.
pub fn forget(path: &Path) {
    live().remove(path);
}

/// Remove every registered path (the signal handler, just before the process exits).
pub fn remove_all() {
    let paths = std::mem::take(&mut *live());
    for p in paths {
        if p.is_dir() {
            let _ = std::fs::remove_dir_all(&p);
        } else {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// Whether the process `pid` is alive (a stale temporary named after a dead process can
/// be removed).
pub fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// A folder registered for removal on interrupt, removed when dropped unless kept.
pub struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl TempDir {
    /// Create `path` (removing a leftover of the same name first).
    pub fn create(path: PathBuf) -> std::io::Result<TempDir> {
        let _ = std::fs::remove_dir_all(&path);
        register(&path);
        let d = TempDir { path, keep: false };
        std::fs::create_dir_all(&d.path)?;
        Ok(d)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder was moved to its final name (or must stay): do not remove it.
    pub fn keep(mut self) {
        self.keep = true;
        forget(&self.path);
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
            forget(&self.path);
        }
    }
}
