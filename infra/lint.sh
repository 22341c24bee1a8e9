#!/usr/bin/env bash
# Static checks: ruff (lint + format), mypy (strict, on the core and the stack tooling),
# the import-direction contracts, and cfn-lint (with the project's policy rules) on the SAM template.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
echo "[lint] ruff"
ruff check .  # one command per line: under set -e, a failure before && would not stop the script
ruff format --check .
echo "[lint] mypy"; mypy
echo "[lint] import contracts"; lint-imports
# the policy checks (infra/cfn-rules): buckets private + encrypted, no wildcard actions on data,
# log retention set, alarms present
echo "[lint] cfn-lint + policy checks"; cfn-lint --append-rules infra/cfn-rules -- template.yaml
