"""What deploys is what was tested: the Lambda requirements are the runtime lock's share, hashes
included; the connector image gets the runtime lock only; the .venv gets both locks. No network."""

from __future__ import annotations

import ast
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

from devstack import locks

ROOT = Path(__file__).resolve().parents[3]


def _pins(path: str) -> dict[str, locks.Pin]:
    return locks.parse_lock((ROOT / path).read_text())


def test_lambda_requirements_equal_the_runtime_locks_subset_and_the_locks_agree_with_pyproject() -> None:
    assert locks.problems(ROOT) == []  # regenerates functions/requirements.txt in memory


def test_every_lambda_pin_is_the_runtime_locks_own_line_with_its_hashes() -> None:
    runtime, functions = _pins(locks.RUNTIME_LOCK), _pins(locks.LAMBDA_REQUIREMENTS)
    assert set(functions) < set(runtime)
    for name, pin in functions.items():
        assert pin.lines == runtime[name].lines, name
        assert pin.hashed, name
    # The transitive pins that an unhashed top-level file let pip choose anew.
    assert functions["botocore"].version == runtime["boto3"].version
    assert {"s3transfer", "pydantic-core", "starlette", "psycopg-binary"} <= set(functions)
    # Connector-only and local-only packages stay out of the functions.
    assert not {"neonize", "protobuf", "segno", "python-magic", "uvicorn", "pillow"} & set(functions)


def test_the_runtime_lock_carries_no_dev_tool() -> None:
    runtime, dev = _pins(locks.RUNTIME_LOCK), _pins(locks.DEV_LOCK)
    assert not {"pytest", "mypy", "ruff", "moto", "cfn-lint", "sympy", "schemathesis", "uv"} & set(runtime)
    assert {"pytest", "mypy", "ruff", "moto", "cfn-lint", "uv"} <= set(dev)
    assert runtime["soupsieve"].version == "3.0.1"  # Debian 12's Python 3.11.2 (constraints.txt)
    # Python 3.11.2 needs what 3.11.7 does not: the universal resolution keeps it, with its marker.
    assert "python_full_version < '3.11.3'" in runtime["async-timeout"].lines[0]


def test_closure_follows_via_annotations_in_both_styles_and_keeps_markers() -> None:
    lock = """\
# header
a==1.0 \\
    --hash=sha256:aa
    # via proj (pyproject.toml)
b==2.0 ; python_full_version < '3.11.3' \\
    --hash=sha256:bb
    # via
    #   -c constraints.txt
    #   a
c==3.0 \\
    --hash=sha256:cc
    # via b
d==4.0 \\
    --hash=sha256:dd
    # via e
e==5.0 \\
    --hash=sha256:ee
    # via proj (pyproject.toml)
"""
    out = locks.lambda_requirements(lock, {"a"})
    body = [line for line in out.splitlines() if not line.startswith("#")]
    assert body == [
        "a==1.0 \\", "    --hash=sha256:aa",
        "b==2.0 ; python_full_version < '3.11.3' \\", "    --hash=sha256:bb",
        "c==3.0 \\", "    --hash=sha256:cc",
    ]  # fmt: skip


def _third_party_imports(path: Path) -> set[str]:
    """Top-level modules imported at run time (not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text())
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"__future__", "deeplens"}


def test_every_package_the_functions_import_is_in_the_lambda_requirements() -> None:
    functions = set(_pins(locks.LAMBDA_REQUIREMENTS))
    distributions = packages_distributions()
    missing = {}
    for path in (ROOT / "functions" / "deeplens").rglob("*.py"):
        if path.name == "local_api.py":  # the local server (uvicorn), never deployed to Lambda
            continue
        for module in _third_party_imports(path):
            names = {locks.normalize(name) for name in distributions.get(module, [module])}
            if not names & functions:
                missing[module] = path.relative_to(ROOT).as_posix()
    assert missing == {}


def test_the_connector_image_installs_the_runtime_lock_only_and_bootstrap_both() -> None:
    dockerfile = (ROOT / "connector" / "Dockerfile").read_text()
    assert f"pip install --no-cache-dir -r {locks.RUNTIME_LOCK}" in dockerfile
    assert "dev.lock" not in dockerfile and "requirements.lock" not in dockerfile
    bootstrap = (ROOT / "infra" / "bootstrap.sh").read_text()
    stamp = next(line for line in bootstrap.splitlines() if line.startswith("lock_stamp="))
    assert locks.RUNTIME_LOCK in stamp and locks.DEV_LOCK in stamp
    assert f"-r {locks.RUNTIME_LOCK} -r {locks.DEV_LOCK}" in bootstrap
