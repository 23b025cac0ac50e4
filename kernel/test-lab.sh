#!/usr/bin/env bash
# kernel/test-lab.sh — check that `make lab` really serves: start
# kernel/lab.sh on a free port in the background, wait for it, and assert
#   * /api/kernelspecs with the token lists the GoNB kernel, wired to this
#     checkout (-go_work) and offline (GOPROXY=off);
#   * the same request without the token is refused (token auth is on);
#   * /api/contents answers (the notebooks/ folder is served), and
#     kernel/healthcheck.sh (the Docker HEALTHCHECK) reports it healthy.
# The server is stopped afterwards, also on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/kernel/env.sh"

port=$("$JUPYTER_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$("$JUPYTER_PY" -c 'import secrets; print(secrets.token_hex(16))')
log=$(mktemp /tmp/rlcontrol-lab.XXXXXX.log)
pid=

stop() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap stop EXIT
fail() { echo "test-lab: FAIL: $*" >&2; echo "--- lab output:" >&2; cat "$log" >&2; exit 1; }

HOST=127.0.0.1 PORT=$port JUPYTER_TOKEN=$token "$ROOT/kernel/lab.sh" >"$log" 2>&1 &
pid=$!

base="http://127.0.0.1:$port"
up=0
for _ in $(seq 300); do
  kill -0 "$pid" 2>/dev/null || fail "lab.sh exited early"
  if curl -fsS -o /dev/null "$base/api?token=$token" 2>/dev/null; then up=1; break; fi
  sleep 0.2
done
((up)) || fail "no answer on $base within 60 s"
grep -q "http://127.0.0.1:$port/?token=$token" "$log" || fail "lab.sh did not print the URL with the token"

specs=$(curl -fsS "$base/api/kernelspecs?token=$token") || fail "GET /api/kernelspecs with token"
"$JUPYTER_PY" - "$ROOT" "$specs" <<'PY' || fail "kernelspec check"
import json, os, sys
root, specs = sys.argv[1], json.loads(sys.argv[2])
gonb = specs["kernelspecs"].get("gonb")
assert gonb, "no 'gonb' kernel in %s" % sorted(specs["kernelspecs"])
spec = gonb["spec"]
assert spec["language"] == "go", spec
assert "-go_work=" + root in spec["argv"], "kernel not wired to %s: %s" % (root, spec["argv"])
assert spec["env"].get("GOPROXY") == "off", spec["env"]
assert "goimports" in " ".join(os.listdir(spec["env"]["PATH"].split(":")[0])), spec["env"]
print("test-lab: kernelspecs lists gonb (%s), go.work -> %s, GOPROXY=off" % (spec["display_name"], root))
PY

code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/kernelspecs")
[[ $code == 403 || $code == 401 ]] || fail "request without token answered $code, want 403"
echo "test-lab: request without token refused ($code)"

curl -fsS -o /dev/null "$base/api/contents?token=$token" || fail "GET /api/contents"
PORT=$port "$ROOT/kernel/healthcheck.sh" || fail "kernel/healthcheck.sh"
echo "test-lab: kernel/healthcheck.sh reports healthy"
echo "test-lab: OK (lab served on port $port)"
