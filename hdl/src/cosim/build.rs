//! Verilator builds of exported tops, made on first use and cached by content: the
//! sources, the shim and the Verilator version name a folder under the cache root, which
//! holds `libpanther_model.so` (model, Verilator runtime and shim, loaded with dlopen).

use super::shim::shim_cpp;
use crate::eda::tools::Tool;
use crate::export::{CrossbarView, SvTop};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// A built model library, loaded for the life of the process.
pub struct ModelLib {
    pub lib: libloading::Library,
    pub dir: PathBuf,
    /// Seconds the build took (0 when it came from the cache).
    pub build_seconds: f64,
}

/// The cache root: `$PANTHER_VERILATOR_CACHE`, else `verilator/` in the cargo target
/// folder the running binary lives in, else the temp folder.
pub fn cache_root() -> PathBuf {
    if let Some(p) = std::env::var_os("PANTHER_VERILATOR_CACHE") {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(p).join("verilator");
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(t) = exe
            .ancestors()
            .find(|a| a.file_name().is_some_and(|n| n == "target"))
        {
            return t.join("verilator");
        }
    }
    std::env::temp_dir().join("panther-verilator")
}

const LIB: &str = "libpanther_model.so";

fn flags() -> Vec<String> {
    [
        "--cc",
        "--exe",
        "--build",
        "-O3",
        "--trace",
        "-Wno-fatal",
        "-j",
        "2",
        "-CFLAGS",
        "-fPIC",
        "-LDFLAGS",
        "-shared",
        "-MAKEFLAGS",
        "OPT_FAST=-O2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Build (or find in the cache) and load the Verilator model of `top` with its crossbar
/// as `xbar` (the DPI-C shell or the stand-in).
pub fn model_lib(top: &SvTop, xbar: CrossbarView) -> Result<Arc<ModelLib>, String> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<ModelLib>>>> = OnceLock::new();
    let prefix = format!("V{}", top.name);
    let sources = top.sources();
    let shim = shim_cpp(top, &prefix, xbar == CrossbarView::Dpi);
    let files = top.files(xbar);
    let version = Tool::Verilator
        .version()
        .ok_or_else(|| Tool::Verilator.install_hint())?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&sources, &shim, &files, &version, flags()).hash(&mut h);
    let dir = cache_root().join(format!("{}-{:016x}", top.name, h.finish()));
    // One build at a time per process; different processes race safely through rename.
    let mut loaded = LOADED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(m) = loaded.get(&dir) {
        return Ok(m.clone());
    }
    let mut build_seconds = 0.0;
    if !dir.join(LIB).exists() {
        let t = std::time::Instant::now();
        build(&dir, top, &prefix, &sources, &files, &shim)?;
        build_seconds = t.elapsed().as_secs_f64();
    }
    // SAFETY: the library is our own model; loading runs only Verilator's static
    // constructors, and it stays loaded for the rest of the process.
    let lib = unsafe { libloading::Library::new(dir.join(LIB)) }
        .map_err(|e| format!("cannot load {}: {e}", dir.join(LIB).display()))?;
    let m = Arc::new(ModelLib {
        lib,
        dir: dir.clone(),
        build_seconds,
    });
    loaded.insert(dir, m.clone());
    Ok(m)
}

fn build(
    dir: &Path,
    top: &SvTop,
    prefix: &str,
    sources: &[(String, String)],
    files: &[String],
    shim: &str,
) -> Result<(), String> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let staging = parent.join(format!(
        ".{}-building-{}",
        dir.file_name().and_then(|n| n.to_str()).unwrap_or("model"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    for (name, text) in sources {
        std::fs::write(staging.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", staging.join(name).display()))?;
    }
    std::fs::write(staging.join("shim.cpp"), shim).map_err(|e| e.to_string())?;
    let mut args = flags();
    args.extend(
        [
            "--prefix",
            prefix,
            "--top-module",
            &top.name,
            "-Mdir",
            "obj",
            "-o",
            &format!("../{LIB}"),
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    args.extend(files.iter().cloned());
    args.push("shim.cpp".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = Tool::Verilator.run(&staging, &args);
    if let Err(e) = result {
        return Err(format!(
            "Verilator build of {} failed (sources kept in {}):\n{e}",
            top.name,
            staging.display()
        ));
    }
    // Objects are not needed once the library is linked.
    let _ = std::fs::remove_dir_all(staging.join("obj"));
    match std::fs::rename(&staging, dir) {
        Ok(()) => Ok(()),
        // Another process finished the same build first.
        Err(_) if dir.join(LIB).exists() => {
            let _ = std::fs::remove_dir_all(&staging);
            Ok(())
        }
        Err(e) => Err(format!("cannot move the build to {}: {e}", dir.display())),
    }
}
