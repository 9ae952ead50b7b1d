#!/usr/bin/env bash
# cocotb for the example in examples/cocotb (and its test): a virtual environment in
# target/cocotb-venv with cocotb 2.1.0 from PyPI, where missing. cocotb 2.1 runs with
# Icarus 11; with Verilator it needs 5.036 or later (Debian 12 ships 5.006).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/cocotb-venv
if [ -x "$venv/bin/cocotb-config" ] && [ "$("$venv/bin/cocotb-config" --version)" = 2.1.0 ]; then
  exit 0
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
  echo "python3 with the venv module is needed for cocotb (Debian: apt-get install -y python3-venv)" >&2
  exit 1
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q cocotb==2.1.0
"$venv/bin/cocotb-config" --version
