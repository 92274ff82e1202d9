#!/usr/bin/env bash
# Builds Cairn (release) and runs a single-validator devnet from genesis/devnet.json.
# Extra arguments go to `cairn devnet` (e.g. --home DIR --rpc-port PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product cairn
exec .build/release/cairn devnet "$@"
