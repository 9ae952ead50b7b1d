#!/usr/bin/env bash
# Install the HDL tools (verilator, yosys, iverilog) where missing.
set -euo pipefail
missing=()
for t in verilator yosys iverilog; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
[ ${#missing[@]} -eq 0 ] && { echo "verilator, yosys, iverilog: present"; exit 0; }
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "missing: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]} (Debian/Ubuntu)" >&2
  exit 1
fi
