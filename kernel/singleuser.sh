#!/usr/bin/env bash
# kernel/singleuser.sh — start one student's JupyterHub single-user server
# in the kernel image: Debian's jupyterhub-singleuser (JupyterHub 3.0) around
# classic Notebook, with the GoNB kernel. The image's command under Zero to
# JupyterHub (kernel/hub/z2jh-values.yaml: singleuser.cmd) or any spawner
# that runs the image; the hub's spawner passes JUPYTERHUB_API_TOKEN,
# JUPYTERHUB_API_URL, JUPYTERHUB_SERVICE_PREFIX and the rest in the
# environment, and arguments after the script go to jupyterhub-singleuser.
#
#   kernel/singleuser.sh [jupyterhub-singleuser flags...]
#
# The student's persistent folder is RLCONTROL_WORK (default
# $HOME/work; the hub mounts the student's volume there). The checkout
# (library, lessons, the go.work the kernel compiles against) stays at
# /home/student/rlcontrol and the warm Go build cache in ~/.cache, outside
# the volume, so a volume never hides them. Before the server starts:
#   1. lessons: every notebooks/*.ipynb of the checkout that
#      $RLCONTROL_WORK/lessons does not have yet is copied there. A copy the
#      student has is never overwritten, so edits survive restarts and image
#      updates, and a lesson a newer image adds appears; delete a copy to get
#      a fresh one at the next start;
#   2. trust: Jupyter's notebook trust database and secret live in
#      $RLCONTROL_WORK/.rlcontrol/trust (a secret of the student's own,
#      made at the first start), linked from the Jupyter data folder, so
#      notebooks the student saved with outputs stay trusted across restarts;
#      then kernel/lab-setup signs the output-free lessons and hides Go's tab
#      markers, as for `make lab`;
#   3. gopls: RLCONTROL_GOPLS=off (default on) starts the gonb kernel with a
#      PATH that holds gonb, goimports and go but no gopls, so GoNB runs no
#      gopls: no Tab completion or hover help, and much less memory per
#      student (the one-machine hub measured about 0.7 GB); the kernelspec's
#      PATH is rewritten in the container, not in the image;
#   4. unless the spawner set them: JUPYTERHUB_ROOT_DIR (the folder the
#      Notebook serves) = $RLCONTROL_WORK, and JUPYTERHUB_DEFAULT_URL = the
#      landing notebook lessons/00-start-here.ipynb (lessons/ when the image
#      has no such notebook).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/kernel/env.sh"

log() { printf '[singleuser] %s\n' "$*"; }
die() { printf 'singleuser: %s\n' "$*" >&2; exit 1; }

WORK=${RLCONTROL_WORK:-$HOME/work}
[[ $WORK == /* ]] || die "RLCONTROL_WORK must be an absolute path, got '$WORK'"
LESSONS=$WORK/lessons
mkdir -p "$LESSONS" 2>/dev/null || die "cannot create $LESSONS as $(id -un) (uid $(id -u)): is the volume at $WORK writable by this user (fsGid)?"
[[ -w $LESSONS ]] || die "$LESSONS is not writable by $(id -un) (uid $(id -u)): check the volume's owner (fsGid)"

"$ROOT/kernel/install.sh" --check ||
  die "the GoNB kernel is not installed for $ROOT in this image (kernel/install.sh --check failed)"

# 1. Lessons.
new=()
for nb in "$ROOT"/notebooks/*.ipynb; do
  [[ -e $nb ]] || continue
  dst=$LESSONS/${nb##*/}
  [[ -e $dst ]] && continue
  cp "$nb" "$dst"
  new+=("${nb##*/}")
done
if ((${#new[@]})); then
  log "copied ${#new[@]} lesson(s) into $LESSONS: ${new[*]}"
else
  log "lessons in $LESSONS are the student's own; none copied"
fi

# 2. Trust, kept in the volume.
trust=$WORK/.rlcontrol/trust
mkdir -p "$trust"
chmod 700 "$WORK/.rlcontrol" "$trust"
if [[ ! -s $trust/notebook_secret ]]; then
  # The image's secret is the same for every student: make a fresh one (and
  # start a fresh database, whose signatures were made with the old one).
  (umask 077 && "$JUPYTER_PY" -c 'import os, base64; print(base64.b64encode(os.urandom(1024)).decode())' >"$trust/notebook_secret")
  rm -f "$trust/nbsignatures.db"
fi
mkdir -p "$JUPYTER_DATA"
for f in notebook_secret nbsignatures.db; do
  [[ -L $JUPYTER_DATA/$f ]] || rm -f "$JUPYTER_DATA/$f"
  ln -sfn "$trust/$f" "$JUPYTER_DATA/$f"
done
"$ROOT/kernel/lab-setup" "$LESSONS"

# 3. gopls on or off: the kernelspec's PATH starts with the folder of gonb,
# goimports and gopls ($GOBIN_DIR, kernel/kernelspec.sh), and the server's
# own PATH (the image's) holds that folder too.
bins=$GOBIN_DIR
case ${RLCONTROL_GOPLS:-on} in
  on) ;;
  off)
    bins=$HOME/.local/lib/rlcontrol/bin-without-gopls
    mkdir -p "$bins"
    for t in gonb goimports; do ln -sfn "$GOBIN_DIR/$t" "$bins/$t"; done
    kept=
    IFS=: read -ra dirs <<<"$PATH"
    for d in "${dirs[@]}"; do [[ -x $d/gopls ]] || kept=${kept:+$kept:}$d; done
    export PATH=$kept
    ;;
  *) die "RLCONTROL_GOPLS must be on or off, got '$RLCONTROL_GOPLS'" ;;
esac
"$JUPYTER_PY" - "$KERNEL_DIR/kernel.json" "$bins:$(go env GOROOT)/bin" <<'PY'
import json, sys
path, bins = sys.argv[1:3]
with open(path) as f:
    spec = json.load(f)
spec["env"]["PATH"] = bins + ":${PATH}"
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
PY
log "gopls ${RLCONTROL_GOPLS:-on} (kernel PATH starts $bins)"

# 4. Where the server starts.
if [[ -z ${JUPYTERHUB_ROOT_DIR:-} ]]; then
  export JUPYTERHUB_ROOT_DIR=$WORK
fi
if [[ -z ${JUPYTERHUB_DEFAULT_URL:-} ]]; then
  if [[ -e $LESSONS/00-start-here.ipynb ]]; then
    export JUPYTERHUB_DEFAULT_URL=/notebooks/lessons/00-start-here.ipynb
  else
    export JUPYTERHUB_DEFAULT_URL=/tree/lessons
  fi
fi
log "serving $JUPYTERHUB_ROOT_DIR, landing on $JUPYTERHUB_DEFAULT_URL; GoNB's log: $GONB_LOG"
cd "$WORK"
# -Xfrozen_modules=off: as in kernel/lab.sh, no "frozen modules" warning
# from ipykernel's debugger under Python 3.11.
exec "$JUPYTER_PY" -Xfrozen_modules=off -m jupyterhub.singleuser "$@"
