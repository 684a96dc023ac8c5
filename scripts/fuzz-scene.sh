#!/usr/bin/env bash
# Fuzzes the scene parser with libFuzzer under ASan+UBSan for a bounded time.
#   scripts/fuzz-scene.sh [SECONDS]        (default 60)
# Builds build-fuzz/fuzz_scene with clang, starts from tests/fuzz/corpus (the seed inputs, kept
# in git) and grows a working corpus in build-fuzz/corpus. A crash, leak, sanitizer report or
# broken round trip stops it with a non-zero exit and leaves the input in build-fuzz/; copy it
# into tests/fuzz/corpus so every normal test run replays it (test_fuzz_replay).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out/generated" "$out/corpus"
cc=$(command -v clang || command -v clang-14 || true)
[ -n "$cc" ] || { echo "fuzz-scene: clang not found (scripts/setup-deps.sh installs it)" >&2; exit 1; }

cmake -DOUT="$out/generated/scenes_embedded.c" -DBASE="$PWD/scenes" -DSYMBOL=smp_scenes_embedded \
      "-DFILES=$PWD/scenes/default.json" -P cmake/SmpEmbedRun.cmake
"$cc" -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -fsanitize=fuzzer,address,undefined \
      -fno-sanitize-recover=all -Iinclude -Iengine/scene \
      engine/scene/scene.c engine/scene/scene_schema.c engine/scene/json_locate.c \
      engine/base/status.c engine/base/fsio.c engine/base/number.c engine/base/json_strict.c \
      "$out/generated/scenes_embedded.c" \
      tests/fuzz/fuzz_scene.c -lcjson -lm -o "$out/fuzz_scene"

echo "fuzz-scene: fuzzing the scene parser for ${seconds}s"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$out/fuzz_scene" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" tests/fuzz/corpus 2>"$out/fuzz.log" \
  || { tail -40 "$out/fuzz.log" >&2; echo "fuzz-scene: FAILED (input saved in $out/)" >&2; exit 1; }
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/fuzz.log" | sed 's/^/fuzz-scene: /'
echo "fuzz-scene: no crash, leak or broken round trip"
