#!/usr/bin/env bash
# kernel/image-test.sh — build the kernel image from the Dockerfile as written,
# with Debian's podman and buildah (no Docker engine needed), and check the
# container: health check, token auth, a lesson with no network, as the
# non-root user. Run as root (`make image-test`):
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
#      ca-certificates install); it is not copied into the image. Prints
#      build time and image size.
#   4. In a buildah working container (`buildah run --isolation chroot`,
#      inside `unshare -n`: loopback only), as the image's user: the network
#      is really off, the image's HEALTHCHECK command fails with no server
#      and passes once kernel/lab.sh runs, /api/kernelspecs lists gonb with
#      the token and answers 403 without it, and lesson 01 runs in quick
#      mode through the GoNB kernel (kernel/run-notebooks) with GOPROXY=off.
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
size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE in ${build_s} s; size $((size / 1000000)) MB"

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
cd "$HOME/rlcontrol"
[[ $(id -u) != 0 ]] || fail "runs as root; the image should switch to the notebook user"
ok "user $(id -un) (uid $(id -u))"
# A TCP connection, not an HTTPS request: the image may not trust this
# network's certificate authorities, and a TLS failure is not "offline".
if timeout 5 bash -c 'exec 3<>/dev/tcp/proxy.golang.org/443' 2>/dev/null; then fail "proxy.golang.org:443 is reachable: the network is not off"; fi
ok "no network (proxy.golang.org:443 unreachable)"
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
t0=$SECONDS
kernel/run-notebooks --quick "$LESSON" || fail "$LESSON failed with no network"
ok "$LESSON ran offline in quick mode in $((SECONDS - t0)) s"
EOF
t0=$SECONDS
unshare -n bash -c 'ip link set lo up && exec buildah run --isolation chroot -v "$1:/tmp/checks.sh:ro" "$0" -- bash /tmp/checks.sh' \
  "$ctr" "$work/checks.sh" || die "container checks failed (output above)"
log "container checks passed in $((SECONDS - t0)) s"
log "image-test: all passed (build ${build_s} s, image $((size / 1000000)) MB)"
