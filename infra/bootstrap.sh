#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, idempotently.
#   infra/bootstrap.sh            -> Debian packages, .venv (app + dev), infra/node (s3rver)
#   infra/bootstrap.sh localstack -> also .venv-localstack (LocalStack 4.13.1, second S3/SQS backend)
# Each step is skipped when its stamp (hash of the lock file) matches, so a second run takes < 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
log() { printf '[bootstrap] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@";
  else log "need root (or sudo) to run: $*"; exit 1; fi
}

apt_missing=()
command -v redis-server >/dev/null || apt_missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_missing+=(postgresql)
dpkg -s libmagic1 >/dev/null 2>&1 || apt_missing+=(libmagic1)
command -v node >/dev/null || apt_missing+=(nodejs npm)
if [ "${WITH_BROWSER:-0}" = 1 ]; then  # the e2e test and the UI budget; the font draws emoji in screenshots
  command -v chromium >/dev/null || apt_missing+=(chromium)
  dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || apt_missing+=(fonts-noto-color-emoji)
  [ -x /usr/sbin/nginx ] || apt_missing+=(nginx)  # the HTTPS journey's proxy: own config, ports, process
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends --no-upgrade "${apt_missing[@]}" >/dev/null
fi

# pip prints a warning per package for the machine's optional local indexes; keep the log readable.
pip_quiet() { "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; }
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# App venv: the full lock first, then the project itself without dependencies.
lock_hash=$(sha256sum requirements.lock | cut -c1-16)
if ! stamp_ok .venv/.stamp "$lock_hash"; then
  log "installing requirements.lock into .venv"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  pip_quiet .venv/bin/python -m pip install -q -r requirements.lock
  echo "$lock_hash" > .venv/.stamp
fi
project_hash=$(cat pyproject.toml | sha256sum | cut -c1-16)
if ! stamp_ok .venv/.project-stamp "$project_hash"; then
  pip_quiet .venv/bin/python -m pip install -q --no-deps -e .
  echo "$project_hash" > .venv/.project-stamp
fi

# s3rver (the S3 server that keeps objects on disk).
node_hash=$(sha256sum infra/node/package-lock.json | cut -c1-16)
if ! stamp_ok infra/node/node_modules/.stamp "$node_hash"; then
  log "npm ci in infra/node (s3rver)"
  (cd infra/node && npm ci --silent --no-audit --no-fund)
  echo "$node_hash" > infra/node/node_modules/.stamp
fi

# The web UI's dependencies (its tests run from the test command, its build is served by the API).
if [ -f frontend/package-lock.json ]; then
  ui_hash=$(sha256sum frontend/package-lock.json | cut -c1-16)
  if ! stamp_ok frontend/node_modules/.stamp "$ui_hash"; then
    log "npm ci in frontend"
    (cd frontend && npm ci --silent --no-audit --no-fund)
    echo "$ui_hash" > frontend/node_modules/.stamp
  fi
fi

if [ "${1:-}" = localstack ]; then
  ls_hash=$(sha256sum infra/localstack/requirements.lock | cut -c1-16)
  if ! stamp_ok .venv-localstack/.stamp "$ls_hash"; then
    log "creating .venv-localstack (LocalStack 4.13.1)"
    [ -x .venv-localstack/bin/python ] || "$PY" -m venv .venv-localstack
    # requirements.lock = pip freeze of `pip install -c constraints.txt -r requirements.txt`.
    pip_quiet .venv-localstack/bin/python -m pip install -q -r infra/localstack/requirements.lock
    echo "$ls_hash" > .venv-localstack/.stamp
  fi
fi
log "ready"
