#!/usr/bin/env bash
# kernel/install-go.sh — the Go half of the install. Runs as any user (the
# Dockerfile runs it as the notebook user); needs the Go proxy only the first
# time, or after go.mod changes:
#   1. gonb and goimports, built from the versions pinned as tools in go.mod,
#      and gopls (Tab completion and hover help in the lab), pinned as a tool
#      in kernel/gopls/go.mod (`go install tool` there: gopls v0.23.0 builds
#      only against its own golang.org/x/tools, older than the project's),
#      all into $(go env GOPATH)/bin or $GOBIN;
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
  [[ -x "$GOBIN_DIR/gonb" && -x "$GOBIN_DIR/goimports" && -x "$GOBIN_DIR/gopls" && -f "$KERNEL_DIR/kernel.json" && -f "$stamp_file" ]] &&
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

gopls_version=$(cd kernel/gopls && go list -m -f '{{.Version}}' golang.org/x/tools/gopls)
log "go install gonb $(go list -m -f '{{.Version}}' github.com/janpfeifer/gonb), goimports $(go list -m -f '{{.Version}}' golang.org/x/tools), gopls $gopls_version -> $GOBIN_DIR"
# Named, not `go install tool`: the project's go.mod may list gopls as a tool
# too, and gopls does not build against the project's x/tools.
GOBIN="$GOBIN_DIR" go install github.com/janpfeifer/gonb golang.org/x/tools/cmd/goimports
(cd kernel/gopls && GOBIN="$GOBIN_DIR" go install tool)
for t in gonb goimports gopls; do
  [[ -x $GOBIN_DIR/$t ]] || { echo "install-go: $t did not land in $GOBIN_DIR" >&2; exit 1; }
done

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
