"""Run one op file on the exported MCU through its ports, with cocotb, and compare every
result with `panther golden` on the same file. Only the protocol page (docs/mcu-ports.md)
and the export's manifest are used: program the weights row by row, load inputs, present a
command while idle, wait for done, read the results by address.

Environment (the Makefile sets them): PANTHER_OPS (the op file), PANTHER_GOLDEN (`panther
golden --ops` output), PANTHER_CONFIG (`panther config show` of the op file's config)."""

import json
import os
import tomllib

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge, Timer

TRAIN, RESOLVE, READ_ROW, WRITE_ROW = 0, 1, 2, 3
MVM, MTVM, OPA = 0b100, 0b010, 0b001


def signed(v, bits):
    v = int(v) & ((1 << bits) - 1)
    return v - (1 << bits) if v >> (bits - 1) else v


class Mcu:
    def __init__(self, dut, cfg):
        self.dut = dut
        self.rows = cfg["array"]["rows"]
        self.cols = cfg["array"]["cols"]
        self.slices = cfg["slicing"]["slices"]

    async def tick(self):
        await RisingEdge(self.dut.clock)

    async def settle(self):
        await Timer(1, unit="ns")

    async def reset(self):
        self.dut.rst.value = 1
        for name in ["cmd_valid", "cmd", "cmd_mask", "cmd_row", "cmd_copy", "cmd_slices",
                     "cmd_correct", "load_en", "load_cols", "load_addr", "load_word",
                     "read_addr", "clip_sel"]:
            getattr(self.dut, name).value = 0
        await self.tick()
        await self.settle()
        self.dut.rst.value = 0

    async def load(self, cols, words):
        for i, w in enumerate(words):
            self.dut.load_en.value = 1
            self.dut.load_cols.value = int(cols)
            self.dut.load_addr.value = i
            self.dut.load_word.value = int(w) & 0xFFFF
            await self.tick()
            await self.settle()
        self.dut.load_en.value = 0

    async def command(self, cmd, mask=0, row=0, copy=0, slices=0, correct=0):
        while int(self.dut.busy.value):
            await self.tick()
            await self.settle()
        self.dut.cmd_valid.value = 1
        self.dut.cmd.value = cmd
        self.dut.cmd_mask.value = mask
        self.dut.cmd_row.value = row
        self.dut.cmd_copy.value = copy
        self.dut.cmd_slices.value = slices
        self.dut.cmd_correct.value = correct
        await self.tick()
        await self.settle()
        self.dut.cmd_valid.value = 0
        while not int(self.dut.done.value):
            await self.tick()
            await self.settle()
        return int(self.dut.cycles.value)

    async def read(self, port, n, bits):
        out = []
        for j in range(n):
            self.dut.read_addr.value = j
            await self.settle()
            out.append(signed(getattr(self.dut, port).value, bits))
        return out

    async def write_weights(self, w):
        for r, row in enumerate(w):
            await self.load(True, row)
            await self.command(WRITE_ROW, row=r)

    async def line_op(self, words, mtvm):
        await self.load(mtvm, words)
        await self.command(TRAIN, mask=MTVM if mtvm else MVM)
        n = self.rows if mtvm else self.cols
        raw = await self.read("read_raw", n, 48)
        word = await self.read("read_word", n, 16)
        return raw, word, int(self.dut.adc_clips.value), int(self.dut.line_saturations.value)

    async def read_weights(self):
        out = []
        for r in range(self.rows):
            await self.command(READ_ROW, row=r, copy=0, slices=(1 << self.slices) - 1, correct=1)
            out.append(await self.read("read_value", self.cols, 48))
        return out


def check(what, got, want):
    assert got == want, f"{what}: MCU {got}, golden {want}"


@cocotb.test()
async def op_file_matches_golden(dut):
    with open(os.environ["PANTHER_OPS"]) as f:
        ops = json.load(f)
    with open(os.environ["PANTHER_GOLDEN"]) as f:
        golden = json.load(f)["results"]
    with open(os.environ["PANTHER_CONFIG"], "rb") as f:
        cfg = tomllib.load(f)
    cocotb.start_soon(Clock(dut.clock, 10, unit="ns").start())
    mcu = Mcu(dut, cfg)
    await mcu.reset()
    await mcu.write_weights(ops["weights"])
    for n, (op, want) in enumerate(zip(ops["ops"], golden)):
        kind = op["op"]
        at = f"op {n} ({kind})"
        if kind in ("mvm", "mtvm"):
            raw, word, clips, sats = await mcu.line_op(op["x" if kind == "mvm" else "d"], kind == "mtvm")
            key = "y" if kind == "mvm" else "z"
            check(f"{at} {key}_raw", raw, want[f"{key}_raw"])
            check(f"{at} {key}", word, want[key])
            check(f"{at} adc_clips", clips, want["adc_clips"])
            check(f"{at} saturations", sats, want["saturations"])
        elif kind == "opa":
            await mcu.load(False, op["x"])
            await mcu.load(True, op["d"])
            await mcu.command(TRAIN, mask=OPA)
            check(f"{at} phases", int(dut.phases.value), want["phases"])
            check(f"{at} overflow_terms", int(dut.overflow_terms.value), want["overflow_terms"])
            clips = []
            for k in range(mcu.slices):
                dut.clip_sel.value = k
                await mcu.settle()
                clips.append(int(dut.clip_events.value))
            check(f"{at} clip_events", clips, want["clip_events"])
        elif kind == "crs":
            await mcu.command(RESOLVE)
            check(f"{at} saturations", int(dut.crs_saturations.value), want["saturations"])
        elif kind == "read_weights":
            check(f"{at} weights", await mcu.read_weights(), want["weights"])
        else:
            dut._log.info("%s: not driven by this example", at)
            continue
        dut._log.info("%s: equal to golden", at)
