"""`python -m deeplens.entrypoints.openapi_export`: the API's OpenAPI document, as GET
/api/openapi.json serves it, written to frontend/openapi.json, from which the web UI's types are
generated (`cd frontend && npm run gen:api`). Built without settings, database or network.

    python -m deeplens.entrypoints.openapi_export            # write frontend/openapi.json
    python -m deeplens.entrypoints.openapi_export --check    # exit 1 when the file is stale
    python -m deeplens.entrypoints.openapi_export --out -    # print it

The text is stable: the app's own order (routes as the routers are included, each model's fields
as declared, the component schemas sorted by pydantic), two-space indent, one final newline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from deeplens.entrypoints.http.app import openapi_document

DEFAULT_OUT = Path(__file__).resolve().parents[3] / "frontend" / "openapi.json"


def openapi_text() -> str:
    """The document as checked in: UTF-8 JSON, two-space indent, newline-terminated."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deeplens.entrypoints.openapi_export", description=__doc__
    )
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="file to write; - for stdout")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out differs")
    args = parser.parse_args(argv)
    text = openapi_text()
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else None
        if current != text:
            sys.stderr.write(f"{out} is stale: run python -m deeplens.entrypoints.openapi_export\n")
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    sys.stderr.write(f"{out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
