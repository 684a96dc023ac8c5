#!/usr/bin/env bash
# Regenerates the table of test suites in docs/DEVELOPING.md from the tests themselves, so the
# document cannot drift from what ctest runs:
#   - the suites, their sources and labels: the smp_test() calls in tests/CMakeLists.txt;
#   - what a suite covers: the first sentence of the comment each tests/test_*.c opens with;
#   - its cases: the Criterion Test(...) (and ParameterizedTest, Theory) definitions.
# Rows come in the engine's stage order (the add_subdirectory order of engine/CMakeLists.txt),
# by each suite's first label.
#   scripts/update-test-doc.sh            rewrite the table between the markers
#   scripts/update-test-doc.sh --check    exit 1, showing the difference, if the table is stale
# ctest runs the check (test_docs). Exit 2 when the inputs break a rule: a suite without
# LABELS, a label that is not a stage, a test file that opens without a comment or belongs to
# no suite.
set -euo pipefail
cd "$(dirname "$0")/.."
doc=docs/DEVELOPING.md
begin='<!-- begin generated: scripts/update-test-doc.sh -->'
end='<!-- end generated: scripts/update-test-doc.sh -->'
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: scripts/update-test-doc.sh [--check]" >&2; exit 2 ;;
esac
fail() { echo "update-test-doc: $*" >&2; exit 2; }

# Stages in flow order, and the labels besides them.
mapfile -t stages < <(sed -n 's/^[[:space:]]*add_subdirectory(\([a-z]*\)).*/\1/p' engine/CMakeLists.txt)
[ ${#stages[@]} -gt 0 ] || fail "no stages found in engine/CMakeLists.txt"
extra_labels=(docs)
rank() {
  local i
  for i in "${!stages[@]}"; do [ "${stages[$i]}" = "$1" ] && { echo "$i"; return; }; done
  for i in "${!extra_labels[@]}"; do
    [ "${extra_labels[$i]}" = "$1" ] && { echo $((${#stages[@]} + i)); return; }
  done
  echo -1
}

# One line per smp_test() call: "name|source ...|label ...".
suites=$(awk '
  { sub(/#.*/, "") }
  !open && /^[[:space:]]*smp_test\(/ { open = 1; call = ""; depth = 0 }
  open {
    call = call " " $0
    depth += gsub(/\(/, "(") - gsub(/\)/, ")")
    if (depth <= 0) {
      open = 0
      sub(/^[[:space:]]*smp_test\(/, "", call); sub(/\)[[:space:]]*$/, "", call)
      n = split(call, w, /[[:space:]]+/)
      name = ""; key = ""; src = ""; lab = ""
      for (i = 1; i <= n; i++) {
        if (w[i] == "") continue
        if (name == "") { name = w[i]; continue }
        if (w[i] ~ /^[A-Z_]+$/) { key = w[i]; continue }
        if (key == "SOURCES") src = src " " w[i]
        else if (key == "LABELS") lab = lab " " w[i]
      }
      print name "|" src "|" lab
    }
  }' tests/CMakeLists.txt)
[ -n "$suites" ] || fail "no smp_test() calls in tests/CMakeLists.txt"

# The first sentence of the comment a test file opens with, on one line.
summary() {
  awk -v f="$1" '
    NR == 1 && !/^\/\*/ { exit 3 }
    {
      line = $0
      if (NR == 1) sub(/^\/\*[[:space:]]*/, "", line); else sub(/^[[:space:]]*\*?[[:space:]]?/, "", line)
      done = sub(/[[:space:]]*\*\/.*$/, "", line)
      text = text (text == "" ? "" : " ") line
      if (match(text, /\.([[:space:]]|$)/)) { print substr(text, 1, RSTART); exit }
      if (done || line == "") { print text; exit }
    }' "$1" || fail "$1 must open with a comment saying what it covers"
}
cases() { grep -cE '^(Test|ParameterizedTest|Theory)\(' "$1" || true; }

rows=()
declare -A listed=()
total_cases=0
while IFS='|' read -r name srcs labels; do
  read -ra labs <<<"$labels"
  [ ${#labs[@]} -gt 0 ] || fail "$name: no LABELS in tests/CMakeLists.txt"
  for l in "${labs[@]}"; do
    [ "$(rank "$l")" -ge 0 ] || fail "$name: label '$l' is neither a stage of engine/ nor one of: ${extra_labels[*]}"
  done
  files=()
  for s in $srcs; do
    case "$s" in test_*.c) ;; *) continue ;; esac
    [ -f "tests/$s" ] || fail "$name: tests/$s not found"
    listed[$s]=1
    files+=("$s")
  done
  covers=""; n=0
  for s in "${files[@]}"; do
    line=$(summary "tests/$s")
    # a suite of several files names each, one per line of the cell
    [ ${#files[@]} -gt 1 ] && line="\`$s\`: $line"
    covers="$covers${covers:+<br>}$line"
    n=$((n + $(cases "tests/$s")))
  done
  total_cases=$((total_cases + n))
  covers=${covers//|/\\|}
  label_text=$(printf '%s, ' "${labs[@]}"); label_text=${label_text%, }
  rows+=("$(printf '%03d\t%s\t| `%s` | %s | %d | %s |' "$(rank "${labs[0]}")" "$name" "$name" "$label_text" "$n" "$covers")")
done <<<"$suites"

for f in tests/test_*.c; do
  [ -n "${listed[$(basename "$f")]:-}" ] || fail "$f belongs to no smp_test() in tests/CMakeLists.txt"
done

table() {
  echo "$begin"
  echo "| suite | labels | cases | covers |"
  echo "|---|---|---:|---|"
  printf '%s\n' "${rows[@]}" | sort -t$'\t' -k1,1 -k2,2 | cut -f3-
  echo
  echo "${#rows[@]} suites, $total_cases cases."
  echo "$end"
}

grep -qxF -- "$begin" "$doc" && grep -qxF -- "$end" "$doc" || fail "markers missing in $doc"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
  sed "/^$(printf '%s' "$begin" | sed 's/[]\/$*.^[]/\\&/g')\$/,\$d" "$doc"
  table
  sed "1,/^$(printf '%s' "$end" | sed 's/[]\/$*.^[]/\\&/g')\$/d" "$doc"
} >"$tmp"

if [ $check = 1 ]; then
  if ! diff -u "$doc" "$tmp" >&2; then
    echo "update-test-doc: $doc: the table of test suites is out of date;" \
         "run scripts/update-test-doc.sh" >&2
    exit 1
  fi
  echo "update-test-doc: $doc is up to date"
else
  cat "$tmp" >"$doc"
  echo "update-test-doc: $doc updated"
fi
