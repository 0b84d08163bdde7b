#!/bin/bash
# Fuzzes every reader of untrusted bytes (model files, config.json, safetensors, scales.json, PNG, JPEG, label
# PNGs, the live view's HTTP requests) with libFuzzer and the structure-aware mutations of edgeseg-fuzz
# (Tests/Fuzz/Harness): checksums and CRCs recomputed, JSON kept valid with hostile numbers, image headers with
# hostile sizes.
#
#   Tests/Fuzz/run-fuzz.sh [--seconds N] [TARGET...]      (default: 60 s per target, every target)
#
# Builds edgeseg-fuzz with -sanitize=fuzzer (C with -fsanitize=fuzzer-no-link, so the codecs and kernels are
# covered too) in .build-fuzz/, writes seed corpora from ../shared (.build-fuzz/seeds/TARGET), and runs each
# target for N seconds on its corpus (.build-fuzz/corpus/TARGET, which keeps what libFuzzer found). A single
# allocation above 1 GB, a run above 10 s or a crash is a finding: its input goes to
# .build-fuzz/crashes/TARGET/; make it a regression test (Tests/UnitTests/Fixtures/hostile/, HostileInputTests).
# Prints one line per target: executions, coverage (libFuzzer's cov and ft), corpus size, findings.
# Exit status: 0 if no target found anything.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_PER_TARGET=60
TARGETS=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECONDS_PER_TARGET=${2:?--seconds needs a number}; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(model config safetensors scales png jpeg labels http)
OUT=$ROOT/.build-fuzz
cd "$ROOT"
mkdir -p "$OUT"
# lld: gold crashes (dwarf_reader.cc) linking the instrumented objects.
swift build -c release --build-path "$OUT" --product edgeseg-fuzz \
  -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link -Xswiftc -use-ld=lld >"$OUT/build.log" 2>&1 \
  || { tail -30 "$OUT/build.log"; echo "run-fuzz.sh: the libFuzzer build failed (log: $OUT/build.log)" >&2; exit 1; }
FUZZ=$OUT/release/edgeseg-fuzz
[ -d "$OUT/seeds/model" ] || "$FUZZ" seeds "$OUT/seeds" "$ROOT/../shared" "$ROOT/Tests/UnitTests/Fixtures"
export EDGESEG_FUZZ_CONFIG=$ROOT/../shared/assets/models/segformer-b0-camvid/config.json
status=0
for target in "${TARGETS[@]}"; do
  mkdir -p "$OUT/corpus/$target" "$OUT/crashes/$target"
  cp -n "$OUT/seeds/$target"/* "$OUT/corpus/$target/" 2>/dev/null || true
  largest=$(ls -S "$OUT/corpus/$target" | head -1)
  max_len=$(( $(stat -c %s "$OUT/corpus/$target/$largest") + 4096 ))
  log=$OUT/fuzz-$target.log
  set +e
  "$FUZZ" "$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=3072 -malloc_limit_mb=1024 \
    -max_len=$max_len -print_final_stats=1 -artifact_prefix="$OUT/crashes/$target/" "$OUT/corpus/$target" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
  corpus=$(ls "$OUT/corpus/$target" | wc -l)
  findings=$(ls "$OUT/crashes/$target" | wc -l)
  echo "$target: ${runs:-?} executions in ${SECONDS_PER_TARGET} s, ${cov:-cov: ?}, corpus $corpus, findings $findings (exit $rc; log $log)"
  if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then status=1; fi
done
exit $status
