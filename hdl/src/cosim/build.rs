//! Verilator builds of exported tops, made on first use and cached by content: the
//! sources, the shim and the Verilator version name a folder under the cache root, which
//! holds `libpanther_model.so` (model, Verilator runtime and shim, loaded with dlopen).

use super::shim::shim_cpp;
use crate::eda::tools::Tool;
use crate::export::{CrossbarView, SvTop};
use panther_sim::files::cleanup::{self, TempDir};
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
/// folder the running binary lives in, else the temp folder. An empty variable counts as
/// unset (it would otherwise mean the current folder).
pub fn cache_root() -> PathBuf {
    cache_root_from(|name| std::env::var_os(name))
}

fn cache_root_from(env: impl Fn(&str) -> Option<std::ffi::OsString>) -> PathBuf {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(p) = var("PANTHER_VERILATOR_CACHE") {
        return PathBuf::from(p);
    }
    if let Some(p) = var("CARGO_TARGET_DIR") {
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

/// What `verilator` is run with; the generated makefile then compiles and links.
const VERILATOR_FLAGS: [&str; 11] = [
    "--cc",
    "--exe",
    "-O3",
    "--trace",
    "-Wno-fatal",
    "-CFLAGS",
    "-fPIC",
    // The shim's vl_fatal replaces Verilator's (see cosim::shim).
    "-CFLAGS",
    "-DVL_USER_FATAL",
    "-LDFLAGS",
    "-shared",
];

/// C++ optimisation of the model's evaluation code. Release builds of panther optimise for
/// speed (benchmarks, long runs); debug builds (the tests) skip it, which builds a model in
/// about a third of the time and simulates the same.
fn opt_fast() -> &'static str {
    if cfg!(debug_assertions) {
        "-O0"
    } else {
        "-O2"
    }
}

/// The Verilator runtime every model links. It depends only on the Verilator version and
/// the flags, so it is compiled once and shared by every build in the cache.
const RUNTIME: [&str; 4] = [
    "verilated.o",
    "verilated_dpi.o",
    "verilated_threads.o",
    "verilated_vcd_c.o",
];

fn runtime_dir(version: &str) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (version, VERILATOR_FLAGS).hash(&mut h);
    cache_root().join(format!("runtime-{:016x}", h.finish()))
}

/// Build (or find in the cache) and load the Verilator model of `top` with its crossbar
/// as `crossbar` (the DPI-C shell or the stand-in).
pub fn model_lib(top: &SvTop, crossbar: CrossbarView) -> Result<Arc<ModelLib>, String> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<ModelLib>>>> = OnceLock::new();
    let prefix = format!("V{}", top.name);
    let sources = top.sources();
    let shim = shim_cpp(top, &prefix, crossbar == CrossbarView::Dpi);
    let files = top.files(crossbar);
    let version = Tool::Verilator
        .version()
        .ok_or_else(|| Tool::Verilator.install_hint())?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &sources,
        &shim,
        &files,
        &version,
        VERILATOR_FLAGS,
        opt_fast(),
    )
        .hash(&mut h);
    let dir = cache_root().join(format!("{}-{:016x}", top.name, h.finish()));
    // One build at a time per process; processes wait for each other's build of the
    // same model (a file lock) instead of building it twice.
    let mut loaded = LOADED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(m) = loaded.get(&dir) {
        return Ok(m.clone());
    }
    let mut build_seconds = 0.0;
    let _building = lock_file(&dir)?;
    if !dir.join(LIB).exists() {
        let t = std::time::Instant::now();
        build(
            &dir,
            top,
            &prefix,
            &sources,
            &files,
            &shim,
            &runtime_dir(&version),
        )?;
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

/// An exclusive lock on `<path>.lock` (held until dropped), for work that one process at a
/// time does in the cache.
fn lock_file(path: &Path) -> Result<std::fs::File, String> {
    let lock = path.with_extension("lock");
    if let Some(parent) = lock.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let f = std::fs::File::create(&lock)
        .map_err(|e| format!("cannot create {}: {e}", lock.display()))?;
    f.lock()
        .map_err(|e| format!("cannot lock {}: {e}", lock.display()))?;
    Ok(f)
}

fn build(
    dir: &Path,
    top: &SvTop,
    prefix: &str,
    sources: &[(String, String)],
    files: &[String],
    shim: &str,
    runtime: &Path,
) -> Result<(), String> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("model");
    remove_stale_builds(parent, name);
    let staging_dir =
        TempDir::create(parent.join(format!(".{name}-building-{}", std::process::id())))
            .map_err(|e| format!("cannot create a build folder in {}: {e}", parent.display()))?;
    let staging = staging_dir.path();
    for (name, text) in sources {
        std::fs::write(staging.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", staging.join(name).display()))?;
    }
    let shim_path = staging.join("shim.cpp");
    std::fs::write(&shim_path, shim)
        .map_err(|e| format!("cannot write {}: {e}", shim_path.display()))?;
    let lib = format!("../{LIB}");
    let mut args: Vec<&str> = VERILATOR_FLAGS.to_vec();
    args.extend([
        "--prefix",
        prefix,
        "--top-module",
        &top.name,
        "-Mdir",
        "obj",
        "-o",
        &lib,
    ]);
    args.extend(files.iter().map(String::as_str));
    args.push("shim.cpp");
    let failed = |e: String| {
        format!(
            "Verilator build of {} failed (`panther verilog --top {}` writes the sources to inspect):\n{e}",
            top.name, top.name
        )
    };
    Tool::Verilator.run(staging, &args).map_err(failed)?;
    let obj = staging.join("obj");
    // The first build compiles the runtime for all; builds that find none wait for it.
    let compiling_runtime = if copy_runtime(runtime, &obj) {
        None
    } else {
        let lock = lock_file(runtime)?;
        (!copy_runtime(runtime, &obj)).then_some(lock)
    };
    let mk = format!("{prefix}.mk");
    let opt = format!("OPT_FAST={}", opt_fast());
    Tool::Make
        .run(&obj, &["-f", &mk, "-j", "2", &opt])
        .map_err(failed)?;
    if compiling_runtime.is_some() {
        share_runtime(&obj, runtime);
    }
    // Objects are not needed once the library is linked.
    let _ = std::fs::remove_dir_all(&obj);
    match std::fs::rename(staging, dir) {
        Ok(()) => {
            staging_dir.keep();
            Ok(())
        }
        // Another process finished the same build first (the staging folder is dropped).
        Err(_) if dir.join(LIB).exists() => Ok(()),
        Err(e) => Err(format!("cannot move the build to {}: {e}", dir.display())),
    }
}

/// Build folders `.NAME-building-PID` of processes that died mid-build (killed, or the
/// machine went down): nobody will finish them.
fn remove_stale_builds(parent: &Path, name: &str) {
    let prefix = format!(".{name}-building-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !cleanup::process_alive(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Copy the shared runtime objects into a build's object folder; false when there are none
/// yet. Copied objects are newer than the runtime's sources, so make keeps them.
fn copy_runtime(runtime: &Path, obj: &Path) -> bool {
    RUNTIME.iter().all(|o| {
        let from = runtime.join(o);
        from.is_file() && std::fs::copy(&from, obj.join(o)).is_ok()
    })
}

/// Keep the runtime objects of a finished build for the builds after it (best effort: a
/// build without them compiles its own).
fn share_runtime(obj: &Path, runtime: &Path) {
    let Ok(staging) = TempDir::create(runtime.with_extension(format!("tmp{}", std::process::id())))
    else {
        return;
    };
    let copied = RUNTIME
        .iter()
        .all(|o| std::fs::copy(obj.join(o), staging.path().join(o)).is_ok());
    if copied && std::fs::rename(staging.path(), runtime).is_ok() {
        staging.keep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_cache_variable_counts_as_unset() {
        let set = |v: &'static str| {
            move |name: &str| (name == "PANTHER_VERILATOR_CACHE").then(|| v.into())
        };
        assert_eq!(cache_root_from(set("/x/cache")), PathBuf::from("/x/cache"));
        let fallback = cache_root_from(set(""));
        assert_ne!(fallback, PathBuf::from(""));
        assert!(fallback.ends_with("verilator") || fallback.ends_with("panther-verilator"));
    }

    #[test]
    fn build_folders_of_dead_processes_are_removed_and_live_ones_kept() {
        let d = tempfile::tempdir().unwrap();
        // No process has a PID this large (the kernel's limit is 2^22).
        let dead = d.path().join(".mcu-abc-building-4294967295");
        let live = d
            .path()
            .join(format!(".mcu-abc-building-{}", std::process::id()));
        let other = d.path().join(".other-building-4294967295");
        for f in [&dead, &live, &other] {
            std::fs::create_dir(f).unwrap();
        }
        remove_stale_builds(d.path(), "mcu-abc");
        assert!(!dead.exists());
        assert!(live.exists() && other.exists());
    }
}
