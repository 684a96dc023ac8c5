#!/usr/bin/env bash
# smpsim build driver. Installs missing Debian packages, configures, builds, then:
#
#   ./build.sh run     run the main job on the built-in default scene: the viewer when a
#                      display is present, otherwise a headless render of its clinic views
#                      and times (images, contact sheet, time-lapse), printing where the
#                      files went
#   ./build.sh test    run every test suite (Criterion through ctest)
#   ./build.sh build   only build
#   ./build.sh clean   remove the build directories
#
# Options (after the command):
#   --asan             build and test with AddressSanitizer + UndefinedBehaviorSanitizer
#                      (separate directory build-asan/)
#   --debug            Debug instead of Release (separate directory build-debug/)
#   --no-deps          skip the package check (for machines set up by hand)
set -euo pipefail
cd "$(dirname "$0")"

command=${1:-build}
[[ $# -gt 0 ]] && shift
build_type=Release
build_dir=build
sanitize=OFF
deps=1
for arg in "$@"; do
  case "$arg" in
    --asan) sanitize=ON; build_dir=build-asan; build_type=RelWithDebInfo ;;
    --debug) build_type=Debug; build_dir=build-debug ;;
    --no-deps) deps=0 ;;
    *) echo "build.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

case "$command" in
  run|test|build) ;;
  clean) rm -rf build build-asan build-debug; echo "build.sh: removed build directories"; exit 0 ;;
  -h|--help|help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
  *) echo "build.sh: unknown command '$command' (run, test, build or clean)" >&2; exit 2 ;;
esac

[[ $deps -eq 1 ]] && scripts/setup-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
echo "build.sh: configuring $build_dir ($build_type, sanitizers $sanitize)"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" -DSMP_SANITIZE="$sanitize" >/dev/null
echo "build.sh: building with $jobs jobs"
cmake --build "$build_dir" -j "$jobs"

case "$command" in
  build) ;;
  test)
    # Verbose, so that each suite's Criterion summary reaches the terminal; the full log
    # stays in the build directory.
    log="$build_dir/Testing/test-run.log"
    mkdir -p "$build_dir/Testing"
    status=0
    ctest --test-dir "$build_dir" --output-on-failure -V >"$log" 2>&1 || status=$?
    sed -E 's/^[0-9]+: //' "$log" |
      grep -E '^\[(====|FAIL|----)\]|^\[.*(CRASH|ERROR)|tests passed|tests failed|Test +#' || true
    if [[ $status -ne 0 ]]; then
      echo "build.sh: tests failed; full log: $log" >&2
      exit 1
    fi
    ;;
  run)
    if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
      echo "build.sh: opening the viewer on the default scene"
      exec "$build_dir/smpsim" view
    fi
    out=out/render
    echo "build.sh: rendering the default scene's views and times headless into $out/"
    video=()
    command -v ffmpeg >/dev/null && video=(--video "$out/default_fade.mp4" --seconds 4 --fps 15)
    "$build_dir/smpsim" render --out "$out" --sheet "$out/default_sheet.png" "${video[@]}"
    echo "build.sh: images, contact sheet${video:+ and time-lapse} written to $(pwd)/$out/"
    ;;
esac
