#!/usr/bin/env bash
# kernel/lab.sh — start Jupyter Notebook (classic) on notebooks/ with the
# GoNB kernel.
#
#   kernel/lab.sh [--host H] [--port P] [--token T] [-- extra notebook flags]
#
# Environment (flags win): HOST (default 127.0.0.1; the Docker image sets
# 0.0.0.0), PORT (default 8888), JUPYTER_TOKEN (default: a fresh random
# token). Token authentication is always on; the URL with the token is
# printed before the server starts. Runs kernel/install.sh first when the
# kernel is not installed (a quick check otherwise). Works as root too.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/kernel/env.sh"

host=${HOST:-127.0.0.1}
port=${PORT:-8888}
token=${JUPYTER_TOKEN:-}
extra=()
while (($#)); do
  case $1 in
    --host) host=$2; shift 2 ;;
    --host=*) host=${1#*=}; shift ;;
    --port) port=$2; shift 2 ;;
    --port=*) port=${1#*=}; shift ;;
    --token) token=$2; shift 2 ;;
    --token=*) token=${1#*=}; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra+=("$@"); break ;;
    *) extra+=("$1"); shift ;;
  esac
done
[[ $port =~ ^[0-9]+$ ]] || { echo "lab: PORT must be a number, got '$port'" >&2; exit 2; }
if [[ -z $token ]]; then
  token=$("$JUPYTER_PY" -c 'import secrets; print(secrets.token_hex(24))')
fi

if ! "$ROOT/kernel/install.sh" --check; then
  echo "[lab] kernel not installed (or go.mod changed): running kernel/install.sh" >&2
  "$ROOT/kernel/install.sh"
fi

args=(--no-browser --ip="$host" --port="$port" --port-retries=0
  --notebook-dir="$ROOT/notebooks" --NotebookApp.token="$token"
  --NotebookApp.password='')
[[ $(id -u) == 0 ]] && args+=(--allow-root)

show=$host
[[ $host == 0.0.0.0 || $host == '::' || $host == '*' ]] && show=127.0.0.1
mkdir -p "$ROOT/notebooks"
cat <<MSG

  rlcontrol lab: open this URL in a browser (the token is the password)

      http://$show:$port/?token=$token

  Serving $ROOT/notebooks on $host:$port. Stop with Ctrl-C.

MSG
export JUPYTER_TOKEN=$token
exec "$JUPYTER_PY" -m notebook "${args[@]}" "${extra[@]}"
