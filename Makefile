# PANTHER in Rust: build, test, demo, benchmarks. `make help` lists the targets.
CARGO ?= cargo
OUT   ?= gen/out
PANTHER_RELEASE = target/release/panther

.PHONY: all build test demo bench lint fmt clippy setup help golden-example wave

all: build ## Build everything (debug)

build: ## Build the workspace
	$(CARGO) build --workspace

test: ## Run every test (property tests and the yosys gates included; `make setup` installs yosys)
	@command -v yosys >/dev/null || { echo "yosys not found: run 'make setup' (or: sudo apt-get install yosys)" >&2; exit 1; }
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

wave: $(PANTHER_RELEASE) ## RTL waveform of one OPA (+ CRS, MVM) on a 4x4 MCU: $(OUT)/opa.vcd and a GTKWave view
	mkdir -p $(OUT)
	$(PANTHER_RELEASE) sim --top mcu --config examples/configs/tiny-4x4.toml \
		--ops examples/ops/opa-4x4.json --vcd $(OUT)/opa.vcd --pretty
	@echo "open: gtkwave $(OUT)/opa.gtkw   (or: surfer $(OUT)/opa.vcd)"

fmt: ## Check formatting
	$(CARGO) fmt --all -- --check

clippy: ## Lints
	$(CARGO) clippy --workspace --all-targets -- -D warnings

lint: fmt clippy ## fmt + clippy (exported-SV lint joins with the RTL issues)

setup: ## Install verilator, yosys and iverilog where missing (Debian/Ubuntu as root)
	bash .ci/install-tools.sh

help: ## This list
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'
