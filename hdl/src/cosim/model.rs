//! A loaded Verilator model: ports by index, eval, VCD trace, and the crossbar its DPI-C
//! shell calls (panther-hdl's `CrossbarModel`, the one rust_hdl and the golden model use).

use super::build::{model_lib, ModelLib};
use crate::crossbar::model::{CrossbarModel, EdgeInputs};
use crate::crossbar::SampleKind;
use crate::export::ports::{Dir, Port};
use crate::export::CrossbarView;
use crate::export::SvTop;
use crate::params::{Level, Pulse};
use rust_hdl::prelude::Synth;
use std::collections::HashMap;
use std::ffi::{c_void, CString};
use std::path::Path;
use std::sync::Arc;

type EdgeFn = unsafe extern "C" fn(
    *mut c_void,
    i32,
    *const u32,
    *const u32,
    u8,
    i32,
    i32,
    i32,
    u8,
    u8,
    u8,
    i32,
    *const u32,
    u8,
    u8,
    *const u32,
) -> i32;
type CompareFn = unsafe extern "C" fn(*mut c_void, i32, i32, i32) -> u8;

/// Must match `PantherCrossbarCallbacks` in the shim.
#[repr(C)]
struct Callbacks {
    edge: EdgeFn,
    compare: CompareFn,
}

/// The crossbar behind one model's DPI-C shell (also the shared library's, `hdl/dpi`).
pub struct DpiCrossbar {
    pub model: CrossbarModel,
    rows: usize,
    cols: usize,
    shared_adcs: usize,
    last_clip: u32,
}

/// Bits `i * width .. (i + 1) * width` of a packed `svBitVecVal` vector.
fn field(words: &[u32], i: usize, width: usize) -> u32 {
    (0..width).fold(0, |acc, b| {
        let bit = i * width + b;
        acc | ((words[bit / 32] >> (bit % 32)) & 1) << b
    })
}

/// # Safety
/// `p` points at the `svBitVecVal` words of a vector of `bits` bits.
unsafe fn vector<'a>(p: *const u32, bits: usize) -> &'a [u32] {
    std::slice::from_raw_parts(p, bits.div_ceil(32).max(1))
}

impl DpiCrossbar {
    /// The crossbar of `cfg`'s MCU (seeded device maps, every copy programmed to 0), as
    /// rust_hdl's crossbar block builds it.
    pub fn new(cfg: &panther_sim::config::Config) -> DpiCrossbar {
        DpiCrossbar {
            model: CrossbarModel::new(cfg, 0),
            rows: cfg.array.rows,
            cols: cfg.array.cols,
            shared_adcs: cfg.adc.shared_adcs,
            last_clip: 0,
        }
    }
}

/// `panther_crossbar_edge` of the DPI-C shell on the crossbar at `ctx` (a `DpiCrossbar`;
/// null returns 0).
///
/// # Safety
/// `ctx` is null or a `DpiCrossbar` no one else uses during the call, and the vectors
/// point at `svBitVecVal` words of its shell's widths.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn dpi_edge(
    ctx: *mut c_void,
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
    if ctx.is_null() {
        return 0;
    }
    // SAFETY: ctx is the DpiCrossbar bound to the model being evaluated on this thread
    // (the shim sets it around eval), and the vectors have the widths of its shell.
    let x = unsafe { &mut *(ctx as *mut DpiCrossbar) };
    let (rows, cols) = (x.rows, x.cols);
    let (rd, cd, pc, wl) = unsafe {
        (
            vector(row_drive, rows),
            vector(col_drive, cols),
            vector(pulse_code, cols * Pulse::BITS),
            vector(write_level, cols * Level::BITS),
        )
    };
    let e = EdgeInputs {
        copy_sel: copy_sel as u32 as usize,
        row_drive: (0..rows).map(|i| field(rd, i, 1) == 1).collect(),
        col_drive: (0..cols).map(|i| field(cd, i, 1) == 1).collect(),
        sample: if sample != 0 {
            SampleKind::from_code(sample_kind as u32)
        } else {
            None
        },
        slice_mask: slice_mask as u32 as u64,
        row_addr: row_addr as u32 as usize,
        update_begin: update_begin != 0,
        pulse: pulse != 0,
        pulse_negative: pulse_negative != 0,
        slice_sel: slice_sel as u32 as usize,
        pulse_code: (0..cols).map(|j| field(pc, j, Pulse::BITS)).collect(),
        commit: commit != 0,
        write: write != 0,
        write_level: (0..cols).map(|j| field(wl, j, Level::BITS)).collect(),
    };
    if let Some(clip) = x.model.clock_edge(&e) {
        x.last_clip = clip as u32;
    }
    x.last_clip as i32
}

/// `panther_crossbar_compare` of the DPI-C shell on the crossbar at `ctx`.
///
/// # Safety
/// `ctx` is null or a `DpiCrossbar` no one mutates during the call.
pub unsafe extern "C" fn dpi_compare(
    ctx: *mut c_void,
    lane: i32,
    conv_base: i32,
    trial: i32,
) -> u8 {
    if ctx.is_null() {
        return 0;
    }
    // SAFETY: as in dpi_edge; compare only reads.
    let x = unsafe { &*(ctx as *const DpiCrossbar) };
    x.model.lane_compare(
        lane as u32 as usize,
        x.shared_adcs,
        conv_base as u32 as usize,
        trial as u32,
    ) as u8
}

#[derive(Clone, Copy)]
struct Api {
    new: unsafe extern "C" fn() -> *mut c_void,
    bind: unsafe extern "C" fn(*mut c_void, *const Callbacks, *mut c_void),
    free: unsafe extern "C" fn(*mut c_void),
    eval: unsafe extern "C" fn(*mut c_void),
    set: unsafe extern "C" fn(*mut c_void, i32, *const u32) -> i32,
    get: unsafe extern "C" fn(*mut c_void, i32, *mut u32) -> i32,
    trace_open: unsafe extern "C" fn(*mut c_void, *const std::ffi::c_char) -> i32,
    trace_dump: unsafe extern "C" fn(*mut c_void, u64) -> i32,
    trace_close: unsafe extern "C" fn(*mut c_void) -> i32,
    error: unsafe extern "C" fn() -> *const std::ffi::c_char,
}

impl Api {
    fn load(lib: &ModelLib) -> Result<Api, String> {
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: the shim defines each symbol with this signature.
                *unsafe { lib.lib.get($name) }.map_err(|e| {
                    format!(
                        "model in {} lacks {}: {e}",
                        lib.dir.display(),
                        String::from_utf8_lossy($name)
                    )
                })?
            };
        }
        Ok(Api {
            new: sym!(b"panther_model_new"),
            bind: sym!(b"panther_model_bind"),
            free: sym!(b"panther_model_free"),
            eval: sym!(b"panther_model_eval"),
            set: sym!(b"panther_model_set"),
            get: sym!(b"panther_model_get"),
            trace_open: sym!(b"panther_model_trace_open"),
            trace_dump: sym!(b"panther_model_trace_dump"),
            trace_close: sym!(b"panther_model_trace_close"),
            error: sym!(b"panther_model_error"),
        })
    }
}

/// The first failure of a Verilator trace in this process (see [`take_trace_error`]).
static TRACE_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// The first trace write failure since the last call (Verilator's message, for example
/// `VerilatedVcd::bufferFlush: No space left on device`); the VCD is incomplete.
pub fn take_trace_error() -> Option<String> {
    TRACE_ERROR.lock().unwrap_or_else(|e| e.into_inner()).take()
}

static CALLBACKS: Callbacks = Callbacks {
    edge: dpi_edge,
    compare: dpi_compare,
};

/// One instance of an exported top in Verilator.
pub struct VerilatedTop {
    pub lib: Arc<ModelLib>,
    api: Api,
    handle: *mut c_void,
    pub ports: Vec<Port>,
    index: HashMap<String, usize>,
    crossbar: Option<Box<DpiCrossbar>>,
    buf: Vec<u32>,
    trace: Option<TraceWindow>,
}

/// An open VCD trace: cycles `from..to`, and the last time written.
struct TraceWindow {
    from: u64,
    to: u64,
    last_time: Option<u64>,
}

impl VerilatedTop {
    /// Build (or reuse) the model of `top` and instantiate it; `crossbar` is the crossbar its
    /// DPI-C shell drives (a copy of the rust_hdl design's, so both start equal).
    pub fn new(top: &SvTop, crossbar: Option<CrossbarModel>) -> Result<VerilatedTop, String> {
        Self::build(top, crossbar, CrossbarView::Dpi)
    }

    /// The model of `top` with the plain SystemVerilog ideal-device crossbar stand-in.
    pub fn with_standin(top: &SvTop) -> Result<VerilatedTop, String> {
        Self::build(top, None, CrossbarView::Standin)
    }

    fn build(
        top: &SvTop,
        crossbar: Option<CrossbarModel>,
        sim: CrossbarView,
    ) -> Result<VerilatedTop, String> {
        let lib = model_lib(top, sim)?;
        let api = Api::load(&lib)?;
        // SAFETY: a fresh model; freed in Drop.
        let handle = unsafe { (api.new)() };
        let mut crossbar = top.crossbar.as_ref().zip(crossbar).map(|(x, model)| {
            Box::new(DpiCrossbar {
                model,
                rows: x.rows,
                cols: x.cols,
                shared_adcs: x.shared_adcs,
                last_clip: 0,
            })
        });
        let ctx = crossbar
            .as_mut()
            .map(|b| &mut **b as *mut DpiCrossbar as *mut c_void)
            .unwrap_or(std::ptr::null_mut());
        // SAFETY: the boxed crossbar outlives the model (both dropped together, model first).
        unsafe { (api.bind)(handle, &CALLBACKS, ctx) };
        let index = top
            .ports
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        let words = top.ports.iter().map(Port::words).max().unwrap_or(1).max(2);
        Ok(VerilatedTop {
            lib,
            api,
            handle,
            ports: top.ports.clone(),
            index,
            crossbar,
            buf: vec![0; words],
            trace: None,
        })
    }

    /// Port index by wrapper name (`trial_0`).
    pub fn port(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Set input `port` from little-endian 32-bit words.
    pub fn set(&mut self, port: usize, words: &[u32]) {
        debug_assert_eq!(self.ports[port].dir, Dir::Input);
        self.buf.iter_mut().for_each(|w| *w = 0);
        let n = words.len().min(self.buf.len());
        self.buf[..n].copy_from_slice(&words[..n]);
        // SAFETY: buf holds at least the port's words and two.
        unsafe { (self.api.set)(self.handle, port as i32, self.buf.as_ptr()) };
    }

    pub fn set_u64(&mut self, port: usize, v: u64) {
        self.set(port, &[v as u32, (v >> 32) as u32]);
    }

    /// The value of `port` (any direction) as little-endian 32-bit words.
    pub fn get(&mut self, port: usize) -> &[u32] {
        // SAFETY: as in set.
        unsafe { (self.api.get)(self.handle, port as i32, self.buf.as_mut_ptr()) };
        &self.buf[..self.ports[port].words()]
    }

    pub fn get_u64(&mut self, port: usize) -> u64 {
        let w = self.get(port);
        w[0] as u64 | w.get(1).map_or(0, |&h| (h as u64) << 32)
    }

    pub fn eval(&mut self) {
        // SAFETY: the model and its bound crossbar are alive.
        unsafe { (self.api.eval)(self.handle) };
    }

    /// Trace cycles `from..to` into `path` (Verilator's own VCD writer; 1 ns cycles, as
    /// rust_hdl's traces).
    pub fn trace_open(&mut self, path: &Path, from: u64, to: u64) -> Result<(), String> {
        let c = CString::new(path.to_string_lossy().as_bytes())
            .map_err(|_| format!("bad VCD path {}", path.display()))?;
        // SAFETY: c outlives the call.
        if unsafe { (self.api.trace_open)(self.handle, c.as_ptr()) } == 1 {
            self.trace = Some(TraceWindow {
                from,
                to,
                last_time: None,
            });
            Ok(())
        } else {
            let msg = self.trace_failed();
            Err(format!(
                "cannot write VCD {}: Verilator: {msg}",
                path.display()
            ))
        }
    }

    /// Record the state just evaluated, in cycle `cycle` with the clock at `clock_high`
    /// (reads between edges get the next free time step); the trace closes past its window.
    pub fn dump_at(&mut self, cycle: u64, clock_high: bool) {
        let Some(w) = self.trace.as_mut() else {
            return;
        };
        if cycle >= w.to {
            self.trace_close();
        } else if cycle >= w.from {
            let want = cycle * 1000 + if clock_high { 500 } else { 0 };
            let t = match w.last_time {
                Some(l) if l >= want => l + 1,
                _ => want,
            };
            w.last_time = Some(t);
            // SAFETY: the model is alive.
            if unsafe { (self.api.trace_dump)(self.handle, t) } == 0 {
                self.trace_failed();
            }
        }
    }

    pub fn trace_close(&mut self) {
        if self.trace.take().is_some() {
            // SAFETY: the model is alive.
            if unsafe { (self.api.trace_close)(self.handle) } == 0 {
                self.trace_failed();
            }
        }
    }

    /// Verilator could not write the trace (its writer has closed it): keep the message
    /// for [`take_trace_error`] and trace no more.
    fn trace_failed(&mut self) -> String {
        // SAFETY: the shim returns a NUL-terminated string it owns.
        let msg = unsafe { std::ffi::CStr::from_ptr((self.api.error)()) }
            .to_string_lossy()
            .to_string();
        let msg = if msg.is_empty() {
            "the VCD file could not be opened".to_string()
        } else {
            msg
        };
        self.trace = None;
        TRACE_ERROR
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(msg.clone());
        msg
    }

    /// The crossbar model behind the DPI-C shell, if the top has one.
    pub fn crossbar(&self) -> Option<&CrossbarModel> {
        self.crossbar.as_ref().map(|x| &x.model)
    }
}

impl Drop for VerilatedTop {
    fn drop(&mut self) {
        // SAFETY: created in new, freed once.
        unsafe { (self.api.free)(self.handle) };
    }
}
