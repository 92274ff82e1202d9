#!/usr/bin/env bash
# Runs the whole test suite: unit, property and end-to-end tests (the latter start real
# `cairn` processes on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
