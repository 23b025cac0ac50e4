#!/usr/bin/env bash
# kernel/kernel-test.sh — `make kernel-test`: the Jupyter kernel test suite
# (kernel/kernel_test.py, Debian's python3-jupyter-kernel-test) against the
# installed "gonb" kernel, then the test of the test:
#   1. the suite must pass (about 40 s; 15 s of it is gopls loading the
#      workspace before the first completion);
#   2. a copy of the kernelspec, in a scratch Jupyter data folder, whose PATH
#      holds gonb and goimports but not gopls: there the completion and
#      inspection tests must FAIL, each with its own message (about 5 s).
#
#   kernel/kernel-test.sh [-q]      -q: no per-test lines for the passing run
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. kernel/env.sh

verbosity=-v
[[ ${1:-} == -q ]] && verbosity=-q

tmp=$(mktemp -d /tmp/rlcontrol-kernel-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

start=$SECONDS
if ! "$JUPYTER_PY" kernel/kernel_test.py "$verbosity"; then
  echo "kernel-test: FAIL: the kernel test suite failed against the gonb kernel in $KERNEL_DIR" >&2
  echo "kernel-test: GoNB's own log is $GONB_LOG" >&2
  exit 1
fi
echo "kernel-test: the suite passes against $KERNEL_DIR ($((SECONDS - start)) s)"

# The test of the test: the same kernel with gopls hidden.
start=$SECONDS
mkdir -p "$tmp/bin" "$tmp/jupyter/kernels/gonb"
ln -s "$GOBIN_DIR/gonb" "$GOBIN_DIR/goimports" "$tmp/bin/"
path="$tmp/bin:$(go env GOROOT)/bin:/usr/bin:/bin"
if PATH=$path command -v gopls >/dev/null; then
  echo "kernel-test: FAIL: cannot hide gopls, PATH=$path still finds $(PATH=$path command -v gopls)" >&2
  exit 1
fi
"$JUPYTER_PY" - "$KERNEL_DIR/kernel.json" "$tmp/jupyter/kernels/gonb/kernel.json" "$path" "$tmp/gonb.log" <<'PY'
import json, sys
src, dst, path, log = sys.argv[1:5]
spec = json.load(open(src))
spec["env"]["PATH"] = path
spec["argv"] = [a if not a.startswith(("-log_file=", "-extra_log=")) else a.split("=")[0] + "=" + log
                for a in spec["argv"]]
json.dump(spec, open(dst, "w"), indent=1)
PY
got=$(JUPYTER_DATA_DIR="$tmp/jupyter" resolved_gonb)
[[ $got == "$tmp/jupyter/kernels/gonb "* ]] || {
  echo "kernel-test: FAIL: the scratch kernelspec is not the one Jupyter starts (got '$got')" >&2
  exit 1
}
rc=0
out=$(JUPYTER_DATA_DIR="$tmp/jupyter" "$JUPYTER_PY" kernel/kernel_test.py -v \
  GonbKernelTests.test_completion GonbKernelTests.test_inspect 2>&1) || rc=$?
want=("FAIL: test_completion" "completion of \`fmt.Pri\` (gopls missing?)"
  "FAIL: test_inspect" "hover on fmt.Println (gopls missing?)")
missing=()
for w in "${want[@]}"; do grep -qF -- "$w" <<<"$out" || missing+=("$w"); done
if ((rc == 0 || ${#missing[@]})); then
  echo "kernel-test: FAIL: with gopls hidden the suite should fail on completion and inspection;" >&2
  echo "kernel-test: exit status $rc, missing from its report: ${missing[*]:-nothing}" >&2
  echo "$out" >&2
  exit 1
fi
echo "kernel-test: with gopls hidden, completion and inspection fail, as they should ($((SECONDS - start)) s)"
echo "kernel-test: OK"
