# kernel/env.sh — settings shared by the kernel scripts. Sourced, never run.
# Expects ROOT (the checkout) to be set by the caller.

# Jupyter lives in Debian's Python. A pyenv (or other) python3 earlier on PATH
# does not have it, so always call this one.
JUPYTER_PY=${JUPYTER_PY:-/usr/bin/python3}

# The Go tools pinned in go.mod (gonb, goimports) are installed here.
GOBIN_DIR=${GOBIN:-$(go env GOPATH)/bin}
export PATH="$GOBIN_DIR:$PATH"

# Where `gonb --install` writes the kernelspec (same rule as GoNB's, Linux).
JUPYTER_DATA=${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}
KERNEL_DIR="$JUPYTER_DATA/kernels/gonb"

# Debian packages the kernel needs (install-apt.sh installs them).
APT_PACKAGES=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)

# Stamp of the inputs of the Go half of the install: when it matches the one
# stored next to the kernelspec, install-go.sh has nothing to do.
install_stamp() {
  {
    go version
    echo "root=$ROOT gobin=$GOBIN_DIR"
    cat "$ROOT/go.mod" "$ROOT/go.sum" "$ROOT/kernel/install-go.sh" "$ROOT/kernel/kernelspec.sh"
  } | sha256sum | cut -d' ' -f1
}
