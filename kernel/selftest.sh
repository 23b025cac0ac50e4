#!/usr/bin/env bash
# kernel/selftest.sh — test the notebook runner and the kernel wiring with
# the notebooks in kernel/testdata/:
#   * good.ipynb must pass (it imports rl/mlx with no set-up cell, checks
#     that the kernel is offline, and writes harmless text to stderr);
#   * every broken notebook must fail, with the expected reason in the
#     runner's report (compile error, panic, panic in a goroutine, log.Fatal,
#     failing shell command, import outside go.mod, cell timeout, a figure
#     its code displays but that never shows, a number in the text that
#     the code does not print, an exercise whose solution fails its check);
#   * 98-good-lesson.ipynb must pass, and kernel/lessoncheck_test.py;
#   * live-edit.ipynb must pass against a scratch copy of the module,
#     registered as the kernel's go.work in a scratch Jupyter data folder: it
#     edits a package between two cells and sees the change (go.work wiring).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. kernel/env.sh

tmp=$(mktemp -d /tmp/rlcontrol-selftest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
runner=(kernel/run-notebooks --quick --any-root --out "$tmp/out")
td=kernel/testdata
failures=0
report() { printf 'selftest: %-22s %s\n' "$1" "$2"; }

out=$("${runner[@]}" "$td/good.ipynb" 2>&1) && grep -q 'GoMLX backend' "$tmp/out/good.ipynb" \
  && report good.ipynb "passes, as it should" \
  || { report good.ipynb "FAIL: should pass"; echo "$out"; failures=$((failures + 1)); }

# notebook | expected text in the runner's report | extra runner flags
while IFS='|' read -r nb want flags; do
  rc=0
  out=$("${runner[@]}" $flags "$td/$nb" 2>&1) || rc=$?
  if ((rc != 1)); then
    report "$nb" "FAIL: runner exit status $rc, want 1"; echo "$out"; failures=$((failures + 1))
  elif ! grep -qF -- "$want" <<<"$out"; then
    report "$nb" "FAIL: failed, but the report lacks '$want'"; echo "$out"; failures=$((failures + 1))
  else
    report "$nb" "fails, as it should ($want)"
  fi
done <<'LIST'
compile-error.ipynb|cannot use "three"|
panic.ipynb|panic: runtime error: index out of range|
goroutine-panic.ipynb|panic: worker failed|
runtime-error.ipynb|settings: strconv.Atoi|
shell-error.ipynb|stderr reports 'exit status|
offline.ipynb|cannot find module providing package|
timeout.ipynb|timed out after 5 s|--timeout=5
missing-figure.ipynb|shows 0 figure(s), but its code displays 1|
98-claims.ipynb|states 42.5, which neither code cell|
98-bad-solution.ipynb|its solution does not pass its check|
LIST

# A lesson-shaped notebook (NN-*.ipynb) whose exercise solution passes and
# whose text states only numbers its code prints.
out=$("${runner[@]}" "$td/98-good-lesson.ipynb" 2>&1) && grep -q 'answer() = 3' "$tmp/out/98-good-lesson.ipynb" \
  && report 98-good-lesson.ipynb "passes, as it should" \
  || { report 98-good-lesson.ipynb "FAIL: should pass"; echo "$out"; failures=$((failures + 1)); }

# The lesson checks themselves (claims, timing, figure names).
if out=$("$JUPYTER_PY" kernel/lessoncheck_test.py 2>&1); then
  report lessoncheck_test.py "passes"
else
  report lessoncheck_test.py "FAIL"; echo "$out"; failures=$((failures + 1))
fi

# go.work wiring: a scratch module (this go.mod and go.sum, no packages) as
# the kernel's go.work target, in a scratch Jupyter data folder.
mkdir -p "$tmp/mod" "$tmp/jupyter"
cp go.mod go.sum "$tmp/mod/"
export JUPYTER_DATA_DIR="$tmp/jupyter"
kernel/kernelspec.sh "$tmp/mod"
if out=$(RLC_LIVE_ROOT="$tmp/mod" "${runner[@]}" "$td/live-edit.ipynb" 2>&1) &&
  grep -q 'after the edit: Version() = 2' "$tmp/out/live-edit.ipynb"; then
  report live-edit.ipynb "passes: an edit to the module shows up on the next cell run"
else
  report live-edit.ipynb "FAIL"; echo "$out"; failures=$((failures + 1))
fi

if ((failures)); then
  echo "selftest: $failures check(s) failed" >&2
  exit 1
fi
echo "selftest: OK"
