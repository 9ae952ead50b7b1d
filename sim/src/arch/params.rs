//! Constants of the machine around the MCUs: sizes, latencies (cycles) and dynamic
//! energies (pJ) per event. Seeded from the PUMA simulator that evaluated PANTHER
//! (github.com/Aayush-Ankit/puma-simulator, branch `training`): the organisation (cores per
//! tile, VFU lanes, NoC concentration and injection rate) from `include/config.py`; memory
//! sizes, latencies, powers and the NoC latency table from `include/constants.py` (energy =
//! power x latency at 1 GHz). Field by field in docs/config.md; sources in docs/references.md.
//! The `[arch]` table of the config, which a bundle's own `[arch]` table may override field
//! by field.

use crate::config::{above, check, energy_pj, within, FieldError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchConfig {
    pub cores_per_tile: usize,
    pub vfu_lanes: usize,
    pub core_imem_entries: usize,
    pub tile_imem_entries: usize,
    /// Shared memory (eDRAM) words per tile (64 KB of 16-bit words).
    pub edram_words: usize,
    /// Cycles one eDRAM access occupies the eDRAM after it is granted.
    pub edram_access_cycles: u64,
    /// Packets buffered per (source tile) in a receive buffer; a sender waits for space.
    pub receive_buffer_packets_per_source: usize,
    /// Network latency at the configured injection rate: (injection rate, cycles), BookSim table.
    pub noc_latency_table: Vec<(f64, u64)>,
    pub noc_injection_rate: f64,
    /// Extra cycles per router-to-router hop on top of the table latency (0: the table's average holds).
    pub noc_hop_latency_cycles: u64,
    /// Concentration: tiles sharing one router.
    pub noc_tiles_per_router: usize,
    /// Routers per mesh row.
    pub noc_mesh_width: usize,
    // Energy per event, pJ.
    pub imem_fetch_pj: f64,
    pub tile_imem_fetch_pj: f64,
    /// One data-memory word read or written (general registers and XbarIn/XbarOut).
    pub dmem_word_access_pj: f64,
    /// One VFU lane operation on one element (arithmetic, logic, comparisons).
    pub vfu_lane_op_pj: f64,
    /// One transcendental element (sig, tanh, exp, log, recip, div) on the function unit.
    pub vfu_transcendental_op_pj: f64,
    pub scalar_alu_op_pj: f64,
    /// One eDRAM access (up to 16 words) including bus and controller.
    pub edram_access_pj: f64,
    /// One attribute (valid/count) read-modify-write per access.
    pub attribute_access_pj: f64,
    pub receive_buffer_access_pj: f64,
    /// One packet through one router.
    pub noc_router_traversal_pj: f64,
}

impl Default for ArchConfig {
    fn default() -> Self {
        ArchConfig {
            cores_per_tile: 8,
            vfu_lanes: 4,
            core_imem_entries: 512,
            tile_imem_entries: 2048,
            edram_words: 32768,
            edram_access_cycles: 2,
            receive_buffer_packets_per_source: 16,
            noc_latency_table: vec![
                (0.001, 29),
                (0.005, 31),
                (0.01, 34),
                (0.02, 54),
                (0.025, 115),
            ],
            noc_injection_rate: 0.005,
            noc_hop_latency_cycles: 0,
            noc_tiles_per_router: 4,
            noc_mesh_width: 4,
            imem_fetch_pj: 1.301,
            tile_imem_fetch_pj: 1.838,
            dmem_word_access_pj: 0.57,
            vfu_lane_op_pj: 0.265,
            vfu_transcendental_op_pj: 0.234,
            scalar_alu_op_pj: 0.265,
            edram_access_pj: 2.0 * 8.6 + 3.0 + 0.475,
            attribute_access_pj: 2.83 * 0.919,
            receive_buffer_access_pj: 2.0 * 8.96,
            noc_router_traversal_pj: 8.0 * 16.13,
        }
    }
}

impl ArchConfig {
    /// Parse a TOML table (all fields optional, defaults above) and validate.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<ArchConfig, String> {
        let c: ArchConfig =
            toml::from_str(text).map_err(|e| format!("{origin}: {}", e.message().trim()))?;
        c.validate()
            .map_err(|e| format!("{origin}: {} {}", e.field, e.message))?;
        Ok(c)
    }

    /// These constants with the fields of `table` replacing theirs, validated.
    pub fn with_overrides(&self, table: &toml::Table, origin: &str) -> Result<ArchConfig, String> {
        let mut merged = toml::Table::try_from(self).map_err(|e| format!("{origin}: {e}"))?;
        for (k, v) in table {
            merged.insert(k.clone(), v.clone());
        }
        ArchConfig::from_toml_str(
            &toml::to_string(&merged).map_err(|e| format!("{origin}: {e}"))?,
            origin,
        )
    }

    /// Check every field; the error names the field (`arch.vfu_lanes`) and what is allowed.
    #[rustfmt::skip]
    pub fn validate(&self) -> Result<(), FieldError> {
        check("arch.cores_per_tile", self.cores_per_tile, within(1, 64))?;
        check("arch.vfu_lanes", self.vfu_lanes, within(1, 64))?;
        check("arch.core_imem_entries", self.core_imem_entries, within(1, 4096))?;
        check("arch.tile_imem_entries", self.tile_imem_entries, within(1, 1 << 16))?;
        check("arch.edram_words", self.edram_words, within(16, 1 << 16))?;
        check("arch.edram_access_cycles", self.edram_access_cycles, within(1, 1000))?;
        let buffer = self.receive_buffer_packets_per_source;
        check("arch.receive_buffer_packets_per_source", buffer, within(1, 1 << 16))?;
        check("arch.noc_tiles_per_router", self.noc_tiles_per_router, within(1, 256))?;
        check("arch.noc_mesh_width", self.noc_mesh_width, within(1, 256))?;
        let Some(&(max_rate, _)) = self.noc_latency_table.last() else {
            return Err(FieldError::new(
                "arch.noc_latency_table",
                "must list at least one (injection rate, cycles) pair".into(),
            ));
        };
        if self.noc_latency_table.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(FieldError::new(
                "arch.noc_latency_table",
                "injection rates must increase strictly".into(),
            ));
        }
        let table_rates = above(0.0).at_most(max_rate).note("the rates noc_latency_table covers");
        check("arch.noc_injection_rate", self.noc_injection_rate, table_rates)?;
        check("arch.imem_fetch_pj", self.imem_fetch_pj, energy_pj())?;
        check("arch.tile_imem_fetch_pj", self.tile_imem_fetch_pj, energy_pj())?;
        check("arch.dmem_word_access_pj", self.dmem_word_access_pj, energy_pj())?;
        check("arch.vfu_lane_op_pj", self.vfu_lane_op_pj, energy_pj())?;
        check("arch.vfu_transcendental_op_pj", self.vfu_transcendental_op_pj, energy_pj())?;
        check("arch.scalar_alu_op_pj", self.scalar_alu_op_pj, energy_pj())?;
        check("arch.edram_access_pj", self.edram_access_pj, energy_pj())?;
        check("arch.attribute_access_pj", self.attribute_access_pj, energy_pj())?;
        check("arch.receive_buffer_access_pj", self.receive_buffer_access_pj, energy_pj())?;
        check("arch.noc_router_traversal_pj", self.noc_router_traversal_pj, energy_pj())
    }

    /// Table latency at the configured injection rate: the first entry at or above it.
    pub fn noc_base_latency_cycles(&self) -> u64 {
        self.noc_latency_table
            .iter()
            .find(|(rate, _)| *rate >= self.noc_injection_rate)
            .map(|&(_, c)| c)
            .unwrap_or(
                self.noc_latency_table
                    .last()
                    .expect("validated non-empty")
                    .1,
            )
    }

    /// Router hops between two tiles (dimension-order routing on the concentrated mesh).
    pub fn noc_hops(&self, from: usize, to: usize) -> u64 {
        let r = |t: usize| {
            let router = t / self.noc_tiles_per_router;
            (router % self.noc_mesh_width, router / self.noc_mesh_width)
        };
        let (a, b) = (r(from), r(to));
        (a.0.abs_diff(b.0) + a.1.abs_diff(b.1)) as u64
    }

    /// Cycles from injection to arrival in the destination's receive buffer.
    pub fn noc_latency_cycles(&self, from: usize, to: usize) -> u64 {
        self.noc_base_latency_cycles() + self.noc_hop_latency_cycles * self.noc_hops(from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_noc_latency_follows_the_table() {
        let c = ArchConfig::default();
        c.validate().unwrap();
        assert_eq!(c.noc_base_latency_cycles(), 31);
        assert_eq!(c.noc_hops(0, 3), 0);
        assert_eq!(c.noc_hops(0, 4), 1);
        assert_eq!(c.noc_hops(0, 21), 2);
        let c2 = ArchConfig {
            noc_injection_rate: 0.02,
            noc_hop_latency_cycles: 3,
            ..c
        };
        assert_eq!(c2.noc_latency_cycles(0, 21), 54 + 6);
    }

    #[test]
    fn bad_values_name_the_field() {
        let e = ArchConfig::from_toml_str("vfu_lanes = 0", "a.toml").unwrap_err();
        assert!(e.contains("arch.vfu_lanes must be 1..=64"), "{e}");
        let e = ArchConfig::from_toml_str("noc_injection_rate = 0.5", "a.toml").unwrap_err();
        assert!(e.contains("arch.noc_injection_rate"), "{e}");
        let e = ArchConfig::from_toml_str("lanes = 4", "a.toml").unwrap_err();
        assert!(e.contains("unknown field `lanes`"), "{e}");
    }
}
