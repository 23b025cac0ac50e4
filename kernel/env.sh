# kernel/env.sh — settings shared by the kernel scripts. Sourced, never run.
# Expects ROOT (the checkout) to be set by the caller.

# Jupyter lives in Debian's Python. A pyenv (or other) python3 earlier on PATH
# does not have it, so always call this one.
JUPYTER_PY=${JUPYTER_PY:-/usr/bin/python3}

# The Go tools pinned in go.mod (gonb, goimports) and kernel/gopls/go.mod
# (gopls) are installed here.
GOBIN_DIR=${GOBIN:-$(go env GOPATH)/bin}
export PATH="$GOBIN_DIR:$PATH"

# Where the kernelspec goes: Jupyter's own user data folder, as jupyter_core
# computes it (JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else
# ~/.local/share/jupyter). GoNB's --install knows only JUPYTER_DATA_DIR and
# ~/.local/share/jupyter, so JUPYTER_DATA_DIR is exported for it: the
# kernelspec lands where Jupyter looks, also when XDG_DATA_HOME is set.
# Before Debian's Jupyter is installed, jupyter_core's rule is applied by hand.
if ! JUPYTER_DATA=$("$JUPYTER_PY" -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())' 2>/dev/null); then
  JUPYTER_DATA=${JUPYTER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/jupyter}
fi
export JUPYTER_DATA_DIR=$JUPYTER_DATA
KERNEL_DIR="$JUPYTER_DATA/kernels/gonb"
# GoNB's own log, written by every kernel (kernel/kernelspec.sh sets it).
GONB_LOG="$KERNEL_DIR/gonb.log"

# Debian packages (install-apt.sh installs them; install.sh --check looks
# for each). Two sets:
#   APT_RUNTIME_PACKAGES  what the lab and the kernel need to run notebooks
#                         (the Docker image installs only these, plus
#                         jupyterhub, tini and curl named in the Dockerfile)
#   APT_TEST_PACKAGES     what only `make test` needs: the Jupyter kernel
#                         test suite (make kernel-test) and chromium, the
#                         browser `make browser-test` drives headless
#                         (chromedp starts it and downloads none), and
#                         fonts-liberation, the font the figures are
#                         measured in, so its screenshots show them as a
#                         student's browser does
# APT_PACKAGES is both. APT_SET picks the set the scripts install and
# require: "all" (default: make install, make test) or "runtime" (the
# image sets it in its environment, so install.sh --check in the container
# does not ask for chromium).
APT_RUNTIME_PACKAGES=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)
APT_TEST_PACKAGES=(python3-jupyter-kernel-test chromium fonts-liberation)
APT_PACKAGES=("${APT_RUNTIME_PACKAGES[@]}" "${APT_TEST_PACKAGES[@]}")
case ${APT_SET:-all} in
  all) APT_WANTED=("${APT_PACKAGES[@]}") ;;
  runtime) APT_WANTED=("${APT_RUNTIME_PACKAGES[@]}") ;;
  *) echo "kernel/env.sh: APT_SET must be 'all' or 'runtime', got '$APT_SET'" >&2; return 2 ;;
esac

# Stamp of the inputs of the Go half of the install: when it matches the one
# stored next to the kernelspec, install-go.sh has nothing to do.
install_stamp() {
  {
    go version
    echo "root=$ROOT gobin=$GOBIN_DIR"
    cat "$ROOT/go.mod" "$ROOT/go.sum" "$ROOT/kernel/gopls/go.mod" "$ROOT/kernel/gopls/go.sum" \
      "$ROOT/kernel/install-go.sh" "$ROOT/kernel/kernelspec.sh"
  } | sha256sum | cut -d' ' -f1
}

# Which gonb kernelspec Jupyter itself would start, and the checkout it is
# wired to: "DIR ROOT" (empty when Jupyter finds none, or is not installed).
resolved_gonb() {
  "$JUPYTER_PY" - 2>/dev/null <<'PY' || true
from jupyter_client.kernelspec import KernelSpecManager
spec = KernelSpecManager().get_kernel_spec("gonb")
work = [a.split("=", 1)[1] for a in spec.argv if a.startswith("-go_work=")]
print(spec.resource_dir, work[0] if work else "")
PY
}

# unreadable_folder DIR: prints the first folder from DIR up to / that users
# other than its owner may not read and enter (the class hub's students'
# kernels compile the checkout; /tmp's sticky 1777 counts as readable), and
# fails; prints nothing and succeeds when every one is open to them.
unreadable_folder() {
  local d=$1
  while [[ $d != / ]]; do
    (( (8#$(stat -c %a "$d") & 5) == 5 )) || { echo "$d"; return 1; }
    d=$(dirname "$d")
  done
}
