"""Polls for display: the options of a poll message, and votes with every option named.

A live vote the connector could not match to its poll carries the options as WhatsApp sends them,
sha256(option name) in hex (envelope v1 allows it); the poll's own options name them here, whichever
of the two was archived first."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

_OPTION_HASH = re.compile(r"[0-9a-f]{64}")


def poll_options(content: Mapping[str, Any] | None) -> list[str]:
    """The option names of a poll message's raw content (pollCreationMessage, V2, V3, ...)."""
    if not isinstance(content, Mapping):
        return []
    for key, value in content.items():
        if key.startswith("pollCreationMessage") and isinstance(value, Mapping):
            options = value.get("options")
            if not isinstance(options, list):
                return []
            names = (o.get("optionName") if isinstance(o, Mapping) else None for o in options)
            return [name for name in names if isinstance(name, str)]
    return []


def named_options(selected: Sequence[str], options: Sequence[str]) -> list[str]:
    """The selected options, each hash replaced by the option it is the hash of (kept when none)."""
    by_hash = {hashlib.sha256(option.encode()).hexdigest(): option for option in options}
    return [by_hash.get(choice, choice) if _OPTION_HASH.fullmatch(choice) else choice for choice in selected]
