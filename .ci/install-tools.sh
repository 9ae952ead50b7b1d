#!/usr/bin/env bash
# Install the tools the tests and the RTL flow run, where missing: verilator, yosys,
# iverilog, OpenSTA (`sta`, package opensta), the C++ compiler and make that Verilator's
# model builds use, chromium (headless, for the paper report's test), and Fashion-MNIST (package dataset-fashion-mnist) for the test that
# trains on it. As root on Debian/Ubuntu this installs them with apt-get;
# anywhere else it stops with the exact command to run.
set -euo pipefail
missing=()
for t in verilator yosys iverilog; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
command -v sta >/dev/null 2>&1 || missing+=("opensta")
command -v g++ >/dev/null 2>&1 || missing+=("g++")
command -v make >/dev/null 2>&1 || missing+=("make")
# The paper report's test renders its HTML page headless.
command -v chromium >/dev/null 2>&1 || missing+=("chromium")
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || missing+=("dataset-fashion-mnist")
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing: ${missing[*]}; this is not a Debian/Ubuntu system: install them with your package manager (Debian: apt-get install -y ${missing[*]})" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "missing: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]} (apt-get)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
