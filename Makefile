# rlcontrol — the two commands that matter:
#   make lab    start Jupyter Notebook with the GoNB kernel on notebooks/
#   make test   everything CI checks (what .ci/run runs)
#
# Variables: HOST, PORT (make lab), QUICK=1 (make notebooks: shortened
# lessons), NB="notebooks/01-....ipynb" (make notebooks: only these),
# CELL_TIMEOUT (seconds per cell, default 600).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

CELL_TIMEOUT ?= 600
QUICK ?=
NB ?=
RUNNER_FLAGS = --timeout=$(CELL_TIMEOUT) $(if $(filter-out 0,$(QUICK)),--quick)

# After `make install` every Go step runs offline: this proves that
# kernel/install.sh downloaded every module the code and notebooks need.
OFFLINE = GOPROXY=off GOTOOLCHAIN=local

.PHONY: help lab test install fmt-check vet go-test selftest lab-test kernel-test browser-test notebooks notebooks-quick notebooks-src notebooks-src-check sync bench figures results fuzz clean

help:
	@echo "make lab        start Jupyter Notebook on notebooks/ (HOST=$${HOST:-127.0.0.1} PORT=$${PORT:-8888})"
	@echo "make test       install, gofmt, go vet, go test, runner self-test, lab test, kernel test suite, class-hub smoke test, browser test, all notebooks (full, then quick), the image (root + podman)"
	@echo "make browser-test  every lesson in headless Chromium against the lab server (LESSONS=\"01 03\" to pick)"
	@echo "make kernel-test   the Jupyter kernel test suite against the gonb kernel (and once with gopls hidden: must fail)"
	@echo "make install    kernel/install.sh: Debian Jupyter, GoNB, Go modules, kernelspec (idempotent)"
	@echo "make notebooks  run notebooks/*.ipynb through GoNB (QUICK=1 for short runs, NB=... to pick)"
	@echo "make notebooks-src  rebuild notebooks/*.ipynb from notebooks/src/*.py"
	@echo "make sync NB=notebooks/NN-….ipynb  write an edit made in Jupyter back into notebooks/src (gofmt's its Go cells first)"
	@echo "make bench      go run ./cmd/bench"
	@echo "make fuzz       every fuzz target for FUZZTIME each (default 1m; go test replays their corpora)"
	@echo "make figures    export every inline figure of every lesson to figures/ (go run ./cmd/figures)"
	@echo "make results    recompute the lessons' stored full-run results in lessons/results (NAMES=... for some)"
	@echo "make clean      remove build/ and figures/"
	@echo "make hub        serve the lessons to a class: JupyterHub on this machine, one server per student (as root; kernel/hub/add-students NAME... makes accounts)"
	@echo "make hub-test   load test: STUDENTS=5 students log in through the hub and run lesson 01 (quick) at once; GOPLS=off, LESSON=..., prints memory, CPU, times, isolation"
	@echo "make image-test build the Dockerfile with podman (as root) and test the container offline (make test runs it when it can)"

lab:
	kernel/lab.sh $(if $(HOST),--host=$(HOST)) $(if $(PORT),--port=$(PORT))

# The one command CI runs. Steps run in this order, and the first failure stops it.
test:
	$(MAKE) --no-print-directory install
	$(MAKE) --no-print-directory fmt-check
	$(MAKE) --no-print-directory notebooks-src-check
	$(MAKE) --no-print-directory vet
	$(MAKE) --no-print-directory go-test
	$(MAKE) --no-print-directory selftest
	$(MAKE) --no-print-directory lab-test
	$(MAKE) --no-print-directory kernel-test
	$(MAKE) --no-print-directory hub-smoke
	$(MAKE) --no-print-directory browser-test
	$(MAKE) --no-print-directory notebooks QUICK=
	$(MAKE) --no-print-directory notebooks-quick
	$(MAKE) --no-print-directory image-test-if-podman
	@echo "make test: all passed"

install:
	kernel/install.sh

fmt-check:
	@files=$$(gofmt -l .); \
	if [[ -n $$files ]]; then echo "gofmt: these files need formatting (run gofmt -w):"; echo "$$files"; exit 1; fi; \
	echo "gofmt: ok"

vet:
	$(OFFLINE) go vet ./...

# The lessons package runs every lesson's scenarios (about 5 minutes on 2
# idle cores): more than go test's default 10-minute limit leaves on a
# busy machine, so the limit is raised; a hang still ends the run.
go-test:
	$(OFFLINE) go test -timeout 30m ./...

selftest:
	kernel/selftest.sh

lab-test:
	kernel/test-lab.sh

# The Jupyter kernel test suite against the gonb kernel, and once with gopls
# hidden, where it must fail (about 45 s).
kernel-test:
	kernel/kernel-test.sh

# cmd/browsertest: the lab server (kernel/lab.sh, quick mode) driven by
# Debian's chromium, headless. Self-checks first (a missing figure, a panic
# and a compile error must be caught, an interrupt must stop a cell, a live
# slider must redraw), then Run All on every lesson (or LESSONS="01 03";
# LESSONS=none for only the self-checks): no error output, the exact figure
# and live-panel counts of cmd/browsertest/expected.go, and a slider moved on
# lesson 01. Screenshots of failures go to build/browsertest/. About a minute
# of self-checks plus each lesson's quick run.
LESSONS ?=
browser-test:
	$(OFFLINE) go run ./cmd/browsertest $(LESSONS)

notebooks:
	kernel/run-notebooks $(RUNNER_FLAGS) $(NB)

# Lessons are written as notebooks/src/NN-*.py (markdown + Go cells as text);
# these rebuild the .ipynb files, or check that the committed ones match.
notebooks-src:
	kernel/build-notebooks

notebooks-src-check:
	kernel/build-notebooks --check

sync:
	@[[ -n "$(NB)" ]] || { echo "make sync: name the notebook, e.g. make sync NB=notebooks/01-ilqr-recap.ipynb" >&2; exit 2; }
	kernel/gofmt-cells --write $(NB)
	kernel/sync-notebook $(NB)

notebooks-quick:
	kernel/run-notebooks --timeout=$(CELL_TIMEOUT) --quick $(NB)

bench:
	go run ./cmd/bench

FUZZTIME ?= 1m
fuzz:
	kernel/fuzz.sh $(FUZZTIME)

figures:
	go run ./cmd/figures -out figures/

NAMES ?=
results:
	go run ./cmd/experiments results $(NAMES)

clean:
	rm -rf build/ figures/

# kernel/image-test.sh, as root: the Dockerfile built with Debian's podman
# (on a stand-in golang base assembled with debootstrap and the local Go,
# cached), then in the container, loopback only, as the notebook user: the
# HEALTHCHECK, the token on /api/kernelspecs, the JupyterHub single-user
# server, lesson 01 in quick mode. `make test` runs it last through
# image-test-if-podman: only as root with podman installed (about 2 minutes
# with the layer cache warm), else it prints why it is skipped.
.PHONY: image-test image-test-if-podman
image-test:
	kernel/image-test.sh

image-test-if-podman:
	@if [[ $$(id -u) != 0 ]]; then echo "image-test: skipped: not root (rootful podman; run: sudo make image-test)"; \
	elif ! command -v podman >/dev/null; then echo "image-test: skipped: podman is not installed (apt-get install podman buildah debootstrap, then make image-test)"; \
	else kernel/image-test.sh; fi

# The class hub (kernel/hub/): JupyterHub 3.0 on this machine, as root.
# hub: kernel/hub/hub.sh (sets up what is missing, then runs the hub).
# hub-test: the load test (kernel/hub/loadtest) with STUDENTS students at once.
# hub-smoke: what make test runs: the unit tests of the hub's configuration
# and scripts (kernel/hub/hub_test.py), then kernel/hub/smoke.sh (2 students,
# a small notebook, gopls off, no warm build cache, in a hub folder of its
# own: log-in, spawn, kernel and every isolation check). Skipped when not root.
STUDENTS ?= 5
GOPLS ?= on
LESSON ?= notebooks/01-ilqr-recap.ipynb
.PHONY: hub hub-test hub-smoke
hub:
	kernel/hub/hub.sh $(if $(HUB_HOST),--host=$(HUB_HOST)) $(if $(HUB_PORT),--port=$(HUB_PORT))

hub-test:
	kernel/hub/loadtest --students $(STUDENTS) --gopls $(GOPLS) --lesson $(LESSON)

hub-smoke:
	/usr/bin/python3 kernel/hub/hub_test.py
	@if [[ $$(id -u) != 0 ]]; then echo "hub-smoke: skipped: not root (the hub makes student accounts; run: sudo make hub-smoke)"; \
	else kernel/hub/smoke.sh; fi
