"""The web UI's types are generated from frontend/openapi.json (npm run gen:api; npm test checks the
.d.ts against it): that file must be what the API serves now. No database, no network."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

from deeplens.entrypoints import openapi_export
from deeplens.entrypoints.http.app import create_app, openapi_document
from deeplens.services.api import ApiDeps
from deeplens.settings import ApiSettings

ROOT = Path(__file__).resolve().parents[3]
CHECKED_IN = ROOT / "frontend" / "openapi.json"
STALE = "frontend/openapi.json is stale: run python -m deeplens.entrypoints.openapi_export"


def test_the_checked_in_document_equals_a_fresh_export() -> None:
    assert openapi_export.DEFAULT_OUT == CHECKED_IN
    assert CHECKED_IN.read_text(encoding="utf-8") == openapi_export.openapi_text(), STALE


def test_the_exported_document_is_the_one_the_app_serves() -> None:
    # Stand-in deps: building the app and its OpenAPI document does no I/O (the pool, cache and
    # store are first touched by a request).
    settings = ApiSettings(
        database_url="postgresql://u:p@127.0.0.1:5432/db", frontend_dir=ROOT / "no-such-dir"
    )
    none = cast(Any, None)
    deps = ApiDeps(settings=settings, pool=none, cache=none, media=none)
    assert create_app(deps).openapi() == openapi_document()


def test_every_operation_has_its_own_operation_id() -> None:
    """The generated `operations` are named by these: FastAPI's made-up ids (name_path_method)
    would change whenever a route moves."""
    ids = [
        operation["operationId"]
        for item in openapi_document()["paths"].values()
        for operation in item.values()
    ]
    assert len(ids) == len(set(ids))
    assert not [name for name in ids if re.search(r"_api_.*_(get|post|put|patch|delete)$", name)]


def test_check_fails_on_a_stale_file_and_passes_after_writing(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    assert openapi_export.main(["--check", "--out", str(out)]) == 1  # missing
    out.write_text("{}\n", encoding="utf-8")
    assert openapi_export.main(["--check", "--out", str(out)]) == 1
    assert openapi_export.main(["--out", str(out)]) == 0
    assert openapi_export.main(["--check", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.endswith("}\n") and json.loads(text)["info"]["title"] == "DeepLens-Connect API"


def test_every_operation_scoped_by_account_documents_what_the_scope_answers() -> None:
    """The `account` dependency answers 400 (several accounts, none given), 403 and 404 on every
    route that takes it; the document says so (the API fuzz test found an undocumented 400)."""
    document = openapi_document()
    scoped = [
        (method, path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p.get("name") == "account" for p in operation.get("parameters", []))
    ]
    assert len(scoped) >= 25  # every archive route; not /api/accounts, auth or health
    for method, path, operation in scoped:
        missing = {"400", "403", "404"} - set(operation["responses"])
        assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
