"""Where app passwords are kept: the system keyring (with a timeout) or an owner-only file.

The keyring must be a real secret store: keyring's ``fail`` and ``null`` backends (no D-Bus
under cron) and keyrings.alt's file backends (a file beside the config, not the platform's
secret store) are refused with a message naming the alternatives; talkctl never falls back to
plaintext silently. keyring has no timeout of its own, so every call runs with one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from talkctl.cache import account_key
from talkctl.errors import CredentialsError
from talkctl.files import write_private

KEYRING_SERVICE = "talkctl"
KEYRING_TIMEOUT_SECONDS = 10.0
STORE_KEYRING = "keyring"
STORE_FILE = "file"
STORES = (STORE_KEYRING, STORE_FILE)

# Backends that are not a secret store: (module, class name).
INSECURE_BACKENDS: dict[tuple[str, str], str] = {
    ("keyring.backends.fail", "Keyring"): "no keyring backend is available",
    ("keyring.backends.null", "Keyring"): "the keyring is disabled (null backend)",
    ("keyrings.alt.file", "PlaintextKeyring"): "keyrings.alt's PlaintextKeyring is a plain file",
    ("keyrings.alt.file", "EncryptedKeyring"): "keyrings.alt's EncryptedKeyring prompts for a "
    "password and cannot run unattended",
}
HEADLESS_ALTERNATIVES = (
    "set TALKCTL_APP_PASSWORD (or TALKCTL_APP_PASSWORD_FILE) together with TALKCTL_SERVER and "
    "TALKCTL_USER, or run 'talkctl auth login --store file' to keep the app password in a file "
    "only you can read"
)

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
        if isinstance(error[0], CredentialsError):
            raise error[0]
        raise CredentialsError(f"the system keyring failed ({what}): {error[0]}")
    return result[0]


# --- which keyring ---------------------------------------------------------------------------


def backend_name(backend: Any) -> str:
    """A backend's human name, e.g. ``SecretService Keyring``."""
    name = getattr(type(backend), "name", None)
    return name if isinstance(name, str) and name else type(backend).__name__


def insecure_reason(backend: Any) -> str | None:
    """Why ``backend`` is no secret store, or None when it is one."""
    cls = type(backend)
    reason = INSECURE_BACKENDS.get((cls.__module__, cls.__name__))
    if reason is not None:
        return reason
    try:
        priority = float(cls.priority)
    except Exception:  # a backend whose priority cannot be computed is not usable
        return f"the keyring backend {backend_name(backend)} is not available"
    if priority <= 0:
        return f"the keyring backend {backend_name(backend)} is not a secret store"
    return None


def _effective_backend(backend: Any) -> Any:
    """A ChainerBackend writes to the first chained backend that accepts: use that one."""
    cls = type(backend)
    if (cls.__module__, cls.__name__) == ("keyring.backends.chainer", "ChainerBackend"):
        chained = list(getattr(backend, "backends", []) or [])
        if not chained:
            import keyring.backends.fail

            return keyring.backends.fail.Keyring()  # type: ignore[no-untyped-call]
        return chained[0]
    return backend


def current_backend() -> Any:
    """The keyring backend keyring selects (PYTHON_KEYRING_BACKEND, keyringrc.cfg, priority)."""

    def load() -> Any:
        import keyring

        return _effective_backend(keyring.get_keyring())

    return with_timeout(load, KEYRING_TIMEOUT_SECONDS, "choosing a backend")


def secure_backend() -> Any:
    """The selected keyring backend; CredentialsError (exit 4) when it is no secret store."""
    backend = current_backend()
    reason = insecure_reason(backend)
    if reason is not None:
        raise CredentialsError(
            f"no secure place to store the app password: {reason}. Instead, "
            + HEADLESS_ALTERNATIVES
        )
    return backend


def keyring_get(server: str, user: str) -> str | None:
    backend = secure_backend()

    def lookup() -> str | None:
        value = backend.get_password(KEYRING_SERVICE, keyring_username(server, user))
        return value if isinstance(value, str) else None

    return with_timeout(lookup, KEYRING_TIMEOUT_SECONDS, "reading the app password")


def keyring_set(server: str, user: str, secret: str) -> None:
    backend = secure_backend()

    def store() -> None:
        backend.set_password(KEYRING_SERVICE, keyring_username(server, user), secret)

    with_timeout(store, KEYRING_TIMEOUT_SECONDS, "storing the app password")


def keyring_delete(server: str, user: str) -> bool:
    """Remove the entry; False when there was none."""
    backend = secure_backend()

    def remove() -> bool:
        from keyring.errors import PasswordDeleteError

        try:
            backend.delete_password(KEYRING_SERVICE, keyring_username(server, user))
        except PasswordDeleteError:
            return False
        return True

    return with_timeout(remove, KEYRING_TIMEOUT_SECONDS, "removing the app password")


# --- owner-only files ------------------------------------------------------------------------


def secret_file(config_dir: Path, server: str, user: str) -> Path:
    return config_dir / "secrets" / account_key(server, user)


def _readable_by_others(mode: int) -> bool:
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def read_secret_file(path: Path) -> str:
    """Read a secret from a file only its owner can read (refuse group/other access)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise CredentialsError(f"secret file {path} does not exist") from None
    if _readable_by_others(mode):
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


def refuse_shared_file(path: Path) -> None:
    """CredentialsError when ``path`` exists and others can read it."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if _readable_by_others(mode):
        raise CredentialsError(
            f"refusing to use the secret file {path}: others can read it "
            f"(mode {stat.S_IMODE(mode):o}); check it, then 'chmod 600 {path}' or remove it"
        )


def write_secret_file(path: Path, secret: str) -> None:
    """Write ``secret`` to ``path`` (0600, atomically); refuse a file others can read.

    A file that others could already read may have leaked whatever it held: the user must
    look at it (and fix its mode) rather than have talkctl quietly reuse it.
    """
    refuse_shared_file(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        write_private(path, secret + "\n")
    except OSError as exc:
        raise CredentialsError(f"cannot write secret file {path}: {exc}") from None


def delete_secret_file(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise CredentialsError(f"cannot remove secret file {path}: {exc}") from None
    return True


# --- one interface over both stores ----------------------------------------------------------


def store_secret(store: str, config_dir: Path, server: str, user: str, secret: str) -> str:
    """Keep ``secret``; returns where (for messages)."""
    if store == STORE_FILE:
        path = secret_file(config_dir, server, user)
        write_secret_file(path, secret)
        return f"file {path}"
    keyring_set(server, user, secret)
    return f"keyring ({backend_name(current_backend())})"


def load_secret(store: str, config_dir: Path, server: str, user: str) -> str | None:
    if store == STORE_FILE:
        path = secret_file(config_dir, server, user)
        if not path.exists():
            return None
        return read_secret_file(path)
    return keyring_get(server, user)


def delete_secret(store: str, config_dir: Path, server: str, user: str) -> bool:
    if store == STORE_FILE:
        return delete_secret_file(secret_file(config_dir, server, user))
    return keyring_delete(server, user)


def check_store(store: str) -> None:
    """Fail early (before any login) when ``store`` cannot keep a secret safely."""
    if store == STORE_KEYRING:
        secure_backend()


def forget_quietly(store: str, config_dir: Path, server: str, user: str) -> None:
    """Best-effort removal while undoing a half-finished login."""
    with contextlib.suppress(Exception):
        delete_secret(store, config_dir, server, user)
