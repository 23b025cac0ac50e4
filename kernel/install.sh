#!/usr/bin/env bash
# kernel/install.sh — everything the rlcontrol kernel needs on a fresh Debian
# machine: Debian's Jupyter packages (kernel/install-apt.sh, as root), then
# GoNB, goimports, gopls, all Go modules and the kernelspec (kernel/install-go.sh,
# as any user), then the lab's settings (kernel/lab-setup: the lesson
# notebooks trusted, Go's tabs shown plainly). Afterwards notebooks run with
# no network (GOPROXY=off).
#
#   kernel/install.sh           install what is missing (quick when done)
#   kernel/install.sh --check   exit 0 if everything is installed, 1 if not
#
# Environment:
#   SKIP_APT=1   leave Debian packages alone (the Dockerfile installs them as
#                root in an earlier step)
#   APT_SET      all (default): the run-time and the test packages of
#                kernel/env.sh; runtime: only the run-time ones (the image
#                sets it, so --check there does not ask for chromium)
#   FORCE=1      redo the Go half even if its stamp says it is up to date
#   GOBIN        where gonb/goimports/gopls go (default: $(go env GOPATH)/bin)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/kernel/env.sh"

if [[ "${1:-}" == --check ]]; then
  if [[ "${SKIP_APT:-0}" != 1 ]]; then
    for p in "${APT_WANTED[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || exit 1
    done
  fi
  exec "$ROOT/kernel/install-go.sh" --check
fi

[[ "${SKIP_APT:-0}" == 1 ]] || "$ROOT/kernel/install-apt.sh"
"$ROOT/kernel/install-go.sh"
"$ROOT/kernel/lab-setup" "$ROOT/notebooks"
