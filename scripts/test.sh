#!/usr/bin/env bash
# Runs the whole test suite: unit, property and end-to-end tests (the latter start real
# `cairn` processes on loopback). Arguments go to `swift test` (e.g. --filter NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
# A test process that crashes leaves the node processes it started running, orphaned, and they
# would hold both cores for whatever runs next: when this script ends, however it ends, it stops
# the orphaned `cairn` processes of this checkout's debug build. Only orphans (parent 1): the
# suite itself runs this script while other tests' nodes are up.
stop_orphans() {
  for pid in $(pgrep -P 1 -x cairn 2>/dev/null); do
    case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in "$PWD"/.build/*/debug/cairn) kill "$pid" 2>/dev/null || true ;; esac
  done
}
trap stop_orphans EXIT
if [ $# -gt 0 ]; then
  swift test --skip-build "$@"
  exit
fi
# Three runs, so that tests with deadlines do not share two cores with what would starve them:
# everything else (many tests start real node processes at once), then the P2P socket tests
# (handshake and dial deadlines), then the consensus simulators (both cores for a minute or two).
swift test --skip-build --skip 'SimulatorTests|CairnP2PTests'
swift test --skip-build --filter CairnP2PTests
swift test --skip-build --filter SimulatorTests
