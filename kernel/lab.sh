#!/usr/bin/env bash
# kernel/lab.sh — start Jupyter Notebook (classic) on notebooks/ with the
# GoNB kernel.
#
#   kernel/lab.sh [--host H] [--port P] [--token T] [-- extra notebook flags]
#
# Environment (flags win): HOST (default 127.0.0.1; the Docker image sets
# 0.0.0.0), PORT (default 8888), JUPYTER_TOKEN (default: a fresh random
# token). Token authentication is always on; the URL with the token is
# printed before the server starts. The URL, and the server's start page
# (its default URL, where / redirects), open the landing notebook
# notebooks/00-start-here.ipynb (the file list when there is none). Works
# as root too. In order:
#   1. the port: when something already listens on HOST:PORT, stop with a
#      message naming the port (and the process, where `ss` can tell), before
#      any URL or token is printed;
#   2. kernel/install.sh when the kernel is not installed (a quick check
#      otherwise);
#   3. kernel/lab-setup: trust the lesson notebooks, Go's tabs shown plainly;
#   4. trim GoNB's log ($GONB_LOG) when it passed 20 MB.
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
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra+=("$@"); break ;;
    *) extra+=("$1"); shift ;;
  esac
done
[[ $port =~ ^[0-9]{1,5}$ ]] && ((10#$port > 0 && 10#$port < 65536)) || { echo "lab: PORT must be a number from 1 to 65535, got '$port'" >&2; exit 2; }

# 1. The port, before anything else: Jupyter itself would fail only after the
# URL with its token was printed. Busy means something accepts connections
# there, or (Debian's Python at hand) the address cannot be bound the way
# Jupyter binds it (SO_REUSEADDR, as tornado does).
probe=$host
[[ $host == 0.0.0.0 || $host == '*' || -z $host ]] && probe=127.0.0.1
[[ $host == '::' ]] && probe=::1
busy=0
if timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$probe" "$port" 2>/dev/null; then
  busy=1
elif [[ -x $JUPYTER_PY ]] && ! "$JUPYTER_PY" - "$host" "$port" <<'PY'
import errno, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
host = "" if host in ("*", "0.0.0.0") else host
for fam, typ, proto, _, addr in socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE):
    s = socket.socket(fam, typ, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        s.bind(addr)
    except OSError as e:
        sys.exit(1 if e.errno == errno.EADDRINUSE else 0)  # other errors: Jupyter will say
    finally:
        s.close()
PY
then
  busy=1
fi
if ((busy)); then
  echo "lab: port $port is busy: something already listens on $host:$port (another \`make lab\`?)." >&2
  if command -v ss >/dev/null && who=$(ss -Hltnp "( sport = :$port )" 2>/dev/null) && [[ -n $who ]]; then
    echo "lab: listening there: $who" >&2
  fi
  echo "lab: stop it, or choose another port: make lab PORT=$((port == 65535 ? 8889 : port + 1))" >&2
  exit 1
fi
if [[ -z $token ]]; then
  token=$("$JUPYTER_PY" -c 'import secrets; print(secrets.token_hex(24))')
fi

if ! "$ROOT/kernel/install.sh" --check; then
  echo "[lab] kernel not installed (or go.mod changed): running kernel/install.sh" >&2
  "$ROOT/kernel/install.sh"
fi
"$ROOT/kernel/lab-setup" "$ROOT/notebooks"
if [[ -f $GONB_LOG ]] && (($(stat -c %s "$GONB_LOG") > 20 * 1024 * 1024)); then
  tail -c $((1024 * 1024)) "$GONB_LOG" >"$GONB_LOG.tmp" && mv "$GONB_LOG.tmp" "$GONB_LOG"
fi

# The page a browser opens first: the landing notebook.
landing=/tree
[[ -f $ROOT/notebooks/00-start-here.ipynb ]] && landing=/notebooks/00-start-here.ipynb
args=(--no-browser --ip="$host" --port="$port" --port-retries=0
  --notebook-dir="$ROOT/notebooks" --NotebookApp.token="$token"
  --NotebookApp.password='' --NotebookApp.default_url="$landing")
[[ $(id -u) == 0 ]] && args+=(--allow-root)

show=$host
[[ $host == 0.0.0.0 || $host == '::' || $host == '*' ]] && show=127.0.0.1
mkdir -p "$ROOT/notebooks"
cat <<MSG

  rlcontrol lab: open this URL in a browser (the token is the password)

      http://$show:$port$landing?token=$token

  Serving $ROOT/notebooks on $host:$port. Stop with Ctrl-C.
  GoNB's own log (kernel starts, gopls): $GONB_LOG

MSG
export JUPYTER_TOKEN=$token
# -Xfrozen_modules=off: the server imports ipykernel (for the python3
# kernelspec), whose debugger otherwise prints a four-line "frozen modules"
# warning at the first page load under Python 3.11.
exec "$JUPYTER_PY" -Xfrozen_modules=off -m notebook "${args[@]}" "${extra[@]}"
