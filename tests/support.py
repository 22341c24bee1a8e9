"""Helpers shared by tests (not fixtures)."""

from __future__ import annotations

from typing import Any

from deeplens.settings import load_settings


def settings_from(cls: type[Any], env: dict[str, str], **overrides: Any) -> Any:
    """Build a settings object from a stack env dict (as the process environment would)."""
    fields = {key.lower(): value for key, value in env.items() if key.lower() in cls.model_fields}
    return load_settings(cls, **{**fields, **overrides})
