//! The core's data address space (16-bit words), training layout (docs/references.md §2):
//! XbarIn 0..768 and XbarOut 768..1536, one 128-word slot per (MCU p, op t) at
//! (3p + t) * 128, t = 0 MVM, 1 MTVM, 2 OPA; general registers (data memory) from 1536.

/// MCUs per core in training mode.
pub const MCUS_PER_CORE: usize = 2;
/// Operation slots per MCU: MVM, MTVM, OPA.
pub const OP_SLOTS_PER_MCU: usize = 3;
/// Words per XbarIn/XbarOut slot; the MCU array may not be larger.
pub const SLOT_WORDS: u16 = 128;
pub const XBAR_IN_BASE: u16 = 0;
pub const XBAR_OUT_BASE: u16 = 768;
/// First general register (data memory).
pub const DATA_MEM_BASE: u16 = 1536;
/// Words of data memory (general registers).
pub const DATA_MEM_WORDS: u16 = 2048;
/// One past the last valid data address (3584).
pub const ADDRESS_SPACE_WORDS: u16 = DATA_MEM_BASE + DATA_MEM_WORDS;

/// Operation slot of an MCU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpSlot {
    Mvm = 0,
    Mtvm = 1,
    Opa = 2,
}

pub fn xbar_in(mcu: usize, slot: OpSlot) -> u16 {
    XBAR_IN_BASE + ((OP_SLOTS_PER_MCU * mcu + slot as usize) as u16) * SLOT_WORDS
}

pub fn xbar_out(mcu: usize, slot: OpSlot) -> u16 {
    XBAR_OUT_BASE + ((OP_SLOTS_PER_MCU * mcu + slot as usize) as u16) * SLOT_WORDS
}

/// Name of the region an address falls in (messages, traces).
pub fn region_name(addr: u16) -> &'static str {
    if addr < XBAR_OUT_BASE {
        "XbarIn"
    } else if addr < DATA_MEM_BASE {
        "XbarOut"
    } else if addr < ADDRESS_SPACE_WORDS {
        "data memory"
    } else {
        "outside the address space"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_training_map() {
        assert_eq!(xbar_in(0, OpSlot::Mvm), 0);
        assert_eq!(xbar_in(0, OpSlot::Opa), 256);
        assert_eq!(xbar_in(1, OpSlot::Mtvm), 512);
        assert_eq!(xbar_out(0, OpSlot::Mvm), 768);
        assert_eq!(xbar_out(1, OpSlot::Opa), 1408);
        assert_eq!(ADDRESS_SPACE_WORDS, 3584);
    }
}
