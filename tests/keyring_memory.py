"""A keyring backend for tests, registered through keyring's own mechanism.

Select it in a talkctl subprocess with ``PYTHON_KEYRING_BACKEND=keyring_memory.MemoryKeyring``
(``tests/`` on ``PYTHONPATH``). talkctl runs as a separate process per command, so the
"memory" is a JSON file named by ``TALKCTL_TEST_KEYRING_FILE`` (under the test's temp home):
fine for a test backend, never for real secrets.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

KEYRING_FILE_ENV = "TALKCTL_TEST_KEYRING_FILE"
BACKEND = "keyring_memory.MemoryKeyring"


def _path() -> Path:
    value = os.environ.get(KEYRING_FILE_ENV)
    if not value:
        raise RuntimeError(f"{KEYRING_FILE_ENV} is not set")
    return Path(value)


def read_entries(path: Path) -> dict[str, str]:
    """All entries (``service\\nusername`` -> secret) of a test keyring file."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    return {str(k): str(v) for k, v in data.items()}


def _write(path: Path, entries: dict[str, str]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries), "utf-8")
    os.replace(tmp, path)


class MemoryKeyring(KeyringBackend):
    """A secure-looking keyring (priority 1) kept in a JSON file for one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        # keyring's KeyringBackend.__init__ is unannotated (a super() call is not covered by
        # pyproject's untyped_calls_exclude = ["keyring"])
        super().__init__()  # type: ignore[no-untyped-call]

    def get_password(self, service: str, username: str) -> str | None:
        return read_entries(_path()).get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = read_entries(_path())
        entries[f"{service}\n{username}"] = password
        _write(_path(), entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = read_entries(_path())
        if entries.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError("no such password")
        _write(_path(), entries)


def subprocess_env(home: Path, backend: str = BACKEND) -> dict[str, str]:
    """Environment for a talkctl subprocess using ``backend`` (the memory one by default):
    ``tests/`` importable, fast login polling, never a browser."""
    tests_dir = str(Path(__file__).resolve().parent)
    python_path = os.environ.get("PYTHONPATH", "")
    return {
        "PYTHON_KEYRING_BACKEND": backend,
        KEYRING_FILE_ENV: str(home / "test-keyring.json"),
        "PYTHONPATH": tests_dir + (os.pathsep + python_path if python_path else ""),
        "TALKCTL_LOGIN_POLL_INTERVAL": "0.05",
        "TALKCTL_NO_BROWSER": "1",
    }
