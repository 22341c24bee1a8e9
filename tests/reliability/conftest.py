"""The drills' workbench on the test stack (tests/conftest.py starts it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.lab import Lab


@pytest.fixture
def lab(stack_env: dict[str, str], template_database: str, tmp_path: Path) -> Iterator[Lab]:
    workbench = Lab(dict(stack_env), template_database, tmp_path)
    yield workbench
    workbench.close()
