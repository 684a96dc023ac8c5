#!/usr/bin/env bash
# Renders every scene of the clinical library at years 0 and 5 into docs/gallery/ and writes
# docs/GALLERY.md, so the pictures in the docs are always what the program draws today.
#   scripts/gallery.sh [path/to/smpsim]      (default: build/smpsim)
set -euo pipefail
cd "$(dirname "$0")/.."
exe=${1:-build/smpsim}
out=docs/gallery
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
doc="$tmp/GALLERY.md"
{
  echo "# Gallery"
  echo
  echo "Every scene of the clinical library ([scenes/](../scenes/README.md)) at year 0 and year 5,"
  echo "rendered headless by \`smpsim render\` (regenerate with \`scripts/gallery.sh\`)."
  echo
  echo "| scene | year 0 | year 5 |"
  echo "|---|---|---|"
} >"$doc"
n=0
for scene in scenes/*.json; do
  name=$(basename "$scene" .json)
  [[ $name == bench-* ]] && continue # ten million dots: a benchmark, not a picture
  "$exe" render "$scene" --years 0,5 --size 480x300 --out "$tmp/r" --quiet >"$tmp/paths"
  first=$(head -1 "$tmp/paths")
  view=$(basename "$first" .png | sed -E "s/^${name}_(.*)_y0\$/\\1/")
  for y in 0 5; do
    cp "$tmp/r/${name}_${view}_y${y}.png" "$out/${name}_y${y}.png"
  done
  title=$(sed -nE 's/^  "name": "(.*)",$/\1/p' "$scene" | head -1)
  echo "| **${title}**<br>\`${name}.json\` | ![](gallery/${name}_y0.png) | ![](gallery/${name}_y5.png) |" >>"$doc"
  n=$((n + 1))
done
mv "$doc" docs/GALLERY.md
echo "gallery: $n scenes rendered into $out/, docs/GALLERY.md written"
