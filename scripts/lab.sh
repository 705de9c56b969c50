#!/usr/bin/env bash
# `make lab`: a demo sandbox in the background + JupyterLab on notebooks/ with the connection settings exported.
# Stopping JupyterLab (or Ctrl-C, or a kill of this script) stops the sandbox too; no orphan processes.
#
# Environment knobs: SANDBOX_PORT (default: a free port), SANDBOX_DATA (default .sandbox-data),
# LAB_PORT (default 8888), LAB_ARGS (extra JupyterLab arguments, e.g. --no-browser).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV_BIN="${VENV_BIN:-.venv/bin}"
DATA_DIR="${SANDBOX_DATA:-.sandbox-data}"
HOST=127.0.0.1

free_port() {
  "$VENV_BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

PORT="${SANDBOX_PORT:-$(free_port)}"
SANDBOX_PID=""
LAB_PID=""

stop_pid() {  # stop one process we started: TERM, wait up to 10 s, then KILL
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  trap - INT TERM EXIT
  stop_pid "$LAB_PID"
  stop_pid "$SANDBOX_PID"
  wait 2>/dev/null || true
  echo "lab: stopped JupyterLab and the sandbox"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$DATA_DIR"
echo "lab: starting the sandbox (demo data) on http://$HOST:$PORT, data in $DATA_DIR"
"$VENV_BIN/wallaroo-widgets" sandbox --demo --host "$HOST" --port "$PORT" --data-dir "$DATA_DIR" \
  >"$DATA_DIR/sandbox.log" 2>&1 &
SANDBOX_PID=$!

export WALLAROO_URL="http://$HOST:$PORT"
# Sandbox defaults (loopback only; see docs/architecture.md). Never a real instance's secrets.
export WALLAROO_USER="${WALLAROO_USER:-admin@wallaroo.local}"
export WALLAROO_PASSWORD="${WALLAROO_PASSWORD:-admin}"
export WALLAROO_CLIENT_SECRET="${WALLAROO_CLIENT_SECRET:-sandbox-secret}"
unset WALLAROO_TOKEN

# Wait until the sandbox answers HTTP (any status code counts), or give up if it died.
"$VENV_BIN/python" - "$WALLAROO_URL" "$SANDBOX_PID" <<'EOF'
import os, sys, time, urllib.error, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 120
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("lab: the sandbox exited during start-up; see its log")
    try:
        urllib.request.urlopen(url + "/", timeout=2)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.3)
sys.exit("lab: the sandbox did not answer within 120 s")
EOF
echo "lab: sandbox ready at $WALLAROO_URL (log: $DATA_DIR/sandbox.log)"

ROOT_ARGS=()
[ "$(id -u)" = "0" ] && ROOT_ARGS=(--allow-root)
# shellcheck disable=SC2086
"$VENV_BIN/jupyter" lab "${ROOT_ARGS[@]}" --ip="$HOST" --port="${LAB_PORT:-8888}" \
  --ServerApp.root_dir=notebooks --LabApp.default_url=/lab/tree/00_console.ipynb ${LAB_ARGS:-} &
LAB_PID=$!
wait "$LAB_PID" || true
