#!/usr/bin/env bash
# The Monte Carlo benchmark (issue 3): 10,000 trials of a 50-job workload with 1,000,000
# runs/month per job on every provider of the default catalog, timed in release in process, and
# in the same run the vectorised numpy reference of the same model (simulate_reference.py).
# Prints both figures and their ratio. Not part of `swift test`.
#   Benchmarks/simulate.sh [--trials 10000] [--jobs 50] [--runs 1000000] [--repeat 5] [--python python3]
# Needs numpy for the reference: `pip install numpy` (without it the Swift figure alone is shown).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-bench --product costsim-bench >/dev/null
exec .build-bench/release/costsim-bench --mode simulate "$@"
