#!/bin/bash
# Guest instructions per function and per int8 op group of an aarch64 program, counted under qemu-user by a TCG
# plugin (Boards/insn-count/insn-profile.c) that attributes each translated block to the symbol it starts in, and
# counts dot-product (SDOT/UDOT) and multiply instructions beside. Instruction counts are a proxy for time (no
# cycles, no memory stalls: say so wherever they are reported).
#
#   CPU=cortex-a76 EDGESEG_ISA=neondot Boards/profile-instructions.sh BINARY [ARGS...]
#
# Prints "group insns dots muls" per op group (by kernel name), then the 25 functions with most instructions; when
# the program ran several threads (--threads N), also each group's instructions per thread and max/mean, the
# balance of the thread pool's split. The binary needs its symbol table (not stripped). Needs qemu-aarch64 from Debian's
# qemu-user (the -static build cannot load plugins) and gcc.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
command -v qemu-aarch64 >/dev/null || { echo "profile-instructions.sh: qemu-aarch64 not found: apt-get install qemu-user" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
gcc -O2 -shared -fPIC -o "$WORK/libinsn-profile.so" "$(dirname "$0")/insn-count/insn-profile.c"
qemu-aarch64 -cpu "${CPU:-cortex-a76}" -plugin "$WORK/libinsn-profile.so" -d plugin -D "$WORK/log" "$@" >/dev/null
awk '
  function group(f) {
    if (f ~ /_qk_|_pv_|softmax|q30_exp2|attention_normalize/) return "attention"
    if (f ~ /layernorm|isqrt/) return "layernorm"
    if (f ~ /dwconv/) return "depthwise"
    if (f ~ /gemm|conv2d/) return "linear+conv"
    if (f ~ /_lut_|_vadd_/) return "gelu+add"
    if (f ~ /upsample_sum/) return "decoder"
    if (f ~ /ibilinear_argmax/) return "classmap"
    if (f ~ /quantize_rgb8|normalize_rgb8/) return "input"
    return "other"
  }
  $5 == "total" { insns["total"] = $2; dots["total"] = $3; muls["total"] = $4; next }
  {
    g = group($5); insns[g] += $2; dots[g] += $3; muls[g] += $4; per[g, $1] += $2
    if ($1 + 1 > threads) threads = $1 + 1
    fn[$5] += $2; fdots[$5] += $3; fmuls[$5] += $4
  }
  END {
    n = split("input linear+conv depthwise attention layernorm gelu+add decoder classmap other total", order, " ")
    printf "%-12s %14s %12s %12s\n", "group", "insns", "dots", "muls"
    for (i = 1; i <= n; i++) if (order[i] in insns) printf "%-12s %14.0f %12.0f %12.0f\n", order[i], insns[order[i]], dots[order[i]], muls[order[i]]
    printf "top functions (insns dots muls function):\n"
    for (k = 0; k < 25; k++) {
      best = ""; for (f in fn) if (best == "" || fn[f] > fn[best]) best = f
      if (best == "") break
      printf "  %.0f %.0f %.0f %s\n", fn[best], fdots[best], fmuls[best], best; delete fn[best]
    }
    if (threads > 1) {
      printf "instructions per thread (thread 0 is the caller) and max/mean:\n%-12s", "group"
      for (t = 0; t < threads; t++) printf " %14s", "thread " t
      printf " %9s\n", "max/mean"
      for (i = 1; i < n; i++) {
        g = order[i]; if (!(g in insns)) continue
        max = 0; for (t = 0; t < threads; t++) if (per[g, t] > max) max = per[g, t]
        printf "%-12s", g; for (t = 0; t < threads; t++) printf " %14.0f", per[g, t]
        printf " %9.3f\n", max / (insns[g] / threads)
      }
    }
  }' "$WORK/log"
