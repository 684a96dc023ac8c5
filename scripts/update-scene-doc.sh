#!/usr/bin/env bash
# Regenerates the field reference at the end of docs/SCENE.md from the program itself
# (`smpsim check --schema`), so the document cannot drift from the validator.
#   scripts/update-scene-doc.sh [path/to/smpsim]     (default: build/smpsim)
set -euo pipefail
cd "$(dirname "$0")/.."
exe=${1:-build/smpsim}
marker='<!-- generated: smpsim check --schema -->'
doc=docs/SCENE.md
tmp=$(mktemp "$doc.XXXXXX")
trap 'rm -f "$tmp"' EXIT
sed "/^${marker}\$/q" "$doc" >"$tmp"
grep -qx -- "$marker" "$tmp" || { echo "update-scene-doc: marker missing in $doc" >&2; exit 1; }
"$exe" check --schema >>"$tmp"
mv "$tmp" "$doc"
trap - EXIT
echo "update-scene-doc: $doc updated"
