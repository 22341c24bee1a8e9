"""Golden envelopes: the contract, checked from both sides (ingest and connector tests).

Stdlib only, found by path, so any test tier can load it. Each file is one envelope v1 exactly as
`dump_event` writes it (every field present). They tell one story about one account:
- a direct chat with Anna (4915112345678@s.whatsapp.net, hidden identity 123456789012345@lid);
- the group 120363012345678901@g.us in the community 120363099999999999@g.us, with Bob;
- edits, reactions, receipts, votes and revokes that target the golden messages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).resolve().parent / "envelopes"


def golden_names() -> list[str]:
    """`<kind>[_<variant>]` of every golden file, sorted."""
    return sorted(path.stem for path in GOLDEN_DIR.glob("*.json"))


def load_golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data


def all_goldens() -> dict[str, dict[str, Any]]:
    return {name: load_golden(name) for name in golden_names()}
