#!/usr/bin/env bash
# kernel/install.sh — everything the rlcontrol kernel needs on a fresh Debian
# machine (or in the Dockerfile):
#   1. Debian's Jupyter packages (classic Notebook, nbconvert, nbclient);
#   2. GoNB and goimports, built from the versions pinned as tools in go.mod;
#   3. every Go module the project and its notebooks need, downloaded now so
#      that notebooks run later with the Go proxy switched off;
#   4. the GoNB kernelspec, registered with a go.work that points at this
#      checkout, so a notebook imports github.com/rlcontrol/rlcontrol/... with
#      no set-up cell and sees local edits to rl/ on the next cell run.
#
# Idempotent: steps already done are skipped quickly. Environment:
#   SKIP_APT=1     do not touch Debian packages (they are already there)
#   GOBIN          where gonb/goimports go (default: $(go env GOPATH)/bin)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. kernel/env.sh

log() { printf '\033[1m[install]\033[0m %s\n' "$*"; }

# 1. Debian packages. python3 here means Debian's /usr/bin/python3, never pyenv's.
if [[ "${SKIP_APT:-0}" != 1 ]]; then
  need=()
  for p in jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  if ((${#need[@]})); then
    log "apt-get install ${need[*]}"
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    log "Debian Jupyter packages already installed"
  fi
fi

# 2. Go tools pinned in go.mod.
log "go install tool (gonb $(go list -m -f '{{.Version}}' github.com/janpfeifer/gonb), goimports)"
go install tool
export PATH="$GOBIN_DIR:$PATH"

# 3. All modules, for offline use.
log "go mod download"
go mod download all
# Build once, so the build cache holds every package the notebooks compile.
go build ./...
go vet ./... >/dev/null 2>&1 || true

# 4. Kernelspec. --go_work makes every notebook start with a go.work using
# this checkout (requires GoNB >= v0.11.3).
log "gonb --install (go.work -> $ROOT)"
gonb --install --go_work="$ROOT" --logtostderr=false >/dev/null 2>&1 || gonb --install --go_work="$ROOT"
"$JUPYTER_PY" -m jupyter kernelspec list | grep -i gonb >/dev/null \
  || { echo "install: gonb kernelspec not registered" >&2; exit 1; }
log "done: $("$JUPYTER_PY" -m jupyter kernelspec list | grep -i gonb)"
