#!/usr/bin/env bash
# Renders every scene of the clinical library untreated, healed (30 days after the last session)
# and 5 years after the completion of treatment into docs/gallery/ and writes docs/GALLERY.md, so
# the pictures in the docs are always what the program draws today.
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
  echo "Every scene of the clinical library ([scenes/](../scenes/README.md)) before treatment, healed"
  echo "(30 days after the last session) and 5 years after the completion of treatment (the last"
  echo "treatment session's day), in the scene's first view, rendered headless by \`smpsim render\`"
  echo "(regenerate with \`scripts/gallery.sh\`)."
  echo
  echo "| scene | untreated | healed (30 days after the last session) | year 5 after completion |"
  echo "|---|---|---|---|"
} >"$doc"
n=0
for scene in scenes/*.json; do
  name=$(basename "$scene" .json)
  [[ $name == bench-* ]] && continue # ten million dots: a benchmark, not a picture
  # bare tiles: the table labels them
  "$exe" render "$scene" --years untreated,healed,5 --size 320x400 --no-captions --out "$tmp/r" \
    --quiet >"$tmp/paths"
  first=$(head -1 "$tmp/paths")
  view=$(basename "$first" .png | sed -E "s/^${name}_(.*)_untreated\$/\\1/")
  for t in untreated healed y5; do
    cp "$tmp/r/${name}_${view}_${t}.png" "$out/${name}_${t}.png"
  done
  title=$(sed -nE 's/^  "name": "(.*)",$/\1/p' "$scene" | head -1)
  echo "| **${title}**<br>\`${name}.json\` | ![](gallery/${name}_untreated.png) | ![](gallery/${name}_healed.png) | ![](gallery/${name}_y5.png) |" >>"$doc"
  n=$((n + 1))
done
mv "$doc" docs/GALLERY.md
echo "gallery: $n scenes rendered into $out/, docs/GALLERY.md written"
