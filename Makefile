# PANTHER in Rust: build, test, demo, benchmarks. `make help` lists the targets.
CARGO ?= cargo
OUT   ?= gen/out
PANTHER_RELEASE = target/release/panther

.PHONY: all build test demo bench lint fmt clippy setup help golden-example wave verilog cosim synth

all: build ## Build everything (debug)

build: ## Build the workspace
	$(CARGO) build --workspace

TOOLS = verilator yosys iverilog sta g++ make
check-tools:
	@for t in $(TOOLS); do command -v $$t >/dev/null || { p=$$t; [ $$t = sta ] && p=opensta; echo "$$t not found: run 'make setup' (or: sudo apt-get install $$p)" >&2; exit 1; }; done

test: check-tools ## Run every test (property tests, SV gates and Verilator co-simulation; `make setup` installs the tools)
	$(CARGO) test --workspace

$(PANTHER_RELEASE): FORCE
	$(CARGO) build --release -p panther-gen
FORCE:

demo: $(PANTHER_RELEASE) ## The main job: 128x128 bit-sliced MVM, MTVM, OPA, CRS with errors and costs
	$(PANTHER_RELEASE) demo --config panther

golden-example: $(PANTHER_RELEASE) ## Evaluate the example op file of docs/golden-json.md
	$(PANTHER_RELEASE) golden --ops examples/ops/small-sequence.json --pretty

bench: $(PANTHER_RELEASE) ## Benchmarks (release build); JSON copies in $(OUT)/bench
	mkdir -p $(OUT)/bench
	$(PANTHER_RELEASE) bench mcu --json $(OUT)/bench/mcu.json
	$(PANTHER_RELEASE) bench arch | tee $(OUT)/bench/arch.json
	$(PANTHER_RELEASE) bench rtl --json $(OUT)/bench/rtl.json
	$(PANTHER_RELEASE) bench cosim --json $(OUT)/bench/cosim.json

TINY = examples/configs/tiny-4x4.toml
CONFIG ?= $(TINY)

wave: $(PANTHER_RELEASE) check-tools ## Waveforms of one OPA (+ CRS, MVM) on a 4x4 MCU: rust_hdl ($(OUT)/opa.vcd + GTKWave view) and Verilator ($(OUT)/opa-verilator.vcd)
	mkdir -p $(OUT)
	$(PANTHER_RELEASE) sim --top mcu --config $(TINY) \
		--ops examples/ops/opa-4x4.json --vcd $(OUT)/opa.vcd --pretty
	$(PANTHER_RELEASE) cosim --top mcu --config $(TINY) \
		--ops examples/ops/opa-4x4.json --vcd $(OUT)/opa-verilator.vcd --pretty
	@echo "open: gtkwave $(OUT)/opa.gtkw   (Verilator: gtkwave $(OUT)/opa-verilator.vcd)"

verilog: $(PANTHER_RELEASE) ## Export every top as SystemVerilog (+ file lists, SDC, manifest) into $(OUT)/verilog (CONFIG=...)
	$(PANTHER_RELEASE) verilog --top all --config $(CONFIG) --out $(OUT)/verilog

cosim: $(PANTHER_RELEASE) check-tools ## Golden vs rust_hdl vs Verilator lock-step: the MCU on random ops, then every block
	$(PANTHER_RELEASE) cosim --top mcu --config $(CONFIG) --random 6 --seed 1 --pretty
	for b in drivers sar shift_add offset_correction opa_column opa_unit crs_lane crs controller crossbar; do \
		$(PANTHER_RELEASE) cosim --top $$b --random 2 --seed 1 || exit 1; done

synth: $(PANTHER_RELEASE) check-tools ## yosys cell counts and OpenSTA worst slack of every top (CONFIG=...)
	$(PANTHER_RELEASE) report synth --top all --config $(CONFIG) --out $(OUT)/synth
	$(PANTHER_RELEASE) report timing --top all --config $(CONFIG) --out $(OUT)/timing

fmt: ## Check formatting
	$(CARGO) fmt --all -- --check

clippy: ## Lints
	$(CARGO) clippy --workspace --all-targets -- -D warnings

lint: fmt clippy $(PANTHER_RELEASE) check-tools ## fmt, clippy, and every exported top through verilator -Wall, iverilog and yosys
	$(PANTHER_RELEASE) verilog --top all --config $(CONFIG) --out $(OUT)/lint --check

setup: ## Install verilator, yosys, iverilog, opensta (and g++, make) where missing (Debian/Ubuntu as root)
	bash .ci/install-tools.sh

help: ## This list
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'
