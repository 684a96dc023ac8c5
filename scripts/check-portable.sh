#!/usr/bin/env bash
# Builds the engine core's fingerprint program (tests/portable/portable_check.c) for this
# machine and for 64-bit ARM, runs the ARM build under qemu (its NEON path and, with
# SMP_SIMD=scalar, its scalar one), and fails unless all print the same checksums: the ARM
# paths build with the project's warnings as errors and give the dots and looks the x86
# vector paths give, bit for bit.
#   scripts/check-portable.sh
# Needs gcc-aarch64-linux-gnu and qemu-user (scripts/setup-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-portable
mkdir -p "$out"
cross=$(command -v aarch64-linux-gnu-gcc || true)
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
[ -n "$cross" ] && [ -n "$qemu" ] || {
  echo "check-portable: aarch64-linux-gnu-gcc and qemu-aarch64 needed (scripts/setup-deps.sh)" >&2
  exit 1
}

# The engine's own files below the renderer, without those that need a third-party library (scenes, text, images,
# mesh import); the same warnings and floating-point contract as the CMake build.
core=(base/status base/rng base/simd base/bigalloc mesh/mesh head/head_procedural head/landmarks
      fields/fields fields/fields_scars fields/fields_measure fields/fields_noise scatter/dots scatter/scatter
      scatter/validate scatter/sampling scatter/grid
      scatter/poisson/scatter_poisson scatter/blue/scatter_blue scatter/blue/cubes scatter/blue/index
      scatter/blue/field scatter/blue/refine scatter/blue/resolve scatter/blue/pack scatter/blue/thin
      scatter/blue/count scatter/blue/quality scatter/poisson/scatter_sse41
      scatter/poisson/scatter_avx2 scatter/poisson/scatter_avx512 scatter/poisson/scatter_neon
      model/skin model/colour model/age model/age_scalar model/age_sse41 model/age_avx2
      model/age_avx512)
src=(tests/portable/portable_check.c)
for f in "${core[@]}"; do src+=("engine/$f.c"); done
flags=(-std=c11 -O2 -fopenmp -ffp-contract=off -D_POSIX_C_SOURCE=200809L -Iinclude
       -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wformat=2
       -Wvla -Werror)

# Natively the vector kernels need their instruction sets, file by file, as in CMakeLists.txt.
native_objs=()
for s in "${src[@]}"; do
  extra=()
  case "$s" in
    *_sse41.c) extra=(-msse4.1) ;;
    *scatter_avx2.c) extra=(-mavx2 -mfma) ;;
    *age_avx2.c) extra=(-mavx2) ;;
    *_avx512.c) extra=(-mavx512f -mavx512bw -mavx512dq -mavx512vl) ;;
  esac
  o="$out/native_$(basename "$s" .c).o"
  cc "${flags[@]}" "${extra[@]}" -c "$s" -o "$o"
  native_objs+=("$o")
done
cc -fopenmp "${native_objs[@]}" -lm -o "$out/portable_native"
"$cross" "${flags[@]}" "${src[@]}" -lm -o "$out/portable_aarch64"

"$out/portable_native" >"$out/native.txt"
SMP_SIMD=scalar "$out/portable_native" >"$out/native_scalar.txt"
"$qemu" -L /usr/aarch64-linux-gnu "$out/portable_aarch64" >"$out/aarch64.txt"
SMP_SIMD=scalar "$qemu" -L /usr/aarch64-linux-gnu "$out/portable_aarch64" >"$out/aarch64_scalar.txt"
sed 's/^/check-portable: x86-64  /' "$out/native.txt"
sed 's/^/check-portable: aarch64 /' "$out/aarch64.txt"
if ! cmp -s "$out/native.txt" "$out/native_scalar.txt"; then
  echo "check-portable: the vector and scalar paths differ on this machine" >&2
  exit 1
fi
if ! cmp -s "$out/aarch64.txt" "$out/aarch64_scalar.txt"; then
  echo "check-portable: the NEON and scalar paths differ on 64-bit ARM" >&2
  diff "$out/aarch64_scalar.txt" "$out/aarch64.txt" >&2 || true
  exit 1
fi
if ! cmp -s "$out/native.txt" "$out/aarch64.txt"; then
  echo "check-portable: FAILED: 64-bit ARM gives other bits than this machine" >&2
  diff "$out/native.txt" "$out/aarch64.txt" >&2 || true
  exit 1
fi
echo "check-portable: 64-bit ARM and this machine agree bit for bit"
