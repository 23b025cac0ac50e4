#!/usr/bin/env bash
# kernel/hub/smoke.sh — the class hub's check in `make test` (make hub-smoke),
# as root: 2 students, a small notebook (kernel/testdata/hub/smoke.ipynb),
# gopls off, in a hub folder of its own with no warm build cache (quick to
# set up), through kernel/hub/loadtest: log-in, spawn, a kernel compiling and
# running Go as the student, offline, and every isolation check.
#
# Students' kernels compile the checkout, so it must be readable by other
# users. A checkout that is not (say, under a home folder of mode 700) is
# copied, without .git and build outputs, into the smoke test's hub folder,
# and the copy is tested; the kernel install of this checkout is left alone.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/kernel/env.sh"
export HUB_DIR=${HUB_DIR:-/var/lib/rlcontrol-hub-smoke} HUB_WARM_CACHE=0

src=$ROOT
if ! unreadable_folder "$ROOT" >/dev/null; then
  src=$HUB_DIR/checkout
  echo "hub-smoke: $ROOT is not readable by other users, whose kernels compile it; testing a copy in $src"
  mkdir -p "$HUB_DIR"
  chmod 755 "$HUB_DIR"
  rm -rf "$src.new"
  mkdir "$src.new"
  tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude=./figures --exclude=./.scratch -cf - . | tar -C "$src.new" -xf -
  chmod -R a+rX "$src.new"
  rm -rf "$src"
  mv "$src.new" "$src"
  # The copy's kernelspec for root is not wanted: root's stays on $ROOT.
  export HUB_SKIP_INSTALL=1
fi
exec "$src/kernel/hub/loadtest" --students 2 --gopls off --lesson "$src/kernel/testdata/hub/smoke.ipynb" "$@"
