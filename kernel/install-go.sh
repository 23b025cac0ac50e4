#!/usr/bin/env bash
# kernel/install-go.sh — the Go half of the install. Runs as any user (the
# Dockerfile runs it as the notebook user); needs the Go proxy only the first
# time, or after go.mod changes:
#   1. gonb and goimports, built from the versions pinned as tools in go.mod
#      (`go install tool`), into $(go env GOPATH)/bin or $GOBIN;
#   2. every module in the module graph (`go mod download all`), and a build
#      of ./... to fill the build cache, so notebooks compile with GOPROXY=off;
#   3. the "gonb" kernelspec, wired to this checkout (kernel/kernelspec.sh).
#
# Idempotent: a stamp (hash of go.mod, go.sum, the Go version and these
# scripts) is kept next to the kernelspec; when it matches and the binaries
# are there, and the gonb kernelspec Jupyter resolves is this one and wired
# to this checkout (another checkout may have re-registered it since), the
# script exits at once. FORCE=1 redoes everything.
#   kernel/install-go.sh --check   exit 0 if already installed, 1 if not
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. kernel/env.sh

log() { printf '[install-go] %s\n' "$*"; }

stamp_file="$KERNEL_DIR/rlcontrol.stamp"
installed() {
  [[ -x "$GOBIN_DIR/gonb" && -x "$GOBIN_DIR/goimports" && -f "$KERNEL_DIR/kernel.json" && -f "$stamp_file" ]] &&
    [[ "$(cat "$stamp_file")" == "$(install_stamp)" ]] &&
    [[ "$(resolved_gonb)" == "$KERNEL_DIR $ROOT" ]]
}

if [[ "${1:-}" == --check ]]; then
  installed
  exit
fi
if [[ "${FORCE:-0}" != 1 ]] && installed; then
  log "already installed (gonb kernelspec -> $ROOT)"
  exit 0
fi

log "go install tool (gonb $(go list -m -f '{{.Version}}' github.com/janpfeifer/gonb), goimports $(go list -m -f '{{.Version}}' golang.org/x/tools))"
GOBIN="$GOBIN_DIR" go install tool

log "go mod download all"
go mod download all
log "go build ./... (fills the build cache)"
# Not fatal: a package mid-edit must not block the kernel install; `make test`
# reports build failures anyway.
go build ./... || log "warning: go build ./... failed (see above); continuing"

log "kernelspec (go.work -> $ROOT)"
kernel/kernelspec.sh "$ROOT"
install_stamp >"$stamp_file"
log "done: gonb kernelspec in $KERNEL_DIR"
