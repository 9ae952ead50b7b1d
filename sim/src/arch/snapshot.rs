//! A saved node between two runs (checkpoints of the `arch` training engine): when every
//! agent has halted and the network is empty, what carries over to the next run is the
//! cycle count, every memory (data memories with their registers, the shared memories
//! with valid bits and read counters), the MCUs and the statistics. A run restarts each
//! agent's program at its first instruction, so nothing else is needed to continue
//! bit-identically.

use super::core::CoreStats;
use super::memory::SharedMemory;
use super::node::Node;
use super::tile::TileStats;
use crate::mcu::McuState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoreSnapshot {
    pub dmem: Vec<i16>,
    pub stats: CoreStats,
    /// Executed instructions per mnemonic (not in the stats' serialised form).
    pub by_mnemonic: Vec<u64>,
    pub mcus: Vec<McuState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileSnapshot {
    pub memory: SharedMemory,
    pub stats: TileStats,
    pub edram_busy_until: Option<u64>,
    pub rr_next: usize,
    pub cores: Vec<CoreSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeSnapshot {
    pub now: u64,
    pub fast_forwarded_cycles: u64,
    pub packets_sent: u64,
    pub router_traversals: u64,
    pub receive_buffer_accesses: u64,
    pub tiles: Vec<TileSnapshot>,
}

impl Node {
    /// The node's state between runs; an error while an agent runs or a packet travels.
    pub fn snapshot(&self) -> Result<NodeSnapshot, String> {
        let running = self
            .tiles
            .iter()
            .any(|t| !t.halted || !t.tcu.halted || t.cores.iter().any(|c| !c.halted));
        if running || !self.noc.is_idle() {
            return Err("the node is running: it can be saved between runs only".into());
        }
        Ok(NodeSnapshot {
            now: self.now,
            fast_forwarded_cycles: self.fast_forwarded_cycles,
            packets_sent: self.noc.packets_sent,
            router_traversals: self.noc.router_traversals,
            receive_buffer_accesses: self.noc.receive_buffer_accesses,
            tiles: self
                .tiles
                .iter()
                .map(|t| TileSnapshot {
                    memory: t.memory.clone(),
                    stats: t.stats.clone(),
                    edram_busy_until: t.edram_busy_until,
                    rr_next: t.rr_next,
                    cores: t
                        .cores
                        .iter()
                        .map(|c| CoreSnapshot {
                            dmem: c.dmem.clone(),
                            stats: c.stats.clone(),
                            by_mnemonic: c.stats.by_mnemonic.to_vec(),
                            mcus: c.mcus.iter().map(|m| m.state()).collect(),
                        })
                        .collect(),
                })
                .collect(),
        })
    }

    /// Continue from `s`, saved from a node of the same config and bundle; the error names
    /// the tile or core that does not fit.
    pub fn restore(&mut self, s: &NodeSnapshot) -> Result<(), String> {
        if s.tiles.len() != self.tiles.len() {
            return Err(format!(
                "{} tiles saved, the node has {}",
                s.tiles.len(),
                self.tiles.len()
            ));
        }
        for (t, st) in self.tiles.iter_mut().zip(&s.tiles) {
            let id = t.id;
            if st.cores.len() != t.cores.len() || st.memory.len() != t.memory.len() {
                return Err(format!(
                    "tile {id}: {} cores and {} shared words saved, the tile has {} and {}",
                    st.cores.len(),
                    st.memory.len(),
                    t.cores.len(),
                    t.memory.len()
                ));
            }
            for (c, sc) in t.cores.iter_mut().zip(&st.cores) {
                let at = format!("tile {id} core {}", c.id);
                if sc.dmem.len() != c.dmem.len()
                    || sc.mcus.len() != c.mcus.len()
                    || sc.by_mnemonic.len() != c.stats.by_mnemonic.len()
                {
                    return Err(format!(
                        "{at}: the saved memory, MCUs or statistics have another size"
                    ));
                }
                for (k, (m, sm)) in c.mcus.iter_mut().zip(&sc.mcus).enumerate() {
                    m.restore(sm).map_err(|e| format!("{at} MCU {k}: {e}"))?;
                }
                c.dmem.copy_from_slice(&sc.dmem);
                c.stats = sc.stats.clone();
                c.stats.by_mnemonic.copy_from_slice(&sc.by_mnemonic);
            }
            t.memory = st.memory.clone();
            t.stats = st.stats.clone();
            t.edram_busy_until = st.edram_busy_until;
            t.rr_next = st.rr_next;
        }
        self.now = s.now;
        self.fast_forwarded_cycles = s.fast_forwarded_cycles;
        self.noc.packets_sent = s.packets_sent;
        self.noc.router_traversals = s.router_traversals;
        self.noc.receive_buffer_accesses = s.receive_buffer_accesses;
        Ok(())
    }
}
