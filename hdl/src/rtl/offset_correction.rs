//! The offset correction of MVM/MTVM sums: cells hold signed digits with an offset, so
//! the raw sum carries offset x (input sum); this block rebuilds the input sum from the
//! drive counts of each bit step and multiplies it by the layout's correction constant.

use crate::design::Design;
use crate::params::*;
use crate::rtl::reg::Reg;
use panther_sim::config::Config;
use rust_hdl::prelude::*;

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum CorrectionState {
    Idle,
    Multiply,
    Done,
}

/// The offset correction: rebuilds the input sum from the drive bits, step by step, then
/// multiplies it by the layout's correction constant (shift-and-add over the constant's
/// bits; rust_hdl has no wide multiplier).
#[derive(LogicBlock)]
pub struct OffsetCorrection {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: every register to its idle value.
    pub rst: Signal<In, Bit>,
    pub clear: Signal<In, Bit>,
    /// Add this step's weighted count of driven lines.
    pub step_add: Signal<In, Bit>,
    pub active_count: Signal<In, LineIdx>,
    pub step: Signal<In, StepIdx>,
    pub negate: Signal<In, Bit>,
    pub start: Signal<In, Bit>,
    pub done: Signal<Out, Bit>,
    pub product: Signal<Out, Wide>,
    pub input_sum: Signal<Out, Wide>,
    sum: Reg<Wide>,
    prod: Reg<Wide>,
    multiplicand: Reg<Wide>,
    bit_idx: Reg<Bits<6>>,
    fsm: Reg<CorrectionState>,
    constant: Constant<Wide>,
    last_bit: Constant<Bits<6>>,
    weighted: Signal<Local, Wide>,
}

impl OffsetCorrection {
    /// `correction`: the layout constant of the copy MVM/MTVM read.
    pub fn new(correction: i64) -> OffsetCorrection {
        let c = correction as u64;
        let last = 63 - c.max(1).leading_zeros() as u64;
        OffsetCorrection {
            clock: Default::default(),
            rst: Default::default(),
            clear: Default::default(),
            step_add: Default::default(),
            active_count: Default::default(),
            step: Default::default(),
            negate: Default::default(),
            start: Default::default(),
            done: Default::default(),
            product: Default::default(),
            input_sum: Default::default(),
            sum: Default::default(),
            prod: Default::default(),
            multiplicand: Default::default(),
            bit_idx: Default::default(),
            fsm: Default::default(),
            constant: Constant::new(c.into()),
            last_bit: Constant::new(last.into()),
            weighted: Default::default(),
        }
    }
}

impl Design for OffsetCorrection {
    const NAME: &'static str = "offset_correction";

    fn from_config(_cfg: &Config, p: &RtlParams) -> Self {
        OffsetCorrection::new(p.layout(p.roles.mvm).correction())
    }
}

impl Logic for OffsetCorrection {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sum, prod, multiplicand, bit_idx, fsm);
        self.sum.rst.next = self.rst.val();
        self.prod.rst.next = self.rst.val();
        self.multiplicand.rst.next = self.rst.val();
        self.bit_idx.rst.next = self.rst.val();
        self.fsm.rst.next = self.rst.val();
        self.done.next = false;
        self.product.next = self.prod.q.val();
        self.input_sum.next = self.sum.q.val();
        self.weighted.next = bit_cast::<48, 10>(self.active_count.val()) << self.step.val();
        if self.clear.val() {
            self.sum.d.next = 0.into();
        } else if self.step_add.val() {
            if self.negate.val() {
                self.sum.d.next = self.sum.q.val() - self.weighted.val();
            } else {
                self.sum.d.next = self.sum.q.val() + self.weighted.val();
            }
        }
        match self.fsm.q.val() {
            CorrectionState::Idle => {
                if self.start.val() {
                    self.prod.d.next = 0.into();
                    self.multiplicand.d.next = self.sum.q.val();
                    self.bit_idx.d.next = 0.into();
                    self.fsm.d.next = CorrectionState::Multiply;
                }
            }
            CorrectionState::Multiply => {
                if self.constant.val().get_bit(self.bit_idx.q.val().index()) {
                    self.prod.d.next = self.prod.q.val() + self.multiplicand.q.val();
                }
                self.multiplicand.d.next = self.multiplicand.q.val() << 1;
                self.bit_idx.d.next = self.bit_idx.q.val() + 1;
                if self.bit_idx.q.val() == self.last_bit.val() {
                    self.fsm.d.next = CorrectionState::Done;
                }
            }
            CorrectionState::Done => {
                self.done.next = true;
                self.fsm.d.next = CorrectionState::Idle;
            }
            _ => {
                self.fsm.d.next = CorrectionState::Idle;
            }
        }
    }
}
