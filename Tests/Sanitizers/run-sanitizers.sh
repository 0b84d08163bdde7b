#!/bin/bash
# The unit tests (every kernel on every ISA this CPU has, the planner, sessions, files, hostile inputs) built and
# run under AddressSanitizer (Swift and C) and UndefinedBehaviorSanitizer (C: the kernels, codecs and platform
# code), in .build-sanitizers/. Out-of-bounds reads in SIMD tails and banded kernels, use after free, signed
# overflow and bad shifts are what it finds.
#
#   Tests/Sanitizers/run-sanitizers.sh [FILTER]      (default FILTER '^UnitTests\.'; about 20 minutes on 2 cores)
#
# The allocation counter (Tests/AllocationCounter) replaces malloc, which ASan owns: under ASan it is off, and the
# tests that count allocations say so ("not run: allocation counting"). Prints the test summary and the number of
# sanitizer findings (ASan reports and UBSan "runtime error:" lines); exit status 1 if there are any or a test
# fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FILTER=${1:-'^UnitTests\.'}
OUT=$ROOT/.build-sanitizers
mkdir -p "$OUT"
cd "$ROOT"
# Swift has AddressSanitizer but no UBSan (-sanitize=undefined is refused): UBSan instruments the C, and the
# link (clang's driver) brings its runtime.
swift build -c release --build-tests --build-path "$OUT" --sanitize=address \
  -Xcc -fsanitize=undefined -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined >"$OUT/build.log" 2>&1 \
  || { tail -30 "$OUT/build.log"; echo "run-sanitizers.sh: the sanitizer build failed (log: $OUT/build.log)" >&2; exit 1; }
set +e
ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
  swift test -c release --skip-build --build-path "$OUT" --filter "$FILTER" >"$OUT/test.log" 2>&1
rc=$?
set -e
findings=$(grep -cE 'ERROR: AddressSanitizer|runtime error:' "$OUT/test.log" || true)
grep -E 'Test run with|Executed [0-9]+ tests' "$OUT/test.log" | tail -2
grep -E 'ERROR: AddressSanitizer|runtime error:' "$OUT/test.log" | sort | uniq -c | head -20 || true
echo "sanitizer findings: $findings (test exit status $rc; log $OUT/test.log)"
[ "$rc" -eq 0 ] && [ "$findings" -eq 0 ]
