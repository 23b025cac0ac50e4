#!/usr/bin/env bash
# kernel/hub/hub.sh — serve the lessons to a class from this machine:
# JupyterHub (Debian's 3.0) with a notebook server per student. As root.
#
#   kernel/hub/hub.sh [--host H] [--port P]        (make hub)
#
# Sets up what is missing first (kernel/hub/setup.sh: Debian's jupyterhub,
# the kernel, the students' shared kernelspec, modules and warm build cache),
# then runs the hub in the foreground (Ctrl-C stops it and every student's
# server) with kernel/hub/jupyterhub_config.py. Students log in with the
# accounts kernel/hub/add-students makes.
#
# Environment (flags win): HUB_HOST (default 127.0.0.1; 0.0.0.0 for a class
# on the network, with HTTPS: HUB_SSL_CERT and HUB_SSL_KEY name the
# certificate and key files), HUB_PORT (default 8000), HUB_DIR (default
# /var/lib/rlcontrol-hub), HUB_ADMINS (teachers' accounts, comma-separated),
# HUB_GOPLS (on, default: Tab completion and hover help in the kernels; off:
# none, and about 0.7 GB less memory per student), HUB_API_PORT and
# HUB_PROXY_API_PORT (internal, default 8081 and 8001), HUB_STATE (the hub's
# database and secrets, default HUB_DIR/state).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export RLCONTROL_ROOT=$ROOT
export HUB_DIR=${HUB_DIR:-/var/lib/rlcontrol-hub}
export HUB_HOST=${HUB_HOST:-127.0.0.1} HUB_PORT=${HUB_PORT:-8000}
while (($#)); do
  case $1 in
    --host) HUB_HOST=$2; shift 2 ;;
    --host=*) HUB_HOST=${1#*=}; shift ;;
    --port) HUB_PORT=$2; shift 2 ;;
    --port=*) HUB_PORT=${1#*=}; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hub: unknown argument '$1' (see kernel/hub/hub.sh --help)" >&2; exit 2 ;;
  esac
done
for p in HUB_PORT HUB_API_PORT HUB_PROXY_API_PORT; do
  v=${!p:-8000}
  [[ $v =~ ^[0-9]{1,5}$ ]] && ((10#$v > 0 && 10#$v < 65536)) || { echo "hub: $p must be a number from 1 to 65535, got '$v'" >&2; exit 2; }
done
case ${HUB_GOPLS:=on} in on|off) ;; *) echo "hub: HUB_GOPLS must be on or off, got '$HUB_GOPLS'" >&2; exit 2 ;; esac
export HUB_GOPLS
[[ $(id -u) == 0 ]] || { echo "hub: run as root (sudo make hub): the hub starts each student's server as that student" >&2; exit 1; }

probe=$HUB_HOST
[[ $probe == 0.0.0.0 || $probe == '*' ]] && probe=127.0.0.1
for p in "$HUB_PORT" "${HUB_API_PORT:-8081}" "${HUB_PROXY_API_PORT:-8001}"; do
  if timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$([[ $p == "$HUB_PORT" ]] && echo "$probe" || echo 127.0.0.1)" "$p" 2>/dev/null; then
    echo "hub: port $p is busy (another hub? a lab?); choose others with HUB_PORT, HUB_API_PORT, HUB_PROXY_API_PORT" >&2
    exit 1
  fi
done

"$ROOT/kernel/hub/setup.sh"
# Debian's configurable-http-proxy finds its modules (commander, ...) in
# /usr/share/nodejs, where Debian's node looks by itself; a node from
# elsewhere (NodeSource's, as on these machines) needs to be told.
export NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs:/usr/lib/nodejs
n=$(getent group rlcontrol-students | awk -F: '{print $4}' | tr ',' '\n' | grep -c . || true)
echo "hub: http${HUB_SSL_CERT:+s}://$HUB_HOST:$HUB_PORT/ — $n student account(s) in rlcontrol-students (kernel/hub/add-students NAME... adds more)"
export HUB_STATE=${HUB_STATE:-$HUB_DIR/state}
mkdir -p "$HUB_STATE" && chmod 700 "$HUB_STATE"
cd "$HUB_STATE"
exec jupyterhub -f "$ROOT/kernel/hub/jupyterhub_config.py"
