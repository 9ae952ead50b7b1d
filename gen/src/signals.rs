//! SIGINT, SIGTERM and SIGHUP. By default the process removes every temporary file and
//! folder in flight ([`panther_sim::files::cleanup`]) and exits with 130, so an interrupted
//! command leaves its outputs as they were. A command that can stop cleanly (training: it
//! saves a checkpoint and its reports) asks for [`graceful`]: the first signal only sets
//! the flag it polls; a second one exits as above.

use std::sync::atomic::{AtomicBool, Ordering};

static GRACEFUL: AtomicBool = AtomicBool::new(false);
static STOP: AtomicBool = AtomicBool::new(false);

/// Install the handler (once, at start-up).
pub fn install() {
    let r = ctrlc::set_handler(|| {
        if GRACEFUL.load(Ordering::SeqCst) && !STOP.swap(true, Ordering::SeqCst) {
            return;
        }
        panther_sim::files::cleanup::remove_all();
        eprintln!("interrupted: temporary files removed, outputs left as they were");
        std::process::exit(130);
    });
    if let Err(e) = r {
        eprintln!("warning: no signal handler ({e}): an interrupt may leave temporary files");
    }
}

/// From now on the first signal asks the command to stop (see [`stop_requested`]).
pub fn graceful() {
    GRACEFUL.store(true, Ordering::SeqCst);
}

pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}
