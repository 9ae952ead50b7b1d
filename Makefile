# PANTHER in Rust: build, test, demo, benchmarks. `make help` lists the targets.
CARGO ?= cargo
OUT   ?= gen/out
PANTHER_RELEASE = target/release/panther

.PHONY: all build check test demo demo-mcu paper bench lint fmt clippy setup help golden-example wave verilog cosim synth tops fuzz

all: build ## Build everything (debug)

build: ## Build the workspace
	$(CARGO) build --workspace

check: fmt clippy ## The fast loop: fmt, clippy, golden-model, ISA, config and unit tests (no external tools)
	$(CARGO) test -p panther-sim
	$(CARGO) test -p panther-hdl --lib
	$(CARGO) test -p panther-testbenches --test blocks

# cargo-nextest runs the tests of every binary side by side (about a third faster on two
# cores); plain cargo test runs them binary by binary.
test: setup ## Every test: property tests, SV gates, Verilator co-simulation (installs the tools first)
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		$(CARGO) nextest run --workspace --no-fail-fast --config-file .ci/nextest.toml && $(CARGO) test --workspace --doc; \
	else \
		echo "(cargo-nextest not found: running cargo test; cargo install cargo-nextest runs them faster)"; \
		$(CARGO) test --workspace --no-fail-fast; \
	fi

$(PANTHER_RELEASE): FORCE
	$(CARGO) build --release -p panther-gen -p panther-dpi
FORCE:

demo: $(PANTHER_RELEASE) ## The main job: train the digits MLP on the machine next to float64; plots in $(OUT)/demo
	$(PANTHER_RELEASE) train --model examples/models/digits-mlp.toml --data digits --epochs 5 --out $(OUT)/demo

demo-mcu: $(PANTHER_RELEASE) ## One 128x128 MCU: bit-sliced MVM, MTVM, OPA, CRS with errors and costs
	$(PANTHER_RELEASE) demo mcu --config panther

paper: $(PANTHER_RELEASE) ## The paper's evaluation regenerated: $(OUT)/paper/index.html (+ index.md, SVG figures); FULL=1 for the long runs
	$(PANTHER_RELEASE) report paper --out $(OUT)/paper $(if $(FULL),--full,)

golden-example: $(PANTHER_RELEASE) ## Evaluate the example op file of docs/golden-json.md
	$(PANTHER_RELEASE) golden --ops examples/ops/small-sequence.json --pretty

bench: $(PANTHER_RELEASE) setup ## Benchmarks (release build); JSON copies in $(OUT)/bench
	mkdir -p $(OUT)/bench
	$(PANTHER_RELEASE) bench mcu --json $(OUT)/bench/mcu.json
	$(PANTHER_RELEASE) bench arch | tee $(OUT)/bench/arch.json
	$(PANTHER_RELEASE) bench train --json $(OUT)/bench/train.json
	$(PANTHER_RELEASE) bench rtl --json $(OUT)/bench/rtl.json
	$(PANTHER_RELEASE) bench cosim --json $(OUT)/bench/cosim.json

TINY = examples/configs/tiny-4x4.toml
CONFIG ?= $(TINY)

tops: $(PANTHER_RELEASE) ## List the exported tops (what every --top takes)
	$(PANTHER_RELEASE) tops

wave: $(PANTHER_RELEASE) setup ## Waveforms of one OPA (+ CRS, MVM) on a 4x4 MCU: rust_hdl ($(OUT)/opa.vcd + GTKWave view) and Verilator ($(OUT)/opa-verilator.vcd)
	mkdir -p $(OUT)
	$(PANTHER_RELEASE) sim --top mcu --config $(TINY) \
		--ops examples/ops/opa-4x4.json --vcd $(OUT)/opa.vcd --pretty
	$(PANTHER_RELEASE) cosim --top mcu --config $(TINY) \
		--ops examples/ops/opa-4x4.json --vcd $(OUT)/opa-verilator.vcd --pretty
	@echo "open: gtkwave $(OUT)/opa.gtkw   (Verilator: gtkwave $(OUT)/opa-verilator.vcd)"

verilog: $(PANTHER_RELEASE) ## Export every top as SystemVerilog (+ file lists, SDC, manifest) into $(OUT)/verilog (CONFIG=...)
	$(PANTHER_RELEASE) verilog --top all --config $(CONFIG) --out $(OUT)/verilog

cosim: $(PANTHER_RELEASE) setup ## Golden vs rust_hdl vs Verilator lock-step: the MCU (CONFIG=...) on random ops, every other top on its testbench
	$(PANTHER_RELEASE) cosim --top all --config $(CONFIG) --random 2 --seed 1 --pretty

synth: $(PANTHER_RELEASE) setup ## yosys cell counts and OpenSTA worst slack of every top (CONFIG=...)
	$(PANTHER_RELEASE) report synth --top all --config $(CONFIG) --out $(OUT)/synth
	$(PANTHER_RELEASE) report timing --top all --config $(CONFIG) --out $(OUT)/timing

FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

fuzz: ## Coverage-guided fuzzing (nightly + cargo-fuzz) of every parser, FUZZ_SECONDS (60) each, one worker; FUZZ_TARGETS=... picks some (docs/fuzzing.md)
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh $(FUZZ_TARGETS)

fmt: ## Check formatting
	$(CARGO) fmt --all -- --check

clippy: ## Lints
	$(CARGO) clippy --workspace --all-targets -- -D warnings

lint: fmt clippy $(PANTHER_RELEASE) setup ## fmt, clippy, and every exported top through verilator -Wall, iverilog and yosys
	$(PANTHER_RELEASE) verilog --top all --config $(CONFIG) --out $(OUT)/lint --check

setup: ## Install verilator, yosys, iverilog, opensta, g++, make and dataset-fashion-mnist where missing (Debian/Ubuntu as root; otherwise prints the command), and cocotb in target/cocotb-venv
	@bash .ci/install-tools.sh
	@bash .ci/install-cocotb.sh

help: ## This list
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'
