#!/usr/bin/env bash
# The consultation's two speed goals, measured end to end on this machine:
#   1. a 6-second 1280x720 time-lapse of the default scene at 30 fps (smpsim render --video
#      --no-stills), seconds per frame: the whole command's wall time over its 180 frames;
#   2. an edit of the plan in the viewer (density, hairline, a session) to the end of the
#      first frame that shows the new dots (the viewer's own edit_to_screen_ms, under Xvfb),
#      with the window's own --motion-scale (0.5): the first frame with new dots is a draft,
#      the full frame follows, as a user sees it.
# Each is run RUNS times (default 3); the median is printed with the range. Needs the build
# (build/smpsim), ffmpeg and Xvfb, as the tests do.
#   bench/consultation.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
smpsim=build/smpsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [[ -n "${xvfb:-}" ]] && kill "$xvfb" 2>/dev/null || true' EXIT

median() { sort -g | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
                                          printf "median %.3f (%.3f .. %.3f, %d runs)", m, v[1], v[NR], NR}'; }

for ((i = 0; i < runs; ++i)); do
  start=$(date +%s.%N)
  "$smpsim" render --out "$tmp" --no-stills --video "$tmp/t.mp4" --seconds 6 --fps 30 -q >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print (b - a) / 180 }'
done | median | sed 's/^/time-lapse, s per frame: /'
echo

# a private display: Xvfb picks a free number and writes it once it accepts connections
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>"$tmp/display" >/dev/null 2>&1 &
xvfb=$!
for ((k = 0; k < 100; ++k)); do [[ -s "$tmp/display" ]] && break; sleep 0.1; done
display=:$(cat "$tmp/display")
cat > "$tmp/edits.txt" <<SCRIPT
frames 5
set plan.full_density_per_cm2=100
frames 5
state $tmp/density.json
set plan.hairline.height_mm=90
frames 5
state $tmp/hairline.json
set plan.sessions[2].density_fraction=0.9
frames 5
state $tmp/session.json
SCRIPT
for ((i = 0; i < runs; ++i)); do
  DISPLAY=$display "$smpsim" view --size 1280x720 --motion-scale 0.5 --script "$tmp/edits.txt" \
    --frames 1 >/dev/null 2>&1
  for edit in density hairline session; do
    sed -n 's/.*"edit_to_screen_ms": \([0-9.]*\).*/\1/p' "$tmp/$edit.json"
  done
done | median | sed 's/^/edit to the first frame with the new dots, ms: /'
echo
