"""Which node runs the stack's JavaScript servers (s3rver)."""

from __future__ import annotations

import shutil

from devstack.config import REPO_ROOT

# Installed by infra/bootstrap.sh only when the machine's Node is missing or too old for the UI.
PROJECT_NODE = REPO_ROOT / ".tools/node/bin/node"


def node_binary() -> str:
    """The project's own Node when bootstrap installed one, else the machine's `node` on PATH."""
    if PROJECT_NODE.exists():
        return str(PROJECT_NODE)
    return shutil.which("node") or "node"
