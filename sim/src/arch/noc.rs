//! The on-chip network: packets in flight with their arrival cycle (concentrated-mesh
//! latency model of `ArchConfig`), and each tile's receive buffer, one FIFO per source
//! tile. Flow control: a sender may have at most `receive_buffer_packets_per_source`
//! packets in flight or buffered towards one destination (credits return when the
//! receiver takes a packet).

use super::params::ArchConfig;
use std::collections::{HashMap, VecDeque};

#[derive(Debug, Clone)]
pub struct Packet {
    pub src: usize,
    pub dst: usize,
    pub arrive_cycle: u64,
    pub words: Vec<i16>,
}

#[derive(Debug, Clone, Default)]
pub struct Noc {
    in_flight: VecDeque<Packet>,
    buffers: HashMap<(usize, usize), VecDeque<Packet>>,
    outstanding: HashMap<(usize, usize), usize>,
    pub packets_sent: u64,
    pub router_traversals: u64,
    pub receive_buffer_accesses: u64,
}

impl Noc {
    /// No packet in flight or waiting in a receive buffer, no credit outstanding.
    pub fn is_idle(&self) -> bool {
        self.in_flight.is_empty()
            && self.buffers.values().all(VecDeque::is_empty)
            && self.outstanding.values().all(|&n| n == 0)
    }

    pub fn can_send(&self, arch: &ArchConfig, src: usize, dst: usize) -> bool {
        self.outstanding.get(&(src, dst)).copied().unwrap_or(0)
            < arch.receive_buffer_packets_per_source
    }

    pub fn inject(&mut self, arch: &ArchConfig, now: u64, src: usize, dst: usize, words: Vec<i16>) {
        let arrive_cycle = now + arch.noc_latency_cycles(src, dst);
        *self.outstanding.entry((src, dst)).or_default() += 1;
        self.packets_sent += 1;
        self.router_traversals += arch.noc_hops(src, dst) + 1;
        // Latency depends on the pair, so keep the queue ordered by arrival.
        let pos = self
            .in_flight
            .iter()
            .rposition(|p| p.arrive_cycle <= arrive_cycle)
            .map_or(0, |p| p + 1);
        self.in_flight.insert(
            pos,
            Packet {
                src,
                dst,
                arrive_cycle,
                words,
            },
        );
    }

    /// Move packets that arrive by `now` into their receive buffers.
    pub fn deliver(&mut self, now: u64) {
        while self
            .in_flight
            .front()
            .is_some_and(|p| p.arrive_cycle <= now)
        {
            let p = self.in_flight.pop_front().expect("front exists");
            self.receive_buffer_accesses += 1;
            self.buffers.entry((p.dst, p.src)).or_default().push_back(p);
        }
    }

    pub fn has_packet(&self, dst: usize, src: usize) -> bool {
        self.buffers.get(&(dst, src)).is_some_and(|q| !q.is_empty())
    }

    pub fn take(&mut self, dst: usize, src: usize) -> Option<Packet> {
        let p = self.buffers.get_mut(&(dst, src))?.pop_front()?;
        self.receive_buffer_accesses += 1;
        if let Some(n) = self.outstanding.get_mut(&(src, dst)) {
            *n -= 1;
        }
        Some(p)
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Cycle of the next arrival, if any.
    pub fn next_arrival(&self) -> Option<u64> {
        self.in_flight.front().map(|p| p.arrive_cycle)
    }

    /// Packets delivered but never received.
    pub fn buffered(&self) -> usize {
        self.buffers.values().map(|q| q.len()).sum()
    }
}
