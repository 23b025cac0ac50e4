#!/usr/bin/env bash
# kernel/hub/setup.sh — prepare this machine to serve the lessons to a class
# through JupyterHub (Debian's jupyterhub 3.0). Run as root; idempotent, and
# quick when nothing changed. kernel/hub/hub.sh runs it before starting the
# hub, so a teacher never needs to call it alone.
#
#   kernel/hub/setup.sh [--check]
#
# The students are ordinary Linux users with no access to root's files, so
# everything their kernels need is put in one shared, read-only folder,
# HUB_DIR (default /var/lib/rlcontrol-hub):
#   bin/          gonb and goimports (copies of kernel/install.sh's)
#   gopls/        gopls, on the kernels' PATH unless the hub runs with
#                 HUB_GOPLS=off (kernel/hub/gonb-kernel drops it): Tab
#                 completion and hover help cost about 0.7 GB per student
#   gomod/        a Go module cache with every module the lessons use,
#                 filled from root's cache with no network (GOPROXY=file://)
#   share/jupyter/kernels/gonb
#                 the gonb kernelspec (kernel/kernelspec.sh): go.work on this
#                 checkout, offline, GoNB's log in each student's home
#                 (kernel/hub/gonb-kernel); the hub puts share/jupyter on
#                 the students' JUPYTER_PATH
#   gocache/      a warm Go build cache: the library and every module it
#                 imports, compiled once here. Each student's first server
#                 start copies it into ~/.cache/go-build, so their first cell
#                 compiles in seconds, not the minute a cold cache takes;
#                 from then on each student's cache is their own (a shared
#                 writable cache would let one student plant compiled code
#                 in another's programs)
#                 (HUB_WARM_CACHE=0 leaves it empty: quicker to set up, as the
#                 hub's smoke test in `make test` does, but each student's
#                 first cell then compiles the library, a minute or more)
#   state/        the hub's database, cookie secret and proxy token (root only)
# The checkout itself must be readable by every user (the kernels compile it);
# this script checks that.
#
# --check: change nothing; exit 0 when everything is in place, 1 (saying
# what is missing) otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/kernel/env.sh"
HUB_DIR=${HUB_DIR:-/var/lib/rlcontrol-hub}

log() { printf '[hub-setup] %s\n' "$*"; }
die() { printf 'hub-setup: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root: the hub starts each student's server as that student (now uid $(id -u))"

# The stamp of everything the shared folder is made from.
hub_stamp() {
  {
    install_stamp
    echo "hub_dir=$HUB_DIR warm=${HUB_WARM_CACHE:-1}"
    cat "$ROOT/kernel/hub/setup.sh" "$ROOT/kernel/hub/gonb-kernel"
    (cd "$ROOT" && GOPROXY=off GOFLAGS=-mod=mod go list -deps ./... 2>/dev/null | sort | sha256sum)
  } | sha256sum | cut -d' ' -f1
}

# Every folder from / down to the checkout must be enterable, and the
# checkout readable, by a user who is not root.
check_readable() {
  local d
  d=$(unreadable_folder "$ROOT") || die "$d is not readable by other users (mode $(stat -c %a "$d")); the students' kernels compile this checkout: chmod o+rx $d"
}

ready() {
  command -v jupyterhub >/dev/null && command -v configurable-http-proxy >/dev/null &&
    [[ -f $HUB_DIR/stamp && $(cat "$HUB_DIR/stamp") == "$(hub_stamp)" ]]
}

if [[ ${1:-} == --check ]]; then
  if ready; then exit 0; fi
  echo "hub-setup: not set up (or out of date): run kernel/hub/setup.sh as root" >&2
  exit 1
fi
[[ $# == 0 ]] || die "unknown argument '$1' (usage: kernel/hub/setup.sh [--check])"

check_readable
"$ROOT/kernel/install-apt.sh" jupyterhub
# The run-time Debian packages only: a class server needs no browser.
# HUB_SKIP_INSTALL=1 (kernel/hub/smoke.sh, testing a copy of a checkout):
# the tools and modules are taken as installed, and root's own kernelspec is
# not rewired to the copy.
if [[ ${HUB_SKIP_INSTALL:-0} == 1 ]]; then
  for t in gonb goimports gopls; do
    [[ -x $GOBIN_DIR/$t ]] || die "HUB_SKIP_INSTALL=1 but $GOBIN_DIR/$t is missing: run kernel/install.sh"
  done
else
  APT_SET=${APT_SET:-runtime} "$ROOT/kernel/install.sh"
fi
if ready; then
  log "already set up in $HUB_DIR"
  exit 0
fi

umask 022
mkdir -p "$HUB_DIR"/{bin,gopls,gomod,share/jupyter,state}
chmod 755 "$HUB_DIR"
chmod 700 "$HUB_DIR/state"

log "tools -> $HUB_DIR/bin"
for t in gonb goimports; do
  install -m 755 "$GOBIN_DIR/$t" "$HUB_DIR/bin/$t"
done
install -m 755 "$GOBIN_DIR/gopls" "$HUB_DIR/gopls/gopls"

# The module cache, from root's own (kernel/install.sh filled it) through a
# file:// proxy: no network, same checksums (go.sum is checked).
log "modules -> $HUB_DIR/gomod"
src_cache=$(go env GOMODCACHE)/cache/download
(cd "$ROOT" && GOMODCACHE="$HUB_DIR/gomod" GOPROXY="file://$src_cache" GOSUMDB=off GOFLAGS=-mod=mod go mod download all)
chmod -R a+rX "$HUB_DIR/gomod"

log "kernelspec -> $HUB_DIR/share/jupyter/kernels/gonb"
PATH="$HUB_DIR/gopls:$PATH" JUPYTER_DATA_DIR="$HUB_DIR/share/jupyter" GOBIN="$HUB_DIR/bin" "$ROOT/kernel/kernelspec.sh" "$ROOT"
spec="$HUB_DIR/share/jupyter/kernels/gonb/kernel.json"
"$JUPYTER_PY" - "$spec" "$ROOT/kernel/hub/gonb-kernel" "$HUB_DIR" <<'PY'
import json, sys
path, wrapper, hub = sys.argv[1:4]
with open(path) as f:
    spec = json.load(f)
# The wrapper starts gonb with its log in the student's home: the log flags
# kernelspec.sh wrote point into this root-owned folder.
spec["argv"][0] = wrapper
spec["env"]["GOMODCACHE"] = hub + "/gomod"
bins = spec["env"]["PATH"].split(":")
spec["env"]["PATH"] = ":".join(bins[:1] + [hub + "/gopls"] + bins[1:])
spec["env"]["GOFLAGS"] = ""
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
PY
rm -f "$HUB_DIR/share/jupyter/kernels/gonb/gonb.log"
chmod -R a+rX "$HUB_DIR/share" "$HUB_DIR/bin"

# The warm build cache: compile every package of the library (and so every
# module it imports) exactly as a student's kernel will, with the shared
# module cache and the kernel's settings, into a fresh cache.
rm -rf "$HUB_DIR/gocache.new"
if [[ ${HUB_WARM_CACHE:-1} == 0 ]]; then
  log "no warm Go build cache (HUB_WARM_CACHE=0)"
  mkdir "$HUB_DIR/gocache.new"
else
  log "warm Go build cache -> $HUB_DIR/gocache (about two minutes on 2 cores)"
  (cd "$ROOT" && GOCACHE="$HUB_DIR/gocache.new" GOMODCACHE="$HUB_DIR/gomod" GOPROXY=off GOTOOLCHAIN=local GOFLAGS= \
    go build ./...)
fi
rm -rf "$HUB_DIR/gocache"
mv "$HUB_DIR/gocache.new" "$HUB_DIR/gocache"
chmod -R a+rX "$HUB_DIR/gocache"
log "warm cache: $(du -sh "$HUB_DIR/gocache" | cut -f1)"

hub_stamp >"$HUB_DIR/stamp"
log "done: $HUB_DIR"
