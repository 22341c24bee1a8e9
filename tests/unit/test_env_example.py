""".env.example documents every setting every deployable reads, and nothing else.

The readers: every settings class of `deeplens.settings` (one per deployable, composed from field
groups) and `ConnectorSettings`; devstack's own variables (`DEEPLENS_*`, `INGEST_*` read in
`infra/devstack/`) and the `DEEPLENS_*` variables of `infra/bootstrap.sh`. A variable counts as
documented by a line `NAME=value` or, for one without a value to set, `# NAME=example`.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections import defaultdict
from pathlib import Path

import deeplens.settings as function_settings
from deeplens_connector.settings import ConnectorSettings
from pydantic_settings import BaseSettings

REPO = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = REPO / ".env.example"
DEVSTACK = REPO / "infra" / "devstack"
BOOTSTRAP = REPO / "infra" / "bootstrap.sh"
_DOCUMENTED = re.compile(r"^#? ?([A-Z][A-Z0-9_]*[A-Z0-9])=", re.MULTILINE)
_DEVSTACK_NAME = re.compile(r"(?:DEEPLENS|INGEST)_[A-Z0-9_]*[A-Z0-9]")
_SHELL_NAME = re.compile(r"\$\{?(DEEPLENS_[A-Z0-9_]*[A-Z0-9])")


def settings_models() -> list[type[BaseSettings]]:
    """Every public settings class of the functions, and the connector's."""
    models: list[type[BaseSettings]] = [
        cls
        for name, cls in inspect.getmembers(function_settings, inspect.isclass)
        if issubclass(cls, BaseSettings)
        and cls.__module__ == function_settings.__name__
        and not name.startswith("_")
    ]
    return [*models, ConnectorSettings]


def env_name(model: type[BaseSettings], field: str) -> str:
    info = model.model_fields[field]
    alias = info.validation_alias or info.alias
    prefix = str(model.model_config.get("env_prefix") or "")
    return (alias if isinstance(alias, str) else prefix + field).upper()


def model_variables() -> dict[str, set[str]]:
    """Variable -> the settings classes that read it."""
    readers: dict[str, set[str]] = defaultdict(set)
    for model in settings_models():
        for field in model.model_fields:
            readers[env_name(model, field)].add(model.__name__)
    return readers


def devstack_variables() -> dict[str, set[str]]:
    """`DEEPLENS_*` / `INGEST_*` string constants in devstack's code (what it reads or hands on)
    and the `DEEPLENS_*` variables bootstrap.sh expands."""
    readers: dict[str, set[str]] = defaultdict(set)
    for path in sorted(DEVSTACK.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and _DEVSTACK_NAME.fullmatch(text):
                readers[text].add(f"devstack/{path.name}")
    for name in _SHELL_NAME.findall(BOOTSTRAP.read_text()):
        readers[name].add("infra/bootstrap.sh")
    return readers


def all_readers() -> dict[str, set[str]]:
    readers = model_variables()
    for name, where in devstack_variables().items():
        readers[name] |= where
    return readers


def documented() -> list[str]:
    return _DOCUMENTED.findall(ENV_EXAMPLE.read_text())


def test_models_and_devstack_are_found() -> None:
    names = {model.__name__ for model in settings_models()}
    assert {"ApiSettings", "IngestSettings", "WorkerSettings", "ConnectorSettings"} <= names
    assert {"DEEPLENS_DATA_DIR", "DEEPLENS_PARTS", "INGEST_MAX_RECEIVE_COUNT"} <= set(devstack_variables())
    assert len(documented()) > 40


def test_every_setting_is_documented_in_env_example() -> None:
    readers = all_readers()
    missing = sorted(set(readers) - set(documented()))
    assert not missing, "add to .env.example (default and meaning): " + "; ".join(
        f"{name} (read by {', '.join(sorted(readers[name]))})" for name in missing
    )


def test_env_example_names_no_variable_nothing_reads() -> None:
    unread = sorted(set(documented()) - set(all_readers()))
    assert not unread, f"no settings model or devstack reads these; remove them or add the setting: {unread}"


def test_each_variable_is_documented_once() -> None:
    names = documented()
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"documented more than once in .env.example: {twice}"
