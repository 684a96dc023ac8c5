#!/usr/bin/env bash
# Fuzzes this project's parsers with libFuzzer under ASan+UBSan, each for a bounded time:
#   scene  the scene parser and its strict JSON check (tests/fuzz/fuzz_scene.c)
#   mesh   the checks made on a mesh file before the importer reads it: PLY, OFF and STL
#          headers, glTF and GLB JSON, COLLADA text (tests/fuzz/fuzz_mesh_precheck.c)
#   session  the training session loader, each loaded session saved and loaded again
#          (tests/fuzz/fuzz_session.c; it needs the scatter core, so the engine stages it
#          links are built with clang by CMake in build-fuzz/cmake, SMP_FUZZ=ON)
#   scripts/fuzz.sh [SECONDS] [TARGET...]       (default: 60 s each, every target)
# Builds build-fuzz/fuzz_TARGET with clang, starts from tests/fuzz/corpus[-TARGET] (the seed
# inputs and every input that ever failed, kept in git) and grows a working corpus in
# build-fuzz/corpus-TARGET. A crash, leak, sanitizer report or broken property stops it with a
# non-zero exit and leaves the input in build-fuzz/; copy it into the target's corpus so every
# normal test run replays it (test_fuzz_replay, test_fuzz_replay_mesh,
# test_fuzz_replay_session).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scene mesh session)
out=build-fuzz
mkdir -p "$out/generated"
cc=$(command -v clang || command -v clang-14 || true)
[ -n "$cc" ] || { echo "fuzz: clang not found (scripts/setup-deps.sh installs it)" >&2; exit 1; }
flags=(-std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=all -Iinclude)
base=(engine/base/status.c engine/base/fsio.c engine/base/number.c engine/base/json_strict.c)

for target in "${targets[@]}"; do
  case "$target" in
    scene)
      cmake -DOUT="$out/generated/scenes_embedded.c" -DBASE="$PWD/scenes" \
            -DSYMBOL=smp_scenes_embedded "-DFILES=$PWD/scenes/default.json" \
            -P cmake/SmpEmbedRun.cmake
      "$cc" "${flags[@]}" -Iengine/scene engine/scene/scene.c engine/scene/scene_schema.c \
            engine/scene/json_locate.c "${base[@]}" "$out/generated/scenes_embedded.c" \
            tests/fuzz/fuzz_scene.c -lcjson -lm -o "$out/fuzz_scene"
      corpus=tests/fuzz/corpus max_len=8192 ;;
    mesh)
      "$cc" "${flags[@]}" -Iengine/head engine/head/mesh_precheck.c \
            "${base[@]}" tests/fuzz/fuzz_mesh_precheck.c -lcjson -lm -o "$out/fuzz_mesh"
      corpus=tests/fuzz/corpus-mesh max_len=16384 ;;
    session)
      cmake -S . -B "$out/cmake" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" \
            -DCMAKE_CXX_COMPILER="${cc/clang/clang++}" -DSMP_FUZZ=ON -DSMP_BUILD_TESTS=OFF \
            -DSMP_WITH_VIEWER=OFF -DSMP_WITH_ASSIMP=OFF -DSMP_WERROR=OFF \
            "-DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
            >/dev/null
      cmake --build "$out/cmake" --target fuzz_session -j "$(nproc)" >/dev/null
      cp "$out/cmake/fuzz_session" "$out/fuzz_session"
      corpus=tests/fuzz/corpus-session max_len=8192 ;;
    *) echo "fuzz: unknown target '$target' (scene, mesh, session)" >&2; exit 2 ;;
  esac
  mkdir -p "$out/corpus-$target"
  echo "fuzz: $target for ${seconds}s"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$out/fuzz_$target" -max_total_time="$seconds" -max_len=$max_len -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$target-" \
    "$out/corpus-$target" "$corpus" 2>"$out/fuzz-$target.log" \
    || { tail -40 "$out/fuzz-$target.log" >&2
         echo "fuzz: $target FAILED (input saved in $out/)" >&2; exit 1; }
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/fuzz-$target.log" |
    sed "s/^/fuzz: $target: /"
done
echo "fuzz: no crash, leak or broken property"
