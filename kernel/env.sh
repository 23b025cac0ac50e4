# kernel/env.sh — shared settings for the kernel scripts (sourced, not run).
# Debian's Python carries Jupyter; a pyenv python3 earlier on PATH does not.
JUPYTER_PY=${JUPYTER_PY:-/usr/bin/python3}
GOBIN_DIR=${GOBIN:-$(go env GOPATH)/bin}
export PATH="$GOBIN_DIR:$PATH"
