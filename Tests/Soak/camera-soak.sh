#!/bin/bash
# Soak: FRAMES frames (default 10,000) through `edgeseg-device camera --source` at a small model size, RSS sampled
# every 0.2 s from /proc; the mean RSS over the last 20 % of the run must be within 1 % of the mean over the
# first 20 % (no leak, no growth per frame).
#
#   Tests/Soak/camera-soak.sh [FRAMES]        (after swift build -c release; about 2 minutes on 2 cores)
#
# The frames are the 100 CamVid eval pictures (480x360) played round and round (a folder of symlinks), the model
# the CamVid B0 quantized at 128x96 (minmax, quantize's calibration) and run at 128x96, one thread. Prints the
# samples, both means and the change; exit status 1 if it exceeds 1 %.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FRAMES=${1:-10000}
BIN=$ROOT/.build/release
[ -x "$BIN/edgeseg-device" ] && [ -x "$BIN/edgeseg" ] || { echo "camera-soak.sh: build first: swift build -c release" >&2; exit 2; }
SHARED=$ROOT/../shared/assets
WORK=$(mktemp -d /tmp/edgeseg-soak.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$BIN/edgeseg" quantize --model "$SHARED/models/segformer-b0-camvid" --images "$SHARED/camvid/calib" --method minmax \
  --size 128x96 --output "$WORK/model.edgeseg" >/dev/null
mkdir "$WORK/frames"
images=("$SHARED"/camvid/eval/images/*.png)
for ((i = 0; i < FRAMES; i++)); do ln -s "${images[i % ${#images[@]}]}" "$WORK/frames/$(printf 'frame-%06d.png' "$i")"; done

"$BIN/edgeseg-device" camera --model "$WORK/model.edgeseg" --source "$WORK/frames" --model-size 128x96 --frames "$FRAMES" \
  >"$WORK/camera.log" 2>&1 &
pid=$!
: >"$WORK/rss"
while kill -0 $pid 2>/dev/null; do
  awk '/^VmRSS:/ {print $2}' /proc/$pid/status 2>/dev/null >>"$WORK/rss" || true
  sleep 0.2
done
wait $pid || { cat "$WORK/camera.log"; echo "camera-soak.sh: the camera run failed" >&2; exit 1; }
tail -1 "$WORK/camera.log"
awk -v frames="$FRAMES" '
  NF { rss[n++] = $1 }
  END {
    if (n < 10) { print "camera-soak.sh: only " n " RSS samples"; exit 1 }
    k = int(n / 5)
    for (i = 0; i < k; i++) { first += rss[i]; last += rss[n - k + i] }
    first /= k; last /= k
    change = (last - first) / first * 100
    printf "%d frames, %d RSS samples: first 20 %% %.0f kB, last 20 %% %.0f kB, change %+.2f %%\n", frames, n, first, last, change
    exit (change > 1 || change < -1) ? 1 : 0
  }' "$WORK/rss"
