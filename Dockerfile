# rlcontrol kernel image: Jupyter Notebook (Debian's) + GoNB + the rlcontrol
# Go library, every Go module baked in so the container runs offline.
#
#   docker build -t rlcontrol .
#   docker run --rm -p 8888:8888 rlcontrol      # then open the URL it prints
#
# It is also a JupyterHub single-user image (Debian's JupyterHub 3.0):
# command kernel/singleuser.sh, which copies the lessons into the student's
# volume and runs jupyterhub-singleuser (see kernel/hub/z2jh-values.yaml).
# Only the run-time Debian packages are in it: the test-only ones (chromium,
# the kernel test suite) are not.
#
# Each build step calls the kernel/ scripts that `make test` (CI) also runs.
# The Go patch release matches go.mod's `go` line, so no toolchain download.
FROM golang:1.26.8-bookworm

# 1. Debian packages, as root: the run-time set of kernel/env.sh (classic
#    Notebook, nbconvert, nbclient; APT_SET=runtime leaves out the test-only
#    chromium and kernel test suite, and stays set so that install.sh
#    --check in the container asks for no more), jupyterhub for
#    jupyterhub-singleuser, tini as PID 1, curl for the health check.
#    APT_CLEAN=1 drops the apt lists in this same layer.
ENV APT_SET=runtime
COPY kernel/env.sh kernel/install-apt.sh /opt/rlcontrol-apt/kernel/
RUN APT_CLEAN=1 /opt/rlcontrol-apt/kernel/install-apt.sh jupyterhub tini curl \
 && rm -rf /opt/rlcontrol-apt

# 2. The notebook user. Students' work stays out of root's reach.
RUN useradd --create-home --uid 1000 --shell /bin/bash student
USER student
ENV HOME=/home/student
WORKDIR /home/student/rlcontrol

# The Go proxy steps trust the certificate authorities of the machine that
# builds the image when the build mounts its bundle and names it, e.g.
#   -v /etc/ssl/certs:/run/host-certs:ro
#   --build-arg SSL_CERT_FILE=/run/host-certs/ca-certificates.crt
# (kernel/image-test.sh does). Nothing of it is stored in the image; unset,
# Go uses the image's own store.
ARG SSL_CERT_FILE

# 3. Go modules and tools first, from go.mod/go.sum alone (and
#    kernel/gopls's): this layer is rebuilt only when they change, so an
#    edit to a lesson or the library downloads no module again. Every module
#    (`go mod download all`), gonb and goimports from go.mod's pins, gopls
#    from kernel/gopls/go.mod's (tab completion and hover help).
COPY --chown=student:student go.mod go.sum ./
COPY --chown=student:student kernel/gopls/go.mod kernel/gopls/go.sum kernel/gopls/
RUN go mod download all \
 && GOBIN=/go/bin go install github.com/janpfeifer/gonb golang.org/x/tools/cmd/goimports \
 && cd kernel/gopls && GOBIN=/go/bin go install tool

# 4. The project, then the rest of the Go half of the install, offline
#    (GOPROXY=off proves step 3 fetched everything): the tools again (build
#    cache hits), a warm build cache, and the kernelspec with its go.work
#    pointing at this checkout.
COPY --chown=student:student . .
RUN GOPROXY=off SKIP_APT=1 kernel/install.sh

# 5. Run time: offline, listening on all interfaces inside the container,
#    token authentication on (kernel/lab.sh prints the URL with the token;
#    pass -e JUPYTER_TOKEN=... to choose it). Under JupyterHub,
#    jupyterhub-singleuser wraps classic Notebook (the image has no
#    jupyter_server; named so that one added later changes nothing).
ENV GOPROXY=off \
    GOTOOLCHAIN=local \
    HOST=0.0.0.0 \
    PORT=8888 \
    JUPYTERHUB_SINGLEUSER_APP=notebook.notebookapp.NotebookApp
WORKDIR /home/student/rlcontrol/notebooks
EXPOSE 8888
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["/home/student/rlcontrol/kernel/healthcheck.sh"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/home/student/rlcontrol/kernel/lab.sh"]
