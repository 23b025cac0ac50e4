#!/usr/bin/env bash
# kernel/test-lab.sh — check that `make lab` really serves: start
# kernel/lab.sh on a free port in the background, wait for it, and assert
#   * the printed URL opens the landing notebook (00-start-here), and GET /
#     with the token redirects to it (the server's default URL);
#   * /api/kernelspecs with the token lists the GoNB kernel, wired to this
#     checkout (-go_work) and offline (GOPROXY=off);
#   * the same request without the token is refused (token auth is on);
#   * /api/contents answers (the notebooks/ folder is served), and
#     kernel/healthcheck.sh (the Docker HEALTHCHECK) reports it healthy;
#   * a second kernel/lab.sh on the same port fails at once, naming the busy
#     port, and prints no URL or token;
#   * the lab's settings are in effect, as the browser gets them: the
#     custom.css the server serves draws Go's tabs plainly (no "——→"
#     marker), the notebook page loads it, and every lesson opens trusted
#     (each code cell marked trusted by the server, no "not trusted" line);
#   * a gonb kernel starts quietly: nothing of GoNB's start-up log (its test
#     lines, a missing-gopls error) and no Python debugger warning in the
#     lab's output, while GoNB's own log file shows the start.
# The server is stopped afterwards, also on failure. RLC_LAB_SH names another
# lab script to test (default kernel/lab.sh): the test of this test.
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

lab=${RLC_LAB_SH:-$ROOT/kernel/lab.sh}
HOST=127.0.0.1 PORT=$port JUPYTER_TOKEN=$token "$lab" >"$log" 2>&1 &
pid=$!

base="http://127.0.0.1:$port"
up=0
for _ in $(seq 300); do
  kill -0 "$pid" 2>/dev/null || fail "lab.sh exited early"
  if curl -fsS -o /dev/null "$base/api?token=$token" 2>/dev/null; then up=1; break; fi
  sleep 0.2
done
((up)) || fail "no answer on $base within 60 s"
# The printed URL opens the landing notebook, and so does the start page:
# GET / (with the token) redirects to it.
landing=/notebooks/00-start-here.ipynb
grep -qF "http://127.0.0.1:$port$landing?token=$token" "$log" ||
  fail "lab.sh did not print the URL of the landing notebook with the token ($landing?token=…)"
page=$(curl -fsS "$base$landing?token=$token") || fail "GET the printed URL $landing"
grep -q 'data-notebook-name="00-start-here.ipynb"' <<<"$page" || fail "the printed URL does not serve the landing notebook's page"
where=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$base/?token=$token") || fail "GET /"
[[ $where =~ ^30[12]\ "$base$landing"([?].*)?$ ]] || fail "GET / with the token answered '$where', want a redirect to $base$landing"
echo "test-lab: the printed URL opens $landing, and / redirects there"

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

# A second lab on the busy port.
rc=0
second=$(HOST=127.0.0.1 PORT=$port JUPYTER_TOKEN=second-token timeout 20 "$lab" 2>&1) || rc=$?
((rc == 1)) || fail "a second lab.sh on busy port $port exited $rc, want 1; it said: $second"
grep -q "port $port is busy" <<<"$second" || fail "a second lab.sh did not name busy port $port: $second"
! grep -q "token" <<<"$second" || fail "a second lab.sh on a busy port printed a token: $second"
echo "test-lab: a second lab.sh on port $port stops at once: $(head -1 <<<"$second")"

# The lab's settings, as served.
css=$(curl -fsS "$base/custom/custom.css?token=$token") || fail "GET /custom/custom.css"
"$JUPYTER_PY" - "$css" <<'PY' || fail "custom.css served by the lab does not hide the tab marker"
import re, sys
css = re.sub(r"/\*.*?\*/", "", sys.argv[1], flags=re.S)  # comments out
rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)
tab = [body for sel, body in rules if ".cm-s-ipython span.cm-tab" in sel]
assert tab and re.search(r"background\s*:\s*none", tab[-1]), "no '.cm-s-ipython span.cm-tab { background: none }' in:\n" + sys.argv[1]
PY
page=$(curl -fsS "$base/notebooks/01-ilqr-recap.ipynb?token=$token") || fail "GET the lesson 01 page"
grep -q 'custom/custom.css' <<<"$page" || fail "the notebook page does not load custom/custom.css"
echo "test-lab: the served custom.css draws Go's tabs plainly, and the notebook page loads it"

lessons=("$ROOT"/notebooks/[0-9][0-9]-*.ipynb)
for nb in "${lessons[@]}"; do
  name=$(basename "$nb")
  model=$(curl -fsS "$base/api/contents/$name?token=$token") || fail "GET /api/contents/$name"
  "$JUPYTER_PY" -c '
import json, sys
cells = [c for c in json.loads(sys.stdin.read())["content"]["cells"] if c["cell_type"] == "code"]
bad = [i for i, c in enumerate(cells) if not c["metadata"].get("trusted")]
assert cells and not bad, "%s: code cells %s not trusted" % (sys.argv[1], bad)
' "$name" <<<"$model" || fail "$name opens untrusted"
done
grep -qi "not trusted" "$log" && fail "the lab logged a 'not trusted' notebook"
echo "test-lab: all ${#lessons[@]} lessons open trusted"

# A kernel start, quiet in the lab's output.
log_before=$(stat -c %s "$GONB_LOG" 2>/dev/null || echo 0)
kid=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"name": "gonb"}' \
  "$base/api/kernels?token=$token" | "$JUPYTER_PY" -c 'import json, sys; print(json.load(sys.stdin)["id"])') ||
  fail "POST /api/kernels (start a gonb kernel)"
# Started: GoNB logged its start of gopls, to its log file or (when the
# kernelspec is wrong) to the lab's output.
started=0
for _ in $(seq 150); do
  if { tail -c +"$((log_before + 1))" "$GONB_LOG" 2>/dev/null; cat "$log"; } | grep -q "gopls.Client.Start"; then
    started=1
    break
  fi
  sleep 0.2
done
curl -fsS -o /dev/null -X DELETE "$base/api/kernels/$kid?token=$token" || true
((started)) || fail "no gonb kernel start (with gopls) within 30 s, neither in $GONB_LOG nor in the lab's output"
for noise in "Info message" "Warning message" "Error message" "gopls is not installed" "Debugger warning"; do
  grep -qF "$noise" "$log" && fail "the lab's output shows '$noise' at a kernel start"
done
echo "test-lab: a gonb kernel started quietly (GoNB's log: $GONB_LOG)"
echo "test-lab: OK (lab served on port $port)"
