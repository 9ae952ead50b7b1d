//! `libpanther_crossbar.so`: the two DPI-C functions the exported crossbar shell
//! (`panther_crossbar.sv`) imports, implemented by the Rust crossbar model that the golden
//! model and rust_hdl use, so a simulation of the export outside this project (your own
//! Verilator bench, a commercial simulator) runs the configured device, non-ideal and
//! seeded, as `panther golden` does. `panther verilog --dpi` copies it into the export with
//! `panther_crossbar.h` and the config it reads, `panther_crossbar.toml`.
//!
//! The library holds one crossbar per process, built on the first call from the config at
//! `$PANTHER_CROSSBAR_CONFIG`, else `panther_crossbar.toml` in the working directory. A
//! config that cannot be read ends the simulation with a message naming the file.

use panther_hdl::cosim::model::{dpi_compare, dpi_edge, DpiCrossbar};
use std::ffi::c_void;
use std::path::PathBuf;
use std::sync::Mutex;

static CROSSBAR: Mutex<Option<Box<DpiCrossbar>>> = Mutex::new(None);

/// The config file the crossbar is built from.
fn config_path() -> PathBuf {
    std::env::var_os("PANTHER_CROSSBAR_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("panther_crossbar.toml"))
}

/// Run `f` on the crossbar, building it first if needed.
fn with_crossbar<T>(f: impl FnOnce(*mut c_void) -> T) -> T {
    let mut guard = CROSSBAR.lock().unwrap_or_else(|e| e.into_inner());
    let x = guard.get_or_insert_with(|| {
        let path = config_path();
        match panther_sim::config::Config::load(&path) {
            Ok(cfg) => Box::new(DpiCrossbar::new(&cfg)),
            Err(e) => {
                eprintln!(
                    "libpanther_crossbar: cannot build the crossbar from {}: {e} \
                     (set PANTHER_CROSSBAR_CONFIG to the export's panther_crossbar.toml)",
                    path.display()
                );
                std::process::exit(2);
            }
        }
    });
    f(&mut **x as *mut DpiCrossbar as *mut c_void)
}

/// The crossbar's rising clock edge (`panther_crossbar.h` has the C declaration).
///
/// # Safety
/// The vector arguments point at `svBitVecVal` words of the shell's widths, as the shell
/// passes them.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn panther_crossbar_edge(
    copy_sel: i32,
    row_drive: *const u32,
    col_drive: *const u32,
    sample: u8,
    sample_kind: i32,
    slice_mask: i32,
    row_addr: i32,
    update_begin: u8,
    pulse: u8,
    pulse_negative: u8,
    slice_sel: i32,
    pulse_code: *const u32,
    commit: u8,
    write: u8,
    write_level: *const u32,
) -> i32 {
    // SAFETY: the crossbar is ours, locked for the call; the vectors are the caller's.
    with_crossbar(|ctx| unsafe {
        dpi_edge(
            ctx,
            copy_sel,
            row_drive,
            col_drive,
            sample,
            sample_kind,
            slice_mask,
            row_addr,
            update_begin,
            pulse,
            pulse_negative,
            slice_sel,
            pulse_code,
            commit,
            write,
            write_level,
        )
    })
}

/// Comparator `lane` against `trial` on line `conv_base + converter`; `epoch` only makes
/// the shell evaluate it again after an edge.
#[no_mangle]
pub extern "C" fn panther_crossbar_compare(
    epoch: i32,
    lane: i32,
    conv_base: i32,
    trial: i32,
) -> u8 {
    let _ = epoch;
    // SAFETY: the crossbar is ours, locked for the call.
    with_crossbar(|ctx| unsafe { dpi_compare(ctx, lane, conv_base, trial) })
}
