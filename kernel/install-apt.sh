#!/usr/bin/env bash
# kernel/install-apt.sh — the Debian half of the install: Jupyter (classic
# Notebook, nbconvert, nbclient), and for the tests the kernel test suite and
# chromium, from Debian's packages (the lists are in kernel/env.sh). Needs
# root (or sudo).
#
#   kernel/install-apt.sh [EXTRA_PACKAGE...]
#
# Extra arguments are more Debian packages to install in the same apt run
# (the Dockerfile adds jupyterhub, tini and curl). Packages already installed
# are skipped, so a second run does nothing and never touches the network.
# APT_SET=runtime installs only the run-time set, no test packages (the
# Dockerfile sets it); default all.
# APT_CLEAN=1 removes the apt lists afterwards (for image layers).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/kernel/env.sh"

log() { printf '[install-apt] %s\n' "$*"; }

need=()
for p in "${APT_WANTED[@]}" "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]} == 0)); then
  log "Debian packages already installed"
  exit 0
fi

SUDO=()
if [[ $(id -u) != 0 ]]; then
  command -v sudo >/dev/null || {
    echo "install-apt: missing Debian packages (${need[*]}) and not root; run kernel/install-apt.sh as root" >&2
    exit 1
  }
  SUDO=(sudo)
fi
log "apt-get install ${need[*]}"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [[ "${APT_CLEAN:-0}" == 1 ]]; then
  "${SUDO[@]}" apt-get clean
  "${SUDO[@]}" rm -rf /var/lib/apt/lists/*
fi
log "done"
