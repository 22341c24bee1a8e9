"""The repository stands alone: no reference to design notes kept elsewhere, every relative link
in the docs resolves, and the README's Layout lists every service module."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_EXTERNAL_NOTE = re.compile(r"\b(DESIGN|NEONIZE|LOCAL_STACK|SEED|CONVENTIONS)(\.md\b| ?§)")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_TEXT = (".py", ".md", ".ts", ".tsx", ".mjs", ".sh", ".yaml", ".toml", ".sql", ".json", "Dockerfile")


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    paths = (REPO / line for line in listed.stdout.splitlines())
    return [path for path in paths if path.name.endswith(_TEXT) and path.is_file()]


def test_no_reference_points_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in tracked_files()
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if _EXTERNAL_NOTE.search(line)
    ]
    assert not found, "point these into docs/ instead:\n" + "\n".join(found)


def test_relative_links_in_docs_resolve() -> None:
    pages = [REPO / "README.md", REPO / "connector" / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for target in _LINK.findall(page.read_text()):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            path = target.split("#", 1)[0]
            if path and not (page.parent / path).exists():
                broken.append(f"{page.relative_to(REPO)}: {target}")
    assert not broken, broken


def test_readme_layout_lists_every_service_module() -> None:
    layout = (REPO / "README.md").read_text().split("## Layout", 1)[1]
    modules = sorted(
        p.name for p in (REPO / "functions/deeplens/services").glob("*.py") if p.name != "__init__.py"
    )
    missing = [name for name in modules if f"| `{name}` |" not in layout]
    assert not missing, f"add to README's Layout (service modules): {missing}"
