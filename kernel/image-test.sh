#!/usr/bin/env bash
# kernel/image-test.sh — build the kernel image from the Dockerfile as written,
# with Debian's podman and buildah (no Docker engine needed), and check the
# container: health check, token auth, the JupyterHub single-user server, a
# lesson with no network, as the non-root user. Run as root (`make
# image-test`):
#
#   kernel/image-test.sh
#
# In order:
#   1. Debian's podman, buildah, debootstrap (and iproute2) when missing.
#   2. The base image. Registries cannot be reached here, so the Dockerfile's
#      `FROM golang:V-bookworm` is a stand-in assembled locally, like the
#      official image: `debootstrap --variant=minbase bookworm`, this
#      machine's Go tree (must be Go V) at /usr/local/go, GOPATH=/go (mode
#      1777), PATH, GOTOOLCHAIN=local, `podman import` as
#      docker.io/library/golang:V-bookworm. Kept between runs (REBUILD_BASE=1
#      assembles it again). The stand-in has no gcc, git or ca-certificates.
#   3. `podman build` of the Dockerfile (chroot isolation, cgroupfs, host
#      network, docker format so HEALTHCHECK is kept). This machine's
#      certificate store is mounted at /run/host-certs and its bundle named
#      by the SSL_CERT_FILE build argument, for the steps that reach the Go
#      proxy (mounted over /etc/ssl/certs it would break the image's own
#      ca-certificates install); it is not copied into the image. Removes
#      the untagged images earlier builds left (`podman image prune`: not
#      the tagged ones, nor the layers under them, which are the next
#      build's cache). Prints build time, image size and each layer's size.
#   4. In a buildah working container (`buildah run --isolation chroot`,
#      inside `unshare -n`: loopback only), as the image's user:
#      * the network is really off;
#      * the test-only Debian packages (chromium, the kernel test suite) are
#        not installed, kernel/install.sh --check passes with the image's
#        APT_SET=runtime and fails with APT_SET=all (it notices them);
#      * the image's HEALTHCHECK command fails with no server and passes once
#        kernel/lab.sh runs, /api/kernelspecs lists gonb with the token and
#        answers 403 without it;
#      * JupyterHub: `jupyterhub-singleuser --version` is 3.x, and
#        kernel/singleuser.sh, the image's command under JupyterHub, run the
#        way a spawner runs it (Zero to JupyterHub's environment:
#        JUPYTERHUB_API_TOKEN, JUPYTERHUB_API_URL, JUPYTERHUB_SERVICE_PREFIX
#        =/user/x/, ...) against a stand-in hub API on loopback (a small
#        Python server: version check, token checks, activity): it copies
#        the lessons into ~/work/lessons, serves /user/x/api/status with the
#        user's token and answers 403 without one or with a wrong one,
#        redirects /user/x/ to the landing notebook (00-start-here, or the
#        lessons folder when the image has none), lists the copies and gonb,
#        opens a session (a gonb kernel) for the copy of lesson 01 through
#        its REST API and runs a Go cell over the kernel's websocket, as the
#        browser does: the cell imports the library (the kernelspec's
#        go.work) and prints its working folder, ~/work/lessons, and Tab
#        completion (gopls, on by default) completes fmt.Prin. Then a
#        restart: an edited copy is kept, a deleted one comes back, and a
#        notebook signed as trusted before stays trusted (the trust database
#        and secret live in ~/work);
#      * RLCONTROL_GOPLS=off: the kernel's PATH then finds gonb, goimports
#        and go but no gopls (a bad value is refused by name);
#      * lesson 01 runs in quick mode through the GoNB kernel
#        (kernel/run-notebooks) with GOPROXY=off, from the student's copy
#        in ~/work/lessons with the kernel working in ~/work/x: outside the
#        checkout, as in the hub, with gopls off, and no gopls starts.
#
# Environment:
#   IMAGE         tag of the built image (default localhost/rlcontrol:test)
#   REBUILD_BASE  1: assemble the stand-in base image again
#   LESSON        notebook the offline check runs (default notebooks/01-*.ipynb)
#   DEBIAN_MIRROR mirror for debootstrap (default http://deb.debian.org/debian)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

IMAGE=${IMAGE:-localhost/rlcontrol:test}
LESSON=${LESSON:-$(ls notebooks/01-*.ipynb | head -1)}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

log() { printf '[image-test] %s\n' "$*"; }
die() { printf 'image-test: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "needs root (rootful podman, buildah and debootstrap); run: sudo kernel/image-test.sh"

# 1. Tools.
need=()
for p in podman buildah debootstrap iproute2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
PODMAN=(podman --cgroup-manager=cgroupfs)

work=$(mktemp -d /var/tmp/rlcontrol-image-test.XXXXXX)
ctr=
cleanup() {
  [[ -z $ctr ]] || buildah rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# 2. The stand-in base image.
base=$(awk 'toupper($1) == "FROM" { print $2; exit }' Dockerfile)
[[ $base =~ ^golang:([0-9][0-9.]*)-bookworm$ ]] ||
  die "Dockerfile's FROM is '$base'; the stand-in base knows only golang:<version>-bookworm"
gover=${BASH_REMATCH[1]}
base_ref=docker.io/library/$base
if [[ ${REBUILD_BASE:-0} != 1 ]] && "${PODMAN[@]}" image exists "$base_ref"; then
  log "base $base_ref: cached (REBUILD_BASE=1 to assemble it again)"
else
  [[ $(go env GOVERSION) == "go$gover" ]] ||
    die "the Dockerfile wants Go $gover but this machine's go is $(go env GOVERSION)"
  t0=$SECONDS
  rootfs=$work/rootfs
  log "base $base_ref: debootstrap --variant=minbase bookworm ($MIRROR)"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  cp -a "$(go env GOROOT)" "$rootfs/usr/local/go"
  mkdir -p "$rootfs/go/src" "$rootfs/go/bin"
  chmod -R 1777 "$rootfs/go"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar -C "$rootfs" -c . | "${PODMAN[@]}" import \
    --change "ENV GOLANG_VERSION=$gover" \
    --change "ENV GOTOOLCHAIN=local" \
    --change "ENV GOPATH=/go" \
    --change "ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "WORKDIR /go" \
    --change 'CMD ["bash"]' \
    - "$base_ref" >/dev/null
  rm -rf "$rootfs"
  log "base $base_ref: assembled in $((SECONDS - t0)) s"
fi

# 3. The image, from the Dockerfile as written.
log "podman build -t $IMAGE ."
t0=$SECONDS
"${PODMAN[@]}" build --isolation=chroot --network=host --format docker --pull=never \
  -v /etc/ssl/certs:/run/host-certs:ro --build-arg SSL_CERT_FILE=/run/host-certs/ca-certificates.crt \
  -t "$IMAGE" -f Dockerfile . ||
  die "podman build failed (output above)"
build_s=$((SECONDS - t0))
# Each build whose checkout layer changed leaves the previous chain of
# layers untagged (about 0.2 GB a time); drop those. Tagged images and the
# layers under them (the cache of the next build) stay.
pruned=$("${PODMAN[@]}" image prune -f | wc -l)
log "pruned $pruned untagged image(s) left by earlier builds"
size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE in ${build_s} s; size $((size / 1000000)) MB; layers (newest first):"
"${PODMAN[@]}" history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" |
  awk -F'\t' '{ sub(/^\/bin\/sh -c (#\(nop\) )?/, "", $2); printf "[image-test]   %10s  %.90s\n", $1, $2 }'

# The HEALTHCHECK as the image stores it (docker format): run that command.
hc=$("${PODMAN[@]}" image inspect "$IMAGE" | /usr/bin/python3 -c '
import json, shlex, sys
hc = (json.load(sys.stdin)[0].get("Healthcheck") or {}).get("Test") or []
if hc[:1] == ["CMD"]: print(shlex.join(hc[1:]))
elif hc[:1] == ["CMD-SHELL"]: print(hc[1])
')
[[ -n $hc ]] || die "the image has no HEALTHCHECK (built without --format docker?)"
log "HEALTHCHECK: $hc"

# 4. Checks inside the container, loopback only, as the image's user.
ctr=$(buildah from --pull=never "$IMAGE")
cat >"$work/checks.sh" <<EOF
set -euo pipefail
HC=$(printf '%q' "$hc")
LESSON=$(printf '%q' "$LESSON")
EOF
cat >>"$work/checks.sh" <<'EOF'
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# The chroot isolation has no process namespace: whatever these checks
# leave running outlives the container. So on any exit, a failure
# included, stop the servers they started (a server stops its kernels).
# (kill is bash's own: the image has no /bin/kill.)
trap 'set +e; for j in $(jobs -p); do kill "$j" 2>/dev/null; done; wait 2>/dev/null' EXIT
# The gopls processes in this container, by /proc (the image has no
# procps). The chroot isolation shares the host's process table, so only
# those in this container's mount namespace count.
gopls_pids() {
  local f p me
  me=$(readlink /proc/self/ns/mnt)
  for f in /proc/[0-9]*/comm; do
    p=${f#/proc/}
    p=${p%/comm}
    [[ $(cat "$f" 2>/dev/null) == gopls && $(readlink "/proc/$p/ns/mnt" 2>/dev/null) == "$me" ]] && echo "$p"
  done
  return 0
}
cd "$HOME/rlcontrol"
[[ $(id -u) != 0 ]] || fail "runs as root; the image should switch to the notebook user"
ok "user $(id -un) (uid $(id -u))"
# A TCP connection, not an HTTPS request: the image may not trust this
# network's certificate authorities, and a TLS failure is not "offline".
if timeout 5 bash -c 'exec 3<>/dev/tcp/proxy.golang.org/443' 2>/dev/null; then fail "proxy.golang.org:443 is reachable: the network is not off"; fi
ok "no network (proxy.golang.org:443 unreachable)"
for p in chromium python3-jupyter-kernel-test; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then fail "test-only package $p is in the image"; fi
done
if command -v chromium >/dev/null; then fail "a chromium binary is in the image: $(command -v chromium)"; fi
ok "test-only packages absent (chromium, python3-jupyter-kernel-test)"
[[ ${APT_SET:-} == runtime ]] || fail "the image's APT_SET is '${APT_SET:-}', want runtime"
kernel/install.sh --check || fail "kernel/install.sh --check fails in the image (APT_SET=runtime)"
if APT_SET=all kernel/install.sh --check; then fail "APT_SET=all kernel/install.sh --check passes without the test packages"; fi
ok "kernel/install.sh --check: passes with APT_SET=runtime, fails with APT_SET=all"
if bash -c "$HC" 2>/dev/null; then fail "health check passed with no server running"; fi
ok "health check fails with no server"
JUPYTER_TOKEN=image-test-token kernel/lab.sh >/tmp/lab.log 2>&1 &
lab=$!
for _ in $(seq 90); do bash -c "$HC" 2>/dev/null && break; sleep 1; done
bash -c "$HC" || { tail -20 /tmp/lab.log >&2; fail "health check does not pass with kernel/lab.sh running"; }
ok "health check passes with the lab running"
url=http://127.0.0.1:${PORT:-8888}/api/kernelspecs
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url")
[[ $code == 403 ]] || fail "/api/kernelspecs without the token answered $code, want 403"
curl -fsS --max-time 10 -H 'Authorization: token image-test-token' "$url" | grep -q '"gonb"' ||
  fail "/api/kernelspecs with the token does not list gonb"
ok "/api/kernelspecs: gonb with the token, 403 without"
kill "$lab"; wait "$lab" 2>/dev/null || true

# JupyterHub single-user server.
v=$(jupyterhub-singleuser --version 2>/dev/null) || fail "jupyterhub-singleuser --version failed"
[[ $v == 3.* ]] || fail "jupyterhub-singleuser --version says '$v', want 3.x"
ok "jupyterhub-singleuser --version: $v (as $(id -un))"
W=$HOME/work
[[ ! -e $W ]] || fail "$W exists in the image: the student volume is mounted there"
nbs=(notebooks/*.ipynb)
export RLCONTROL_WORK=$W
export JUPYTERHUB_API_TOKEN=server-token JUPYTERHUB_CLIENT_ID=jupyterhub-user-x
export JUPYTERHUB_API_URL=http://127.0.0.1:8081/hub/api JUPYTERHUB_ACTIVITY_URL=http://127.0.0.1:8081/hub/api/users/x/activity
export JUPYTERHUB_BASE_URL=/ JUPYTERHUB_SERVICE_PREFIX=/user/x/ JUPYTERHUB_SERVICE_URL=http://127.0.0.1:8888/user/x/
export JUPYTERHUB_USER=x JUPYTERHUB_SERVER_NAME= JUPYTERHUB_HOST= JUPYTERHUB_OAUTH_CALLBACK_URL=/user/x/oauth_callback
export JUPYTERHUB_OAUTH_ACCESS_SCOPES='["access:servers!server=x/", "access:servers!user=x"]'
export JUPYTERHUB_OAUTH_SCOPES=$JUPYTERHUB_OAUTH_ACCESS_SCOPES
/usr/bin/python3 /tmp/fakehub.py 8081 x student-token 2>/tmp/hub.log &
hub=$!
kernel/singleuser.sh >/tmp/su.log 2>&1 &
su=$!
base=http://127.0.0.1:8888/user/x
auth=(-H 'Authorization: token student-token')
for _ in $(seq 90); do curl -fs -o /dev/null --max-time 5 "${auth[@]}" "$base/api/status" && break; sleep 1; done
curl -fsS --max-time 10 "${auth[@]}" "$base/api/status" | grep -q '"started"' ||
  { tail -n 30 /tmp/su.log /tmp/hub.log >&2; fail "kernel/singleuser.sh: $base/api/status does not answer with the user's token"; }
ok "kernel/singleuser.sh serves $base/api/status with the user's token (checked by the hub API)"
for h in "" "Authorization: token wrong-token"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 ${h:+-H "$h"} "$base/api/status")
  [[ $code == 403 ]] || fail "$base/api/status with '${h:-no token}' answered $code, want 403"
done
ok "$base/api/status: 403 without a token and with a wrong one"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/tree")
[[ $code == 302 ]] || fail "$base/tree without a token answered $code, want 302 (to the hub's login)"
n=$(ls "$W"/lessons/*.ipynb | wc -l)
((n == ${#nbs[@]})) || fail "$W/lessons has $n notebooks, want the image's ${#nbs[@]}"
curl -fsS --max-time 10 "${auth[@]}" "$base/api/contents/lessons" |
  /usr/bin/python3 -c 'import json, sys; n = sum(c["type"] == "notebook" for c in json.load(sys.stdin)["content"]); sys.exit(n != int(sys.argv[1]))' "$n" ||
  fail "$base/api/contents/lessons does not list the $n lesson copies"
ok "the $n lessons copied to $W/lessons and served from there"
if [[ -e $W/lessons/00-start-here.ipynb ]]; then want=/user/x/notebooks/lessons/00-start-here.ipynb; else want=/user/x/tree/lessons; fi
got=$(curl -s -o /dev/null -w '%{redirect_url}' --max-time 10 "${auth[@]}" "$base/")
[[ $got == *"$want" ]] || fail "$base/ redirects to '$got', want $want"
curl -fsS -o /dev/null --max-time 10 "${auth[@]}" "$got" || fail "the landing page $got does not load"
ok "$base/ lands on $want"
curl -fsS --max-time 10 "${auth[@]}" "$base/api/kernelspecs" | grep -q '"gonb"' || fail "$base/api/kernelspecs does not list gonb"
# A session for the student's copy of the lesson, as opening it in the
# browser makes one: a gonb kernel working in the notebook's folder.
nbpath=lessons/${LESSON##*/}
read -r sid kid < <(curl -fsS --max-time 30 "${auth[@]}" -X POST \
  -d "{\"path\": \"$nbpath\", \"type\": \"notebook\", \"name\": \"\", \"kernel\": {\"name\": \"gonb\"}}" "$base/api/sessions" |
  /usr/bin/python3 -c 'import json, sys; m = json.load(sys.stdin); print(m["id"], m["kernel"]["id"])') && [[ -n ${kid:-} ]] ||
  fail "could not open a gonb session for $nbpath through $base/api/sessions"
# A cell through the kernel's websocket, as the browser sends it: it
# imports the library (through the kernelspec's go.work) and prints the
# kernel's working folder, which must be the notebook's, in the volume.
out=$(/usr/bin/python3 /dev/stdin "ws://127.0.0.1:8888/user/x/api/kernels/$kid/channels" student-token <<'PY'
import asyncio, json, sys, uuid
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

CELL = """import (
	"fmt"
	"os"

	"github.com/rlcontrol/rlcontrol/rl/system"
)

%%
wd, err := os.Getwd()
if err != nil {
	panic(err)
}
fmt.Printf("cwd=%s state=%d\\n", wd, system.NewPendulum().StateDim())
"""

async def main(url, token):
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": "token " + token}))
    mid = uuid.uuid4().hex
    await ws.write_message(json.dumps({
        "header": {"msg_id": mid, "msg_type": "execute_request", "username": "x",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": CELL, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
    out, reply, idle = [], None, False
    while reply is None or not idle:
        raw = await asyncio.wait_for(ws.read_message(), 240)
        if raw is None:
            sys.exit("websocket closed")
        if isinstance(raw, bytes):
            continue
        m = json.loads(raw)
        if m.get("parent_header", {}).get("msg_id") != mid:
            continue
        t, c = m["msg_type"], m["content"]
        if t == "stream":
            out.append(c["text"])
        elif t == "error":
            out.append("\n".join(c.get("traceback", [])))
        elif t == "execute_reply":
            reply = c["status"]
        elif t == "status" and c["execution_state"] == "idle":
            idle = True
    print("".join(out).strip())
    if reply != "ok":
        sys.exit(1)
    # Tab completion, which GoNB answers through gopls (it may take a few
    # tries while gopls loads the workspace).
    code = 'import "fmt"\n\n%%\nfmt.Prin'
    for _ in range(30):
        cid = uuid.uuid4().hex
        await ws.write_message(json.dumps({
            "header": {"msg_id": cid, "msg_type": "complete_request", "username": "x",
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "cursor_pos": len(code)}}))
        while True:
            m = json.loads(await asyncio.wait_for(ws.read_message(), 120))
            if m.get("parent_header", {}).get("msg_id") == cid and m["msg_type"] == "complete_reply":
                break
        if "Println" in m["content"].get("matches", []):
            print("completion: Println")
            return
        await asyncio.sleep(2)
    print("completion: no Println in %s" % m["content"].get("matches"))
    sys.exit(1)

asyncio.run(main(*sys.argv[1:3]))
PY
) || { echo "$out" >&2; tail -20 /tmp/su.log >&2; fail "a Go cell through $base/api/kernels/$kid/channels failed"; }
[[ $out == "cwd=$W/lessons state=2"$'\n'"completion: Println" ]] ||
  fail "the Go cell and Tab completion gave '$out', want 'cwd=$W/lessons state=2' and 'completion: Println'"
[[ -n $(gopls_pids) ]] || fail "Tab completion answered but no gopls runs"
curl -fsS --max-time 30 "${auth[@]}" -X DELETE "$base/api/sessions/$sid" || fail "could not close session $sid"
for _ in $(seq 15); do [[ -n $(gopls_pids) ]] || break; sleep 1; done
ok "a gonb session for $nbpath (through $base/api/sessions) ran a cell over the kernel's websocket (library imported, working in $W/lessons) and completed fmt.Prin to Println (gopls running)"
grep -q 'POST /hub/api/users/x/activity' /tmp/hub.log || fail "the server sent no activity to the hub"
ok "activity reported to the hub API"
kill "$su"; wait "$su" 2>/dev/null || true
kill "$hub"; wait "$hub" 2>/dev/null || true

# A restart, as a new pod on the same volume: the container's own files
# (Jupyter's data folder) are fresh, the volume's are kept.
first=$W/lessons/${nbs[0]##*/}
second=$W/lessons/${nbs[1]##*/}
/usr/bin/python3 - "$first" <<'PY'
import sys, nbformat
from nbformat.sign import NotebookNotary
nb = nbformat.read(sys.argv[1], as_version=4)
nb.metadata["image_test"] = "edited"
for c in nb.cells:
    if c.cell_type == "code":
        c.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<b>saved output</b>"})]
        break
NotebookNotary().sign(nb)
nbformat.write(nb, sys.argv[1])
PY
rm "$second"
secret=$(sha256sum <"$W/.rlcontrol/trust/notebook_secret")
data=$(/usr/bin/python3 -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())')
[[ -L $data/notebook_secret && -L $data/nbsignatures.db ]] || fail "the trust secret and database in $data are not links into $W"
rm "$data/notebook_secret" "$data/nbsignatures.db"
out=$(kernel/singleuser.sh --version 2>&1) || { echo "$out" >&2; fail "kernel/singleuser.sh --version failed on restart"; }
[[ $out == *"copied 1 lesson(s)"*"${second##*/}"* && $out == *$'\n'3.* ]] || { echo "$out" >&2; fail "restart: want one lesson copied again and version 3.x"; }
[[ -e $second ]] || fail "restart: the deleted $second did not come back"
grep -q '"image_test": "edited"' "$first" || fail "restart: the student's edit of $first was overwritten"
[[ $(sha256sum <"$W/.rlcontrol/trust/notebook_secret") == "$secret" ]] || fail "restart: the trust secret changed"
/usr/bin/python3 - "$first" <<'PY' || fail "restart: the notebook signed before the restart is no longer trusted"
import sys, nbformat
from nbformat.sign import NotebookNotary
sys.exit(not NotebookNotary().check_signature(nbformat.read(sys.argv[1], as_version=4)))
PY
ok "restart: the edited copy kept, the deleted one copied again, the saved notebook still trusted"

# gopls off: the kernel's PATH (the kernelspec's, with the server's PATH
# as singleuser.sh leaves it) finds gonb, goimports and go, and no gopls.
if out=$(RLCONTROL_GOPLS=maybe kernel/singleuser.sh --version 2>&1); then fail "RLCONTROL_GOPLS=maybe was accepted"; fi
[[ $out == *"RLCONTROL_GOPLS must be on or off, got 'maybe'"* ]] || { echo "$out" >&2; fail "RLCONTROL_GOPLS=maybe: no clear error"; }
RLCONTROL_GOPLS=off kernel/singleuser.sh --version >/dev/null 2>&1 || fail "RLCONTROL_GOPLS=off kernel/singleuser.sh --version failed"
spath=
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do [[ -x $d/gopls ]] || spath=${spath:+$spath:}$d; done
kpath=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["env"]["PATH"])' "$data/kernels/gonb/kernel.json")
kpath=${kpath//'${PATH}'/$spath}
for t in gonb goimports go; do PATH=$kpath command -v "$t" >/dev/null || fail "RLCONTROL_GOPLS=off: the kernel's PATH ($kpath) lacks $t"; done
if PATH=$kpath command -v gopls >/dev/null; then fail "RLCONTROL_GOPLS=off: the kernel's PATH ($kpath) still finds gopls"; fi
ok "RLCONTROL_GOPLS=off: the kernel's PATH finds gonb, goimports and go but no gopls; RLCONTROL_GOPLS=maybe refused"

# The lesson from the student's copy, the kernel working outside the
# checkout, with gopls off: no gopls may start while it runs.
t0=$SECONDS
copy=$W/lessons/${LESSON##*/}
cp "$LESSON" "$copy"
before=$(gopls_pids)
PATH=$spath kernel/run-notebooks --quick --out "$W/x" "$copy" &
rn=$!
extra=
while kill -0 "$rn" 2>/dev/null; do
  [[ $(gopls_pids) == "$before" ]] || extra=1
  sleep 1
done
wait "$rn" || fail "$copy failed with no network (gopls off)"
[[ -z $extra ]] || fail "a gopls process started during $copy with RLCONTROL_GOPLS=off"
ok "$copy ran offline in quick mode (kernel in $W/x, gopls off, none started) in $((SECONDS - t0)) s"
EOF
# The stand-in for the hub's REST API (JupyterHub 3.0), as much of it as a
# single-user server uses: the version check at start (the server exits
# when the hub does not answer), GET /hub/api/user to identify a token
# (the user's token gets a user model whose scopes allow this server; any
# other token 403), and activity reports.
cat >"$work/fakehub.py" <<'EOF'
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, user, good = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Hub(BaseHTTPRequestHandler):
    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("X-JupyterHub-Version", "3.0.0")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.rstrip("/") == "/hub/api":
            return self.reply(200, {"version": "3.0.0"})
        if path == "/hub/api/user":
            if self.headers.get("Authorization", "") == "token " + good:
                return self.reply(200, {"kind": "user", "name": user, "admin": False, "groups": [],
                                        "scopes": ["access:servers!server=%s/" % user]})
            return self.reply(403, {"status": 403, "message": "unknown token"})
        self.reply(404, {"status": 404})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/hub/api/users/%s/activity" % user:
            return self.reply(200, {})
        self.reply(404, {"status": 404})

    def log_message(self, fmt, *args):
        sys.stderr.write("[fakehub] %s\n" % (fmt % args))


ThreadingHTTPServer(("127.0.0.1", port), Hub).serve_forever()
EOF
t0=$SECONDS
unshare -n bash -c 'ip link set lo up && exec buildah run --isolation chroot -v "$1:/tmp/checks.sh:ro" -v "$2:/tmp/fakehub.py:ro" "$0" -- bash /tmp/checks.sh' \
  "$ctr" "$work/checks.sh" "$work/fakehub.py" || die "container checks failed (output above)"
log "container checks passed in $((SECONDS - t0)) s"
log "image-test: all passed (build ${build_s} s, image $((size / 1000000)) MB)"
