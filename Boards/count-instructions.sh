#!/bin/bash
# Guest instructions per frame on each int8 path of the Pi binary, counted under qemu-user by a TCG plugin
# (Boards/insn-count): what Boards/README.md reports.
#
#   Boards/count-instructions.sh BINARY MODEL.edgeseg IMAGE [HxW]      (default 512x512)
#
# Per ISA (EDGESEG_ISA=scalar, neon, neondot, on an emulated Cortex-A76 that has them all) it runs `bench` with 1
# and with 3 timed runs on one thread; per frame = the difference / 2, so start-up, model loading and image decoding
# drop out. Needs qemu-aarch64 from Debian's qemu-user (the -static build cannot load plugins) and gcc.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
BINARY=$1 MODEL=$2 IMAGE=$3 SIZE=${4:-512x512}
command -v qemu-aarch64 >/dev/null || { echo "count-instructions.sh: qemu-aarch64 not found: apt-get install qemu-user" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
gcc -O2 -shared -fPIC -o "$WORK/libinsn-count.so" "$(dirname "$0")/insn-count/insn-count.c"
count() {  # ISA RUNS -> instructions of the whole process
  EDGESEG_ISA=$1 qemu-aarch64 -cpu cortex-a76 -plugin "$WORK/libinsn-count.so" -d plugin -D "$WORK/log" \
    "$BINARY" bench --model "$MODEL" --image "$IMAGE" --size "$SIZE" --threads 1 --runs "$2" >/dev/null
  sed -n 's/^insns: //p' "$WORK/log"
}
for isa in scalar neon neondot; do
  one=$(count $isa 1) three=$(count $isa 3)
  echo "$isa: $(( (three - one) / 2 )) instructions per $SIZE frame"
done
