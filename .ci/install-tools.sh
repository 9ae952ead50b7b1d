#!/usr/bin/env bash
# Install the HDL tools where missing: verilator, yosys, iverilog, OpenSTA (`sta`, package
# opensta), and the C++ compiler and make that Verilator's model builds use.
set -euo pipefail
missing=()
for t in verilator yosys iverilog; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
command -v sta >/dev/null 2>&1 || missing+=("opensta")
command -v g++ >/dev/null 2>&1 || missing+=("g++")
command -v make >/dev/null 2>&1 || missing+=("make")
[ ${#missing[@]} -eq 0 ] && { echo "verilator, yosys, iverilog, sta, g++, make: present"; exit 0; }
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "missing: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]} (Debian/Ubuntu)" >&2
  exit 1
fi
