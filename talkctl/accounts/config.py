"""The config file: TOML profiles (server, user, where the secret is kept), never a secret.

Written atomically with mode 0600; keys talkctl does not know are kept as they were.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talkctl.errors import ConfigError
from talkctl.files import make_private_dirs, write_private

CONFIG_NAME = "config.toml"
LOCK_NAME = ".config.lock"
LOCK_WAIT_SECONDS = 30.0
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
SECRET_ID = re.compile(r"^[0-9a-f]{1,32}$")
KNOWN_STORES = ("keyring", "file")


def check_profile_name(name: str) -> str:
    """A profile name: letters, digits, ``. _ @ -``; UsageError otherwise."""
    if not PROFILE_NAME.match(name):
        from talkctl.errors import UsageError

        raise UsageError(
            f"invalid profile name {name!r}: use letters, digits, '.', '_', '@' or '-' "
            "(at most 64, starting with a letter or digit)"
        )
    return name


@dataclass
class Profile:
    name: str
    server: str
    user: str
    store: str = "keyring"
    ca_bundle: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    secret_id: str | None = None  # the profile's own secret slot (None: written before them)

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update({"server": self.server, "user": self.user, "store": self.store})
        if self.ca_bundle:
            data["ca_bundle"] = self.ca_bundle
        if self.secret_id:
            data["secret_id"] = self.secret_id
        return data


@dataclass
class Config:
    path: Path
    default: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def default_name(self) -> str | None:
        """The profile used without --profile: ``default``, or the only one there is."""
        if self.default is not None:
            return self.default if self.default in self.profiles else None
        return next(iter(self.profiles)) if len(self.profiles) == 1 else None

    def dangling_default(self) -> ConfigError | None:
        """The error when ``default`` names no profile while there are some (a config edited
        by hand): none is used then, and "run auth login" would not help."""
        if self.default is None or self.default in self.profiles or not self.profiles:
            return None
        return ConfigError(
            f"the default profile {self.default!r} is not in {self.path}: choose one with "
            f"'talkctl auth switch NAME' ({', '.join(sorted(self.profiles))}) or --profile"
        )

    def put(self, profile: Profile) -> None:
        """Add or replace a profile (by name)."""
        self.profiles[profile.name] = profile

    def remove(self, name: str) -> Profile | None:
        """Remove a profile; the default is cleared when it was the one removed."""
        removed = self.profiles.pop(name, None)
        if self.default == name:
            self.default = None
        return removed

    def profile(self, name: str | None) -> Profile | None:
        key = name or self.default
        if key is None:
            return next(iter(self.profiles.values())) if len(self.profiles) == 1 else None
        return self.profiles.get(key)

    def find(self, server: str, user: str | None) -> Profile | None:
        """The profile of ``server`` (normalized) and ``user``; a profile stored before
        addresses were normalized (``https://Cloud.example.com:443``) matches too."""
        for profile in self.profiles.values():
            if same_server(profile.server, server) and (user is None or profile.user == user):
                return profile
        return None

    def save(self) -> None:
        import tomli_w

        data: dict[str, Any] = {
            k: v for k, v in self.extra.items() if k not in ("default", "profiles")
        }
        if self.default:
            data["default"] = self.default
        data["profiles"] = {name: p.to_toml() for name, p in self.profiles.items()}
        try:
            write_private(self.path, tomli_w.dumps(data))
        except OSError as exc:
            raise ConfigError(f"cannot write config {self.path}: {exc}") from None


def same_server(stored: str, server: str) -> bool:
    if stored == server:
        return True
    from talkctl.accounts.credentials import normalize_server
    from talkctl.errors import UsageError

    try:
        return normalize_server(stored) == normalize_server(server)
    except UsageError:  # an address with a login in it: never matched, never used
        return False


@contextlib.contextmanager
def locked_config(directory: Path) -> Iterator[Config]:
    """The config, read under an exclusive lock held until the block ends.

    Every read-modify-write of the config happens inside one: two ``auth login`` at once
    then both keep their profile (without it, the later write drops the earlier profile).
    """
    lock_path = directory / LOCK_NAME
    try:
        make_private_dirs(directory)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ConfigError(f"cannot lock config {lock_path}: {exc.strerror}") from None
    try:
        _lock(fd, lock_path)
        yield load_config(directory)
    finally:
        os.close(fd)  # releases the lock


def _lock(fd: int, path: Path) -> None:
    import fcntl

    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise ConfigError(
                    f"the config is locked by another talkctl for {LOCK_WAIT_SECONDS:g} s "
                    f"({path}): try again"
                ) from None
            time.sleep(0.02)


def load_config(directory: Path) -> Config:
    """Read the config; a missing file is an empty config, a corrupt one a ConfigError."""
    path = directory / CONFIG_NAME
    try:
        text = path.read_text("utf-8-sig")  # an editor's byte order mark is no TOML
    except FileNotFoundError:
        return Config(path=path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"corrupt config {path}: {exc} (fix or remove the file)") from None
    return _parse(path, data, text)


def line_of(text: str, table: str | None, key: str | None = None) -> int | None:
    """The line (1-based) of ``[table]`` or of ``key = ...`` in it (top level without table).

    tomllib reports positions only for syntax errors; a value of the wrong kind is located
    in the text so the user is told where to look.
    """
    header = re.compile(r"^\s*\[\s*" + (re.escape(table) if table else "") + r"\s*\]")
    key_line = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=") if key else None
    in_table = table is None
    found: int | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            if table is None:
                break  # top-level keys end at the first table
            in_table = bool(header.match(line))
            found = number if in_table else found
        elif in_table and key_line is not None and key_line.match(line):
            return number
    return found


def _parse(path: Path, data: dict[str, Any], text: str = "") -> Config:
    def corrupt(message: str, table: str | None, key: str | None = None) -> ConfigError:
        line = line_of(text, table, key)
        where = f"{path}:{line}" if line else str(path)
        return ConfigError(f"corrupt config {where}: {message} (fix or remove the file)")

    default = data.get("default")
    if default is not None and not isinstance(default, str):
        raise corrupt("'default' must be a profile name", None, "default")
    raw_profiles = data.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise corrupt("[profiles] must be a table", None, "profiles")
    profiles: dict[str, Profile] = {}
    for name, entry in raw_profiles.items():
        table = f"profiles.{name}"
        if not isinstance(entry, dict):
            raise corrupt(f"[{table}] must be a table", "profiles", name)
        server, user = entry.get("server"), entry.get("user")
        if not isinstance(server, str) or not isinstance(user, str):
            bad = "server" if not isinstance(server, str) else "user"
            raise corrupt(f"[{table}] needs 'server' and 'user' strings", table, bad)
        store = entry.get("store", "keyring")
        if store not in KNOWN_STORES:
            raise corrupt(
                f"[{table}] 'store' must be {' or '.join(repr(s) for s in KNOWN_STORES)}, "
                f"not {store!r}",
                table,
                "store",
            )
        ca_bundle = entry.get("ca_bundle")
        if ca_bundle is not None and not isinstance(ca_bundle, str):
            # ignored, certificates would be checked against other CAs than the user chose
            raise corrupt(f"[{table}] 'ca_bundle' must be a file path", table, "ca_bundle")
        secret_id = entry.get("secret_id")
        if secret_id is not None and not (
            isinstance(secret_id, str) and SECRET_ID.match(secret_id)
        ):
            raise corrupt(f"[{table}] 'secret_id' must be hexadecimal digits", table, "secret_id")
        known = ("server", "user", "store", "ca_bundle", "secret_id")
        profiles[name] = Profile(
            name=name,
            server=server,
            user=user,
            store=store,
            ca_bundle=ca_bundle,
            extra={k: v for k, v in entry.items() if k not in known},
            secret_id=secret_id,
        )
    extra = {k: v for k, v in data.items() if k not in ("default", "profiles")}
    return Config(path=path, default=default, profiles=profiles, extra=extra)
