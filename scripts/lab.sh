#!/usr/bin/env bash
# `make lab`: a demo sandbox in the background + JupyterLab on notebooks/ with the sandbox's connection settings
# exported. When either process exits (JupyterLab stopped, the sandbox crashed), Ctrl-C, or a kill of this
# script, the other one is stopped too; no orphan processes (JupyterLab shuts its kernels down itself).
#
# Environment knobs: SANDBOX_PORT (default: a free port), SANDBOX_DATA (default .sandbox-data),
# SANDBOX_ADMIN_EMAIL / SANDBOX_ADMIN_PASSWORD / SANDBOX_CLIENT_SECRET (the sandbox's own credentials, default
# admin@wallaroo.local / admin / sandbox-secret; loopback only), LAB_PORT (default 8888), LAB_ARGS (extra
# JupyterLab arguments, e.g. --no-browser), LAB_STOP_GRACE (seconds JupyterLab gets to stop its kernels, 30).
#
# The kernels always get the *sandbox's* credentials: WALLAROO_* variables set for a real instance are
# overridden here (WALLAROO_TOKEN and WALLAROO_TOKEN_URL are unset), so the notebooks talk to this sandbox.
set -euo pipefail
set -m  # every background job in its own process group: signals reach a job's whole group, never this shell's
cd "$(dirname "$0")/.."

VENV_BIN="${VENV_BIN:-.venv/bin}"
DATA_DIR="${SANDBOX_DATA:-.sandbox-data}"
HOST=127.0.0.1
ADMIN_EMAIL="${SANDBOX_ADMIN_EMAIL:-admin@wallaroo.local}"
ADMIN_PASSWORD="${SANDBOX_ADMIN_PASSWORD:-admin}"
CLIENT_SECRET="${SANDBOX_CLIENT_SECRET:-sandbox-secret}"
GRACE="${LAB_STOP_GRACE:-30}"

free_port() {
  "$VENV_BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

PORT="${SANDBOX_PORT:-$(free_port)}"
SANDBOX_PID=""
LAB_PID=""

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

stop_job() {  # stop one job we started: TERM to its process group, wait up to $2 s, then KILL group + children
  local pid="$1" grace="$2" children
  alive "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 5))); do
    alive "$pid" || return 0
    sleep 0.2
  done
  echo "lab: process $pid did not stop within $grace s; killing it and its children" >&2
  children="$(ps -o pid= --ppid "$pid" 2>/dev/null || true)"  # kernels run in sessions of their own
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  for child in $children; do kill -KILL "$child" 2>/dev/null || true; done
}

cleanup() {
  local rc=$?
  trap - INT TERM EXIT
  stop_job "$LAB_PID" "$GRACE"
  stop_job "$SANDBOX_PID" 10
  wait 2>/dev/null || true
  echo "lab: stopped JupyterLab and the sandbox"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$DATA_DIR"
echo "lab: starting the sandbox (demo data) on http://$HOST:$PORT, data in $DATA_DIR"
# password and client secret through the environment: command lines are readable by every local user (ps)
SANDBOX_ADMIN_PASSWORD="$ADMIN_PASSWORD" SANDBOX_CLIENT_SECRET="$CLIENT_SECRET" \
  "$VENV_BIN/wallaroo-widgets" sandbox --demo --host "$HOST" --port "$PORT" --data-dir "$DATA_DIR" \
  --admin-email "$ADMIN_EMAIL" </dev/null >"$DATA_DIR/sandbox.log" 2>&1 &
SANDBOX_PID=$!

# The kernels get exactly the sandbox's credentials (never a real instance's leftovers).
export WALLAROO_URL="http://$HOST:$PORT"
export WALLAROO_USER="$ADMIN_EMAIL"
export WALLAROO_PASSWORD="$ADMIN_PASSWORD"
export WALLAROO_CLIENT_SECRET="$CLIENT_SECRET"
unset WALLAROO_TOKEN WALLAROO_TOKEN_URL

# Ready = our sandbox process is alive, says in its log that it holds the port, and the sandbox-specific
# /v1/api/config answers. Another server on the port makes our sandbox exit ("cannot bind"): reported, exit 1.
if ! "$VENV_BIN/python" - "$WALLAROO_URL" "$SANDBOX_PID" "$DATA_DIR/sandbox.log" "$PORT" <<'EOF'
import json, os, sys, time, urllib.request
url, pid, log, port = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def text():
    try:
        with open(log, errors="replace") as f:
            return f.read()
    except OSError:
        return ""

def tail():
    return "".join(text().splitlines(keepends=True)[-5:]).rstrip()

def alive():
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie (exited, not yet reaped by the script) counts as dead
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True

deadline = time.time() + 120
while time.time() < deadline:
    if not alive():
        sys.exit(f"lab: the sandbox exited during start-up (port {port} taken?):\n{tail()}")
    if f"sandbox on {url} " in text():  # printed once it holds the port
        try:
            with urllib.request.urlopen(url + "/v1/api/config", timeout=2) as r:
                body = json.load(r)
            if isinstance(body, dict) and "default_arch" in body and alive():
                sys.exit(0)
        except (OSError, ValueError):
            pass
    time.sleep(0.3)
sys.exit(f"lab: the sandbox did not answer within 120 s:\n{tail()}")
EOF
then
  exit 1
fi
echo "lab: sandbox ready at $WALLAROO_URL (log: $DATA_DIR/sandbox.log)"

# No "get notified about official Jupyter news?" pop-up: fetchNews "false" in the app's overrides.json (merged:
# other overrides stay; JupyterLab makes it the setting's default, so a user's own choice still wins).
"$VENV_BIN/python" - <<'EOF'
import json, pathlib
from jupyterlab.commands import get_app_dir
path = pathlib.Path(get_app_dir()) / "settings" / "overrides.json"
key = "@jupyterlab/apputils-extension:notification"
try:
    data = json.loads(path.read_text())
except FileNotFoundError:
    data = {}
except (OSError, ValueError) as exc:
    data = exc
if not isinstance(data, dict) or not isinstance(data.get(key, {}), dict):
    print(f"lab: {path} is not a JSON object of settings; left alone (the Jupyter news pop-up may show)")
elif data.get(key, {}).get("fetchNews") != "false":
    data[key] = {**data.get(key, {}), "fetchNews": "false"}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
EOF

ROOT_ARGS=()
[ "$(id -u)" = "0" ] && ROOT_ARGS=(--allow-root)
# shellcheck disable=SC2086
"$VENV_BIN/jupyter" lab "${ROOT_ARGS[@]}" --ip="$HOST" --port="${LAB_PORT:-8888}" \
  --ServerApp.root_dir=notebooks --LabApp.default_url=/lab/tree/00_console.ipynb ${LAB_ARGS:-} </dev/null &
LAB_PID=$!
set +m  # both jobs have their process groups; no job-control notices from here on

# Whichever exits first (JupyterLab stopped, or the sandbox died), the EXIT trap stops the other.
set +e
wait -n "$SANDBOX_PID" "$LAB_PID"
rc=$?
set -e
if ! alive "$SANDBOX_PID"; then
  echo "lab: the sandbox exited (status $rc); stopping JupyterLab. Log: $DATA_DIR/sandbox.log" >&2
  exit 1
fi
exit 0
