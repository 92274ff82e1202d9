#!/usr/bin/env bash
# Runs the whole test suite: unit, property and end-to-end tests (the latter start real
# `cairn` processes on loopback). Arguments go to `swift test` (e.g. --filter NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
if [ $# -gt 0 ]; then
  exec swift test --skip-build "$@"
fi
# The consensus simulators keep both cores busy for a minute or two; run at the same time as the
# network and process tests they would starve those tests' deadlines, so they run afterwards.
swift test --skip-build --skip SimulatorTests
swift test --skip-build --filter SimulatorTests
