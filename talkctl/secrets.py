"""Where app passwords are kept: the system keyring (with a timeout) or an owner-only file."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from talkctl.cache import account_key
from talkctl.errors import CredentialsError

KEYRING_SERVICE = "talkctl"
KEYRING_TIMEOUT_SECONDS = 10.0

T = TypeVar("T")


def keyring_username(server: str, user: str) -> str:
    return f"{user}@{server.rstrip('/')}"


def with_timeout(fn: Callable[[], T], seconds: float, what: str) -> T:
    """Run a keyring call in a thread: keyring has no timeout and a locked store can hang."""
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise CredentialsError(
            f"the system keyring did not answer within {seconds:g} s ({what}); "
            "set TALKCTL_APP_PASSWORD or TALKCTL_APP_PASSWORD_FILE instead"
        )
    if error:
        raise CredentialsError(f"the system keyring failed ({what}): {error[0]}")
    return result[0]


def keyring_get(server: str, user: str) -> str | None:
    def lookup() -> str | None:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_username(server, user))

    return with_timeout(lookup, KEYRING_TIMEOUT_SECONDS, "reading the app password")


def secret_file(config_dir: Path, server: str, user: str) -> Path:
    return config_dir / "secrets" / account_key(server, user)


def read_secret_file(path: Path) -> str:
    """Read a secret from a file only its owner can read (refuse group/other access)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise CredentialsError(f"secret file {path} does not exist") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialsError(
            f"secret file {path} is readable by others (mode {stat.S_IMODE(mode):o}): "
            f"run 'chmod 600 {path}'"
        )
    if path.stat().st_uid != os.getuid():
        raise CredentialsError(f"secret file {path} belongs to another user")
    try:
        value = path.read_text("utf-8").strip()
    except OSError as exc:
        raise CredentialsError(f"cannot read secret file {path}: {exc}") from None
    if not value:
        raise CredentialsError(f"secret file {path} is empty")
    return value
