#!/bin/bash
# Cross-compiles the device binary for 64-bit Raspberry Pi OS (bookworm, aarch64) on an x86 host: one static
# executable, edgeseg-aarch64, with nothing to install on the Pi; and the C API for programs of your own:
# libedgeseg.a + edgeseg.h (link: cc app.c -I OUT OUT/libedgeseg.a -lpng16 -ljpeg -lz -lm -lpthread; a PIE, the
# default of Debian's gcc: -static needs -static-pie, as below).
#
#   Boards/build-pi.sh [--out DIR]        (or OUT=DIR; default .build-pi/ in the project)
#
# Swift: Embedded Swift (no Foundation, no Swift runtime libraries to ship), one module at a time with
# -emit-module so each imports the ones before it: EdgeSegRuntime, EdgeSegCapture, EdgeSegCommands, edgeseg-device;
# then EdgeSegLibrary (the C API) over EdgeSegRuntime.
# C: every CEdgeSeg source with aarch64-linux-gnu-gcc and the package's kernel flags (kernels that need the
# dot-product extension enable it per function, so the binary still runs on a Pi 4; the dispatch picks them
# at run time). Link: -static-pie (a plain -static link of Embedded Swift objects fails on a copy relocation
# against a protected symbol) with static libpng/zlib/libjpeg/libv4l2 from the arm64 sysroot.
#
# Needs: swiftc 6.3 (Embedded), gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, and the arm64 sysroot:
#   ../shared/vm/vm.sh deps && ../shared/vm/vm.sh download && ../shared/vm/vm.sh build
# SYSROOT=DIR overrides the sysroot (`vm.sh sysroot` prints the default). JOBS=N parallel C compiles (2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/.build-pi}
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=${2:?--out needs a folder}; shift 2 ;;
    --out=*) OUT=${1#--out=}; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "build-pi.sh: unknown argument $1 (takes --out DIR)" >&2; exit 2 ;;
  esac
done
fail() { echo "build-pi.sh: $*" >&2; exit 1; }

for tool in swiftc aarch64-linux-gnu-gcc; do
  command -v $tool >/dev/null || fail "$tool not found (swiftc: Swift 6.3; aarch64-linux-gnu-gcc: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)"
done
VM=$ROOT/../shared/vm/vm.sh
SYSROOT=${SYSROOT:-$([ -x "$VM" ] && "$VM" sysroot || true)}
LIBDIR=$SYSROOT/usr/lib/aarch64-linux-gnu
for lib in libpng16.a libz.a libjpeg.a libv4l2.a libv4lconvert.a; do
  [ -f "$LIBDIR/$lib" ] || fail "no $lib in the arm64 sysroot '$SYSROOT': run ../shared/vm/vm.sh download && ../shared/vm/vm.sh build (after vm.sh deps), or set SYSROOT"
done
CROSS_INCLUDE=$(dirname "$(readlink -f "$(command -v aarch64-linux-gnu-gcc)")")/../aarch64-linux-gnu/include
[ -f "$CROSS_INCLUDE/stdio.h" ] || CROSS_INCLUDE=/usr/aarch64-linux-gnu/include
[ -f "$CROSS_INCLUDE/stdio.h" ] || fail "no aarch64 glibc headers (apt-get install libc6-dev-arm64-cross)"
SWIFT_EMBEDDED_LIB=$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib/swift/embedded/aarch64-none-none-elf
[ -f "$SWIFT_EMBEDDED_LIB/libswiftUnicodeDataTables.a" ] || fail "this Swift toolchain has no Embedded aarch64 libraries ($SWIFT_EMBEDDED_LIB)"

# The C flags are the package's (Package.swift kernelFlags), so x86 and ARM builds round the same way.
KERNEL_FLAGS=$(sed -n 's/^let kernelFlags.*unsafeFlags(\[\(.*\)\])\].*/\1/p' "$ROOT/Package.swift" | tr -d '",')
[ -n "$KERNEL_FLAGS" ] || fail "cannot read kernelFlags from Package.swift"

mkdir -p "$OUT/c" "$OUT/modules"
rm -f "$OUT"/c/*.o
cd "$ROOT"
export KERNEL_FLAGS SYSROOT OUT
# One object per C file, named after its path (kernels in different folders may share a file name).
find Sources/CEdgeSeg -name '*.c' | sort | xargs -P "${JOBS:-2}" -I{} sh -c '
  obj="$OUT/c/$(echo "{}" | sed "s|^Sources/CEdgeSeg/||; s|/|_|g; s|\.c$|.o|")"
  aarch64-linux-gnu-gcc $KERNEL_FLAGS -ffunction-sections -fdata-sections \
    -I Sources/CEdgeSeg/include -I "$SYSROOT/usr/include" -I "$SYSROOT/usr/include/aarch64-linux-gnu" \
    -c "{}" -o "$obj"' || fail "C compile failed"

# Swift modules in dependency order; the target directory name is the SwiftPM target, '-' becomes '_'.
MODULES=(EdgeSegRuntime EdgeSegCapture EdgeSegCommands edgeseg-device)
compile_module() {
  local target=$1 module=${1//-/_}
  local sources
  sources=$(find "Sources/$target" -name '*.swift' | sort)
  swiftc -target aarch64-none-none-elf -enable-experimental-feature Embedded -wmo -parse-as-library -O \
    -module-name "$module" -emit-module -emit-module-path "$OUT/modules/$module.swiftmodule" -I "$OUT/modules" \
    -Xcc -I"$CROSS_INCLUDE" -Xcc -I"$SYSROOT/usr/include" -I Sources/CEdgeSeg/include \
    -Xfrontend -function-sections -c $sources -o "$OUT/$module.o" || fail "Embedded Swift compile of $target failed"
}
SWIFT_OBJECTS=()
for target in "${MODULES[@]}"; do
  compile_module "$target"
  SWIFT_OBJECTS+=("$OUT/${target//-/_}.o")
done

# Linked with its symbols (edgeseg-aarch64.symbols, for Boards/profile-instructions.sh), shipped stripped.
aarch64-linux-gnu-gcc -static-pie -Wl,--gc-sections -o "$OUT/edgeseg-aarch64.symbols" "${SWIFT_OBJECTS[@]}" "$OUT"/c/*.o \
  -L"$LIBDIR" -lv4l2 -lv4lconvert -lpng16 -ljpeg -lz -lm -lpthread \
  "$SWIFT_EMBEDDED_LIB/libswiftUnicodeDataTables.a" 2>"$OUT/link.log" || { cat "$OUT/link.log" >&2; fail "link failed"; }
aarch64-linux-gnu-strip -o "$OUT/edgeseg-aarch64" "$OUT/edgeseg-aarch64.symbols" || fail "strip failed"
echo "$OUT/edgeseg-aarch64 ($(stat -c %s "$OUT/edgeseg-aarch64") bytes)"

# The C API: one archive with the runtime, the C layer and the Embedded Swift Unicode tables it may use.
compile_module EdgeSegLibrary
rm -f "$OUT/libedgeseg.a"
{ echo "create $OUT/libedgeseg.a"
  for obj in "$OUT/EdgeSegRuntime.o" "$OUT/EdgeSegLibrary.o" "$OUT"/c/*.o; do echo "addmod $obj"; done
  echo "addlib $SWIFT_EMBEDDED_LIB/libswiftUnicodeDataTables.a"
  echo "save"; echo "end"; } | aarch64-linux-gnu-ar -M || fail "cannot make libedgeseg.a"
cp Sources/EdgeSegLibrary/edgeseg.h "$OUT/edgeseg.h"
echo "$OUT/libedgeseg.a ($(stat -c %s "$OUT/libedgeseg.a") bytes) + $OUT/edgeseg.h"
