"""The connector's share of `deeplens` is an allow-list (#16 item 3): the domain, the generic S3, SQS
and Redis clients and the settings groups. import-linter has only deny-lists (forbidden, layers), so this
walks every import of connector/ with `ast`; pyproject's contract keeps forbidding the rest."""

from __future__ import annotations

import ast
from pathlib import Path

CONNECTOR = Path(__file__).resolve().parents[3] / "connector"
ALLOWED = (
    "deeplens.domain",
    # The infrastructure clients, each a factory plus a thin wrapper that translates driver errors
    # (S3: ObjectStore, SQS: Queue, Redis: Cache): shared so that TLS, credentials and retries are
    # set in one place. None of them knows the archive.
    "deeplens.adapters.cache",
    "deeplens.adapters.object_store",
    "deeplens.adapters.queue",
    "deeplens.settings",
)


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "deeplens":  # from deeplens import domain
                names.update(f"deeplens.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


def _allowed(name: str) -> bool:
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in ALLOWED)


def test_the_connector_imports_from_deeplens_only_what_it_is_allowed() -> None:
    outside = sorted(
        f"{path.relative_to(CONNECTOR)}: {name}"
        for path in CONNECTOR.rglob("*.py")
        for name in _imported(ast.parse(path.read_text(), str(path)))
        if (name == "deeplens" or name.startswith("deeplens.")) and not _allowed(name)
    )
    assert outside == [], f"allowed from deeplens: {', '.join(ALLOWED)}"


def test_the_walk_sees_a_forbidden_import() -> None:
    tree = ast.parse("from deeplens.adapters import archive_repo\nfrom deeplens import services\n")
    assert _imported(tree) == {"deeplens.adapters", "deeplens.services"}
    assert not any(_allowed(name) for name in _imported(tree))
