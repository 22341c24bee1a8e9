"""Shared wrapper for command-line entrypoints: known errors become one line and exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable

from deeplens.domain.errors import DeepLensError


def run_cli(main: Callable[[list[str]], int], argv: list[str] | None = None) -> int:
    try:
        return main(sys.argv[1:] if argv is None else argv)
    except DeepLensError as error:
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        return 2
