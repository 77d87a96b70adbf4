"""The linters and the type checker run as tests, so the one test command covers them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

CHECKS = {
    "ruff check": ["-m", "ruff", "check", "talkctl", "tests", "benchmarks"],
    "ruff format": ["-m", "ruff", "format", "--check", "talkctl", "tests", "benchmarks"],
    "mypy": ["-m", "mypy"],  # files and strictness come from pyproject.toml
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_clean(name: str) -> None:
    done = subprocess.run(
        [sys.executable, *CHECKS[name]],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}{done.stderr}"
