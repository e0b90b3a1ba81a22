#!/usr/bin/env bash
# Builds costsim and its benchmark in release and runs the benchmark. Not part of `swift test`.
#   Benchmarks/run.sh [--jobs 10000] [--repeat 5]
#   Benchmarks/run.sh --mode breakeven|placement|simulate [options of that mode]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-bench --product costsim >/dev/null
swift build -c release --scratch-path .build-bench --product costsim-bench >/dev/null
# The placement and simulate modes run in process only: they take no --costsim.
case "${1:-} ${2:-}" in
  "--mode placement" | "--mode simulate") exec .build-bench/release/costsim-bench "$@" ;;
esac
exec .build-bench/release/costsim-bench "$@" --costsim .build-bench/release/costsim
