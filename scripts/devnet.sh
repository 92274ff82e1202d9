#!/usr/bin/env bash
# Builds Cairn (release) and runs a single-validator devnet from genesis/devnet.json.
# Extra arguments go to `cairn devnet` (e.g. --home DIR --rpc-port PORT); it runs in the directory
# this script is started from, so relative paths (and the default ./devnet-data) are taken from there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
swift build -c release --product cairn --package-path "$root"
bin="$(swift build -c release --package-path "$root" --show-bin-path)"
exec "$bin/cairn" devnet "$@"
