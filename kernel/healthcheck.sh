#!/usr/bin/env bash
# kernel/healthcheck.sh — exit 0 if the lab answers on 127.0.0.1:$PORT
# (default 8888). /api needs no token. The Dockerfile's HEALTHCHECK runs it;
# kernel/test-lab.sh checks it against a real server.
exec curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:${PORT:-8888}/api"
