#!/usr/bin/env bash
# kernel/kernelspec.sh — register the GoNB kernelspec ("gonb") for a checkout.
#
#   kernel/kernelspec.sh [ROOT]      (default: this checkout)
#
# The kernelspec goes to $JUPYTER_DATA_DIR/kernels/gonb (default
# ~/.local/share/jupyter/kernels/gonb). It does two things beyond a plain
# `gonb --install`:
#   * --go_work=ROOT: at start, every GoNB kernel runs `go work init` and
#     `go work use ROOT .` in its temporary module, and adds a replace rule
#     for ROOT's module (GoNB's %goworkfix). So any notebook imports
#     github.com/rlcontrol/rlcontrol/... with no set-up cell, compiled from
#     the files on disk at each cell run: an edit to rl/ shows up on the next
#     cell run.
#   * GoNB's log goes to $GONB_LOG (kernels/gonb/gonb.log, every kernel
#     appends to it; kernel/lab.sh trims it), not to the terminal: GoNB
#     v0.11.4 logs every kernel start, cell run and completion request there,
#     test lines ("Info message", "Warning message", "Error message") included.
#     Flags: -logtostderr=false -stderrthreshold=FATAL (only fatal errors on
#     stderr) -extra_log=LOG -log_file=LOG (GoNB passes klog a nil file when
#     -extra_log is empty, so -log_file alone would log nowhere).
#   * "env": PATH gets the folders of gonb/goimports/gopls and of this `go`
#     in front (Jupyter fills ${PATH} from its own environment), so the
#     kernel finds goimports, gopls (GoNB looks both up on PATH) and go
#     however Jupyter was started;
#     GOPROXY=off and GOTOOLCHAIN=local, so the kernel never reaches
#     the network: GoNB's automatic `go get` resolves imports only from the
#     modules already in ROOT's go.mod (downloaded by install-go.sh). A cell
#     can still lift this with `%env GOPROXY=https://proxy.golang.org`.
# GOFLAGS is left alone on purpose: -mod=mod is refused in workspace mode
# ("-mod may only be set to readonly or vendor when in workspace mode").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/kernel/env.sh"
TARGET=$(cd "${1:-$ROOT}" && pwd)

command -v gonb >/dev/null || { echo "kernelspec: gonb not found in $GOBIN_DIR; run kernel/install-go.sh" >&2; exit 1; }
# No --force_deps: GoNB refuses to install without goimports and gopls on
# PATH (install-go.sh puts both in $GOBIN_DIR), so a missing gopls (no Tab
# completion, no hover help) stops the install instead of going unnoticed.
out=$(gonb --install --go_work="$TARGET" 2>&1) || { echo "$out" >&2; exit 1; }

"$JUPYTER_PY" - "$KERNEL_DIR/kernel.json" "$GOBIN_DIR:$(go env GOROOT)/bin" "$GONB_LOG" <<'PY'
import json, sys
path, bins, log = sys.argv[1:4]
with open(path) as f:
    spec = json.load(f)
spec["display_name"] = "Go (gonb)"
spec.setdefault("env", {}).update(
    {"PATH": bins + ":${PATH}", "GOPROXY": "off", "GOTOOLCHAIN": "local"})
# GoNB's own log (klog) goes to one file instead of the terminal that runs
# Jupyter; only fatal errors still reach stderr.
flags = {"logtostderr": "false", "alsologtostderr": "false", "stderrthreshold": "FATAL",
         "log_file": log, "extra_log": log}
argv = spec["argv"]
for name, value in flags.items():
    arg = "-%s=%s" % (name, value)
    at = [i for i, a in enumerate(argv) if a.startswith("-%s=" % name)]
    if at:
        argv[at[0]] = arg
    else:
        argv.append(arg)
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
PY
grep -q -- "-go_work=$TARGET\"" "$KERNEL_DIR/kernel.json" \
  || { echo "kernelspec: $KERNEL_DIR/kernel.json lacks -go_work=$TARGET" >&2; exit 1; }
# Jupyter must start this kernelspec, not another "gonb" earlier on its path
# (JUPYTER_PATH) that would run some other checkout's code.
got=$(resolved_gonb)
[[ $got == "$KERNEL_DIR $TARGET" ]] || {
  echo "kernelspec: wrote $KERNEL_DIR (-> $TARGET), but Jupyter resolves the gonb kernel to '${got:-nothing}';" >&2
  echo "kernelspec: remove the other gonb kernelspec or unset JUPYTER_PATH" >&2
  exit 1
}
