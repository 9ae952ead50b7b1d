#!/usr/bin/env bash
# `make fuzz`: seed each target's corpus from the repository's examples, fuzz it for
# FUZZ_SECONDS with one libFuzzer worker, and print executions and crashes per target.
# Arguments: the targets to run (default all). docs/fuzzing.md describes the whole.
set -euo pipefail
cd "$(dirname "$0")"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
ALL=(config opfile asm disasm bundle model data checkpoint)
if [ $# -eq 0 ]; then TARGETS=("${ALL[@]}"); else TARGETS=("$@"); fi

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "make fuzz needs a nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "make fuzz needs cargo-fuzz: cargo install cargo-fuzz" >&2
  exit 1
fi

# The examples each target starts from (beside fuzz/seeds/<target> and fuzz/regressions/<target>).
examples() {
  case "$1" in
    config) ls ../examples/configs/*.toml ;;
    opfile) ls ../examples/ops/*.json ;;
    asm) ls ../examples/bundles/*/*.s ;;
    bundle) ls ../examples/bundles/*/bundle.toml ;;
    model) ls ../examples/models/*.toml ;;
    data) ls ../data/iris.csv ;;
    disasm | checkpoint) ;;
    *) echo "unknown fuzz target $1; allowed: ${ALL[*]}" >&2; exit 1 ;;
  esac
}

# libFuzzer's fork-mode job folders and the bundle target's folder: in memory where there is
# /dev/shm (several times faster than a disk-backed /tmp).
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
# Address Sanitizer off: panther-sim has no unsafe code, and it halves the speed.
FLAGS=(-s none)
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
for t in "${TARGETS[@]}"; do examples "$t" >/dev/null; done
cargo +nightly fuzz build "${FLAGS[@]}"

summary=()
failed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  for f in $(examples "$t"); do
    cp "$f" "corpus/$t/example-$(basename "$(dirname "$f")")-$(basename "$f")"
  done
  for d in seeds regressions; do
    if [ -d "$d/$t" ]; then
      for f in "$d/$t"/*; do
        [ -f "$f" ] && cp "$f" "corpus/$t/$d-$(basename "$f")"
      done
    fi
  done
  stamp=$(mktemp)
  log="artifacts/$t.log"
  echo "== fuzz $t for ${FUZZ_SECONDS}s (log: fuzz/$log)"
  # One worker process at a time (-fork=1) that goes on after a crash, timeout or OOM;
  # each input found is written to artifacts/<target>/.
  dict=()
  [ -f "dict/$t.dict" ] && dict=(-dict="dict/$t.dict")
  cargo +nightly fuzz run "${FLAGS[@]}" "$t" "corpus/$t" -- "${dict[@]}" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="artifacts/$t/" >"$log" 2>&1 || true
  # The fork-mode status lines: `#EXECS: cov: .. oom/timeout/crash: A/B/C time: Ts ..`.
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
  execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
  otc=$(sed -E 's/.*oom\/timeout\/crash: ([0-9\/]+).*/\1/' <<<"$last")
  secs=$(sed -E 's/.*time: ([0-9]+)s.*/\1/' <<<"$last")
  rate=$(( execs / (secs > 0 ? secs : 1) )) # the status line's exec/s is the last job's
  # New findings: inputs written during this run that are not kept in regressions/<target>/
  # already (the kept ones are in the corpus, and libFuzzer names a finding by its SHA-1).
  known=$(sha1sum "regressions/$t"/* 2>/dev/null | cut -d' ' -f1 || true)
  new=0
  for f in $(find "artifacts/$t" -type f -newer "$stamp"); do
    grep -qF "$(sha1sum "$f" | cut -d' ' -f1)" <<<"$known" || new=$((new + 1))
  done
  rm -f "$stamp"
  if [ -z "$last" ]; then
    summary+=("$(printf '%-10s did not run: see fuzz/%s' "$t" "$log")")
    failed=1
    continue
  fi
  summary+=("$(printf '%-10s %12s execs %7s exec/s %5ss  oom/timeout/crash %-7s new findings in fuzz/artifacts/%s: %s' \
    "$t" "$execs" "$rate" "$secs" "$otc" "$t" "$new")")
  [ "$new" -gt 0 ] && failed=1
done
echo
echo "target     executions, speed, seconds, findings"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "findings: minimise with cargo +nightly fuzz tmin -s none TARGET FILE, keep them in fuzz/regressions/TARGET/ (docs/fuzzing.md)" >&2
  exit 1
fi
