#!/usr/bin/env bash
# Builds one fuzz target (debug, libFuzzer + AddressSanitizer) and runs it for SECONDS on one core.
# Debug on purpose: with -c release (Swift 6.3.1, Linux) the Swift code of the Cairn modules got no
# coverage counters (libFuzzer reported cov: 36 against 950 in debug), so it fuzzed blind.
# usage: FuzzTesting/run.sh TARGET SECONDS [extra libFuzzer flags]
#   TARGET: FuzzCanonical | FuzzGenesis | FuzzMerkle | FuzzCrypto | FuzzJSON
# The corpus grows in FuzzTesting/corpus/TARGET (seeded from Specs/vectors by make-seeds.py);
# crashing inputs land in FuzzTesting/artifacts/TARGET/. Both are git-ignored: copy findings and
# a few interesting inputs to Tests/Fuzz/TARGET/ so FuzzReplayTests replays them.
# FuzzJSON pulls in Hummingbird/NIO through CairnRPC: its first build takes several minutes.
set -euo pipefail
target=${1:?usage: run.sh TARGET SECONDS [libFuzzer flags]}
seconds=${2:-60}
shift 2 || shift $#
cd "$(dirname "$0")"
[ -d "corpus/$target" ] || python3 make-seeds.py
# Not `--sanitize fuzzer --sanitize address`: swiftc then gets two -sanitize= flags, the last one
# wins, and the Swift code is built with ASan but WITHOUT coverage (libFuzzer runs blind). One
# combined flag instruments for both; `--sanitize fuzzer` makes SwiftPM link libFuzzer's main.
swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address --product "$target"
mkdir -p "artifacts/$target"
# Swift's own crash backtracer can stall for minutes under ASan; libFuzzer prints the stack.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
exec ".build/debug/$target" "corpus/$target" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="artifacts/$target/" -print_final_stats=1 "$@"
