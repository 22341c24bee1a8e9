"""JSON Schema of envelope v1, for producers in other languages and for review.

`python -m deeplens.domain.schema_export docs/envelope-v1.schema.json` rewrites the checked-in
copy; a unit test fails when that copy and the models disagree.
"""

from __future__ import annotations

import json
from typing import Any

from deeplens.domain.envelope import EVENT_ADAPTER, EVENT_MODELS

SCHEMA_ID = "https://deeplens-connect.local/schemas/envelope-v1.schema.json"


def envelope_json_schema() -> dict[str, Any]:
    """The schema of one event. `v` and `kind` have defaults in Python but are required on the wire."""
    schema = EVENT_ADAPTER.json_schema(ref_template="#/$defs/{model}")
    for model in EVENT_MODELS:
        definition = schema["$defs"][model.__name__]
        definition["required"] = ["v", "kind", *definition.get("required", [])]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "DeepLens-Connect event envelope v1",
        "description": "One event per JSON object; a batch is gzip'd JSON lines of these.",
        **schema,
    }


def render_schema() -> str:
    return json.dumps(envelope_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m deeplens.domain.schema_export OUTPUT.json")
    Path(sys.argv[1]).write_text(render_schema(), encoding="utf-8")
