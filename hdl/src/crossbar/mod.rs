//! The behavioural crossbar: a hand-written rust_hdl `Logic` with digital ports only. Inside
//! it calls panther-sim's cell arrays and device models ([`model::CrossbarModel`]), so one
//! analog model serves the golden MCU, this block and (through DPI) Verilator.
//!
//! All state changes on the rising clock edge; the comparator bits are a pure function of
//! the held values and the trial codes, so repeated settle passes see the same answer.

pub mod model;

use crate::design::Design;
use crate::params::*;
use model::{CrossbarModel, EdgeInputs};
use panther_sim::config::Config;
use rust_hdl::prelude::*;

/// What the sample strobe holds.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum SampleKind {
    /// MVM: rows driven, column currents held.
    SenseColumns,
    /// MTVM: columns driven, row currents held.
    SenseRows,
    /// Serial read: the cells of row `row_addr`, each alone.
    RowCells,
}

impl SampleKind {
    /// The port encoding (declaration order, as exported to Verilog); `None` for a code
    /// no variant has.
    pub fn from_code(code: u32) -> Option<SampleKind> {
        [Self::SenseColumns, Self::SenseRows, Self::RowCells]
            .get(code as usize)
            .copied()
    }
}

#[derive(LogicBlock)]
pub struct Crossbar {
    pub clock: Signal<In, Clock>,
    /// Weight copy the strobes act on.
    pub copy_sel: Signal<In, CopySel>,
    /// 1-bit DAC outputs (MVM rows / OPA row gates / commit rows; MTVM columns).
    pub row_drive: Vec<Signal<In, Bit>>,
    pub col_drive: Vec<Signal<In, Bit>>,
    /// Sample-and-hold strobe.
    pub sample: Signal<In, Bit>,
    pub sample_kind: Signal<In, SampleKind>,
    /// Slice arrays the sample strobe accesses.
    pub slice_mask: Signal<In, SliceMask>,
    pub row_addr: Signal<In, LineIdx>,
    /// First line of the group the SAR converters are on (the line multiplexer).
    pub conv_base: Signal<In, LineIdx>,
    /// Trial code of SAR lane k * shared_adcs + a (slice k, converter a).
    pub sar_trial: Vec<Signal<In, Code>>,
    /// Comparator: held value of that lane's line >= its trial code.
    pub sar_cmp: Vec<Signal<Out, Bit>>,
    /// Opens an OPA update window on the selected copy.
    pub update_begin: Signal<In, Bit>,
    /// One pulse step: gated rows (row_drive) x columns by pulse_code, on slice_sel.
    pub pulse: Signal<In, Bit>,
    pub pulse_negative: Signal<In, Bit>,
    pub slice_sel: Signal<In, SliceIdx>,
    pub pulse_code: Vec<Signal<In, Pulse>>,
    /// Commits the window's pulses of slice_sel on the rows marked by row_drive.
    pub commit: Signal<In, Bit>,
    /// Cells of the last commit whose update hit the cell range (saturation count).
    pub clip_count: Signal<Out, Count>,
    /// Serial write of row row_addr of slice slice_sel to write_level.
    pub write: Signal<In, Bit>,
    pub write_level: Vec<Signal<In, Level>>,
    _model: CrossbarModel,
    _shared_adcs: usize,
    _last_clip: u64,
}

impl Crossbar {
    pub fn new(cfg: &Config, p: &RtlParams) -> Crossbar {
        Crossbar {
            clock: Default::default(),
            copy_sel: Default::default(),
            row_drive: many(p.rows),
            col_drive: many(p.cols),
            sample: Default::default(),
            sample_kind: Default::default(),
            slice_mask: Default::default(),
            row_addr: Default::default(),
            conv_base: Default::default(),
            sar_trial: many(p.sar_lanes()),
            sar_cmp: many(p.sar_lanes()),
            update_begin: Default::default(),
            pulse: Default::default(),
            pulse_negative: Default::default(),
            slice_sel: Default::default(),
            pulse_code: many(p.cols),
            commit: Default::default(),
            clip_count: Default::default(),
            write: Default::default(),
            write_level: many(p.cols),
            _model: CrossbarModel::new(cfg, 0),
            _shared_adcs: p.shared_adcs,
            _last_clip: 0,
        }
    }

    pub fn model(&self) -> &CrossbarModel {
        &self._model
    }

    /// The inputs as the model takes them at an edge.
    fn edge_inputs(&self) -> EdgeInputs {
        let bits = |v: &[Signal<In, Bit>]| v.iter().map(|s| s.val()).collect();
        EdgeInputs {
            copy_sel: self.copy_sel.val().index(),
            row_drive: bits(&self.row_drive),
            col_drive: bits(&self.col_drive),
            sample: self.sample.val().then(|| self.sample_kind.val()),
            slice_mask: self.slice_mask.val().to_u64(),
            row_addr: self.row_addr.val().index(),
            update_begin: self.update_begin.val(),
            pulse: self.pulse.val(),
            pulse_negative: self.pulse_negative.val(),
            slice_sel: self.slice_sel.val().index(),
            pulse_code: self.pulse_code.iter().map(|s| s.val().to_u32()).collect(),
            commit: self.commit.val(),
            write: self.write.val(),
            write_level: self.write_level.iter().map(|s| s.val().to_u32()).collect(),
        }
    }

    /// Sizes and black box, for the exported shells.
    pub fn shape(&self) -> crate::export::CrossbarShape {
        crate::export::CrossbarShape {
            rows: self.row_drive.len(),
            cols: self.col_drive.len(),
            lanes: self.sar_cmp.len(),
            shared_adcs: self._shared_adcs,
            max_levels: (self._model.copies().iter())
                .map(|c| c.arrays.iter().map(|a| a.max_level()).collect())
                .collect(),
            stub: self.stub(),
        }
    }

    /// The black-box declaration of this block, written from its ports.
    pub fn stub(&self) -> String {
        crate::export::emit::declaration(
            "panther_crossbar",
            &crate::export::emit::tree::collect(self).nodes[0],
        )
    }
}

impl Design for Crossbar {
    const NAME: &'static str = "crossbar";

    fn from_config(cfg: &Config, p: &RtlParams) -> Self {
        Crossbar::new(cfg, p)
    }

    fn crossbar(&self) -> Option<&Crossbar> {
        Some(self)
    }
}

impl Logic for Crossbar {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let e = self.edge_inputs();
            if let Some(clip) = self._model.clock_edge(&e) {
                self._last_clip = clip;
            }
        }
        let base = self.conv_base.val().index();
        for l in 0..self.sar_cmp.len() {
            let trial = self.sar_trial[l].val().to_u32();
            self.sar_cmp[l].next = self._model.lane_compare(l, self._shared_adcs, base, trial);
        }
        self.clip_count.next = self._last_clip.into();
    }

    fn connect(&mut self) {
        for s in self.sar_cmp.iter_mut() {
            s.connect();
        }
        self.clip_count.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Blackbox(BlackBox {
            // The exporter writes the declaration (`stub`); rust_hdl's generator is not used.
            code: String::new(),
            name: "panther_crossbar".into(),
        })
    }
}
