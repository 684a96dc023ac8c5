#!/usr/bin/env bash
# Installs the Debian packages smpsim needs to build, test and run, and only those that are
# missing. Safe to run any number of times. Works as root or through sudo.
#
#   scripts/setup-deps.sh           install what is missing
#   scripts/setup-deps.sh --check   list what is missing, install nothing (exit 1 if any)
#   scripts/setup-deps.sh --ci      also what only CI needs (the 64-bit ARM build and emulator)
set -euo pipefail

# One line per package, grouped by what needs it. Keep in sync with README.md.
PACKAGES=(
  # toolchain
  build-essential cmake pkg-config git
  # GL loader generation (glad 0.1 with --reproducible, never touches the network)
  python3 python3-glad
  # windowing, maths, tests
  libsdl2-dev libcglm-dev libcriterion-dev
  # viewer panels (Dear ImGui with SDL2 + OpenGL3 backends)
  libimgui-dev
  # mesh import, and the MakeHuman test head
  libassimp-dev assimp-testmodels
  # scenes and images
  libcjson-dev libpng-dev zlib1g-dev
  # OpenGL / EGL headers and Mesa's software rasteriser for headless rendering
  libgl-dev libegl-dev libegl-mesa0 libgl1-mesa-dri
  # a display for tests of the viewer, and video output
  xvfb ffmpeg
  # real keyboard and mouse input for the viewer's tests
  xdotool
  # text on contact sheets and plots
  fonts-dejavu-core libfreetype-dev libfontconfig-dev
  # the consultation report (PDF), and reading its pages back in the tests
  libcairo2-dev poppler-utils
  # fuzzing the parsers (clang's libFuzzer; the session target builds the engine with clang,
  # whose OpenMP is libomp)
  clang libclang-rt-14-dev libomp-dev
)
# CI only: scripts/check-portable.sh builds the engine core for 64-bit ARM and runs it
CI_PACKAGES=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  --ci) PACKAGES+=("${CI_PACKAGES[@]}") ;;
  "") ;;
  -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
  *) echo "setup-deps: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup-deps: missing ${#missing[@]} package(s): ${missing[*]}"
if [[ $check_only -eq 1 ]]; then
  exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
  echo "setup-deps: not root, using sudo"
else
  echo "setup-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "setup-deps: apt-get update"
"${SUDO[@]}" apt-get update -q
echo "setup-deps: apt-get install ${missing[*]}"
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup-deps: done"
