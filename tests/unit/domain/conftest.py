"""Domain test fixtures: the golden envelopes (tests/golden/goldens.py, loaded by its path)."""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

GOLDENS_FILE = Path(__file__).resolve().parents[2] / "golden" / "goldens.py"


def _load_goldens() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deeplens_test_goldens", GOLDENS_FILE)
    assert spec is not None and spec.loader is not None, GOLDENS_FILE
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


goldens = _load_goldens()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes `golden_name` runs once per golden envelope."""
    if "golden_name" in metafunc.fixturenames:
        metafunc.parametrize("golden_name", goldens.golden_names())


@pytest.fixture
def load_golden() -> Callable[[str], dict[str, Any]]:
    loader: Callable[[str], dict[str, Any]] = goldens.load_golden
    return loader


@pytest.fixture
def all_goldens() -> dict[str, dict[str, Any]]:
    loaded: dict[str, dict[str, Any]] = goldens.all_goldens()
    return loaded


@pytest.fixture
def golden_of_kind(all_goldens: dict[str, dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """A fresh copy of the first golden (by name) of an event kind."""

    def first(kind: str) -> dict[str, Any]:
        event = next(event for _, event in sorted(all_goldens.items()) if event["kind"] == kind)
        return copy.deepcopy(event)

    return first
