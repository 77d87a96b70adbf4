"""Where app passwords are kept: the system keyring (with a timeout) or an owner-only file.

The keyring must be a real secret store: keyring's ``fail`` and ``null`` backends (no D-Bus
under cron) and keyrings.alt's file backends (a file beside the config, not the platform's
secret store) are refused with a message naming the alternatives; talkctl never falls back to
plaintext silently. keyring has no timeout of its own, so every call runs with one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from talkctl.accounts.cache import account_key
from talkctl.errors import CredentialsError
from talkctl.files import make_private_dirs, write_private

if TYPE_CHECKING:
    from talkctl.accounts.config import Profile

KEYRING_SERVICE = "talkctl"
KEYRING_TIMEOUT_SECONDS = 10.0
STORE_KEYRING = "keyring"
STORE_FILE = "file"
STORES = (STORE_KEYRING, STORE_FILE)
MAX_SECRET_BYTES = 64 * 1024  # an app password is 72 characters; a secret file is never big

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


def keyring_username(server: str, user: str, slot_id: str | None = None) -> str:
    """The keyring entry: ``user@server``, with ``#ID`` for a profile's own slot."""
    base = f"{user}@{server.rstrip('/')}"
    return f"{base}#{slot_id}" if slot_id else base


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


def keyring_get(username: str) -> str | None:
    backend = secure_backend()

    def lookup() -> str | None:
        value = backend.get_password(KEYRING_SERVICE, username)
        return value if isinstance(value, str) else None

    return with_timeout(lookup, KEYRING_TIMEOUT_SECONDS, "reading the app password")


def keyring_set(username: str, secret: str) -> None:
    backend = secure_backend()

    def store() -> None:
        backend.set_password(KEYRING_SERVICE, username, secret)

    with_timeout(store, KEYRING_TIMEOUT_SECONDS, "storing the app password")


def keyring_delete(username: str) -> bool:
    """Remove the entry; False when there was none."""
    backend = secure_backend()

    def remove() -> bool:
        from keyring.errors import PasswordDeleteError

        try:
            backend.delete_password(KEYRING_SERVICE, username)
        except PasswordDeleteError:
            return False
        return True

    return with_timeout(remove, KEYRING_TIMEOUT_SECONDS, "removing the app password")


# --- owner-only files ------------------------------------------------------------------------


def secret_file(config_dir: Path, server: str, user: str, slot_id: str | None = None) -> Path:
    """``secrets/ACCOUNT``, or ``secrets/ACCOUNT.ID`` for a profile's own slot."""
    name = account_key(server, user)
    return config_dir / "secrets" / (f"{name}.{slot_id}" if slot_id else name)


def _readable_by_others(mode: int) -> bool:
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def read_secret_file(path: Path) -> str:
    """Read a secret from a regular file only its owner can read (refuse group/other access).

    Only a regular file is read: a FIFO or a device would block (or never end). The file is
    opened without blocking and checked on the open descriptor, so a swap between a check
    and the read changes nothing.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise CredentialsError(f"secret file {path} does not exist") from None
    except OSError as exc:
        raise CredentialsError(f"cannot read secret file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CredentialsError(f"secret file {path} is not a regular file")
        if _readable_by_others(info.st_mode):
            raise CredentialsError(
                f"secret file {path} is readable by others "
                f"(mode {stat.S_IMODE(info.st_mode):o}): run 'chmod 600 {path}'"
            )
        if info.st_uid != os.getuid():
            raise CredentialsError(f"secret file {path} belongs to another user")
        try:
            raw = handle.read(MAX_SECRET_BYTES + 1)
        except OSError as exc:
            raise CredentialsError(f"cannot read secret file {path}: {exc}") from None
    if len(raw) > MAX_SECRET_BYTES:
        raise CredentialsError(f"secret file {path} is too large for an app password")
    try:
        value = raw.decode("utf-8-sig").strip()  # a byte order mark is no part of it
    except UnicodeDecodeError:
        raise CredentialsError(f"secret file {path} is not UTF-8 text") from None
    if not value:
        raise CredentialsError(f"secret file {path} is empty")
    return value


def refuse_shared_file(path: Path) -> None:
    """CredentialsError when ``path`` exists and others can read it."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # nothing there (writing it says why)
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
    try:
        make_private_dirs(path.parent)
        write_private(path, secret + "\n")
    except OSError as exc:
        raise CredentialsError(f"cannot write secret file {path}: {exc}") from None


def delete_secret_file(path: Path) -> bool:
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise CredentialsError(f"cannot remove secret file {path}: {exc}") from None
    return True


# --- one interface over both stores ----------------------------------------------------------


@dataclass(frozen=True)
class SecretSlot:
    """Where one profile's app password lives: a keyring entry or a file.

    Each login gets a slot of its own (``slot_id``, kept in the profile): a new secret never
    overwrites the one a working profile uses, and two profiles of one account never share
    one. Profiles written before slots had ids (``slot_id`` None) keep their shared slot.
    """

    store: str
    server: str
    user: str
    slot_id: str | None = None

    def path(self, config_dir: Path) -> Path:
        return secret_file(config_dir, self.server, self.user, self.slot_id)

    @property
    def keyring_name(self) -> str:
        return keyring_username(self.server, self.user, self.slot_id)


def slot_of(profile: Profile) -> SecretSlot:
    return SecretSlot(profile.store, profile.server, profile.user, profile.secret_id)


def new_slot(store: str, server: str, user: str) -> SecretSlot:
    return SecretSlot(store, server, user, secrets.token_hex(8))


def store_secret(slot: SecretSlot, config_dir: Path, secret: str) -> str:
    """Keep ``secret``; returns where (for messages)."""
    if slot.store == STORE_FILE:
        path = slot.path(config_dir)
        write_secret_file(path, secret)
        return f"file {path}"
    keyring_set(slot.keyring_name, secret)
    return f"keyring ({backend_name(current_backend())})"


def load_secret(slot: SecretSlot, config_dir: Path) -> str | None:
    if slot.store == STORE_FILE:
        path = slot.path(config_dir)
        if not path.exists():
            return None
        return read_secret_file(path)
    return keyring_get(slot.keyring_name)


def delete_secret(slot: SecretSlot, config_dir: Path) -> bool:
    if slot.store == STORE_FILE:
        return delete_secret_file(slot.path(config_dir))
    return keyring_delete(slot.keyring_name)


def check_store(store: str) -> None:
    """Fail early (before any login) when ``store`` cannot keep a secret safely."""
    if store == STORE_KEYRING:
        secure_backend()


def forget_quietly(slot: SecretSlot, config_dir: Path) -> None:
    """Best-effort removal while undoing a half-finished login."""
    with contextlib.suppress(Exception):
        delete_secret(slot, config_dir)
