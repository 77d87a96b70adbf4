"""A sandbox: the fake server set up for people (``talkctl sandbox``) and test suites
(``talkctl.testing``): users with app passwords, demo or empty data, optional state file.

Loopback only: the server binds 127.0.0.1 and there is no way to make it listen elsewhere,
because its throwaway credentials are printed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from .demo import add_users, seed_demo
from .persist import StateLock, check_writable, load_state_file, save_state_file
from .server import FakeTalkServer

LOOPBACK = "127.0.0.1"
DEFAULT_USERS = ("admin", "alice", "bob", "carol")
DATA_SETS = ("demo", "empty")
NULL_KEYRING = "keyring.backends.null.Keyring"
LOG_LIMIT = 1000  # requests a sandbox keeps in memory (the talk_server fixture keeps all)


class StateSaveError(OSError):
    """The state could not be saved when the sandbox stopped (its changes are lost)."""


@dataclass
class SandboxOptions:
    talk: str = "22"
    data: str = "demo"
    users: tuple[str, ...] = DEFAULT_USERS
    seed: int | None = None
    state_file: Path | None = None
    port: int = 0
    log_limit: int | None = LOG_LIMIT
    chat_history: int = 0  # messages of the main user's "Long chat" (0: no such conversation)


@dataclass
class Sandbox:
    """A configured fake server; ``start()``/``stop()`` or ``with Sandbox(...) as sandbox``."""

    options: SandboxOptions = field(default_factory=SandboxOptions)
    server: FakeTalkServer = field(init=False)
    credentials: dict[str, str] = field(init=False)  # user -> app password
    lock: StateLock | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        """The configured server; with a state file, that file locked (released by ``stop()``
        or ``release()``), checked to be writable and loaded when it exists. ValueError
        (StateFileError) or OSError when it cannot be used."""
        opts = self.options
        if opts.data not in DATA_SETS:
            raise ValueError(f"unknown data set {opts.data!r}; known: {', '.join(DATA_SETS)}")
        if not opts.users:
            raise ValueError("at least one user is needed")
        self.server = FakeTalkServer(
            talk=opts.talk,
            host=LOOPBACK,
            port=opts.port,
            seed=opts.seed,
            default_users=False,
            log_limit=opts.log_limit,
        )
        state_file = opts.state_file
        if state_file is not None:
            check_writable(state_file)
            self.lock = StateLock(state_file)
            try:
                if self._load(state_file):
                    return
            except BaseException:
                self.release()
                raise
        add_users(self.server, list(opts.users))
        if opts.data == "demo":
            seed_demo(self.server, self.user)
        if opts.chat_history:
            others = {u: 3 for u in list(self.server.state.users)[:3] if u != self.user}
            token = self.server.add_room(self.user, name="Long chat", participants=others)
            self.server.add_history(token, opts.chat_history)
        self.credentials = {u: self.server.new_app_password(u) for u in self.server.state.users}

    def _load(self, state_file: Path) -> bool:
        """Load the state file if there is one (True), with its users' credentials."""
        if not state_file.expanduser().exists():
            return False
        load_state_file(state_file, self.server.state)
        if self.user not in self.server.state.users:
            raise ValueError(f"user {self.user!r} is not in the state file {state_file}")
        self.credentials = self._known_credentials()
        return True

    def _known_credentials(self) -> dict[str, str]:
        """Each user's first app password of a loaded state (a new one if it has none)."""
        state = self.server.state
        found: dict[str, str] = {}
        for secret, user in state.app_passwords.items():
            found.setdefault(user, secret)
        return {u: found.get(u) or self.server.new_app_password(u) for u in state.users}

    @property
    def user(self) -> str:
        """The main user: the first of ``--users``."""
        return self.options.users[0]

    @property
    def app_password(self) -> str:
        return self.credentials[self.user]

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Sandbox:
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving; save the state when a state file was given (StateSaveError when
        that fails), and release it."""
        self.server.stop()
        try:
            if self.options.state_file is not None:
                save_state_file(self.server.state, self.options.state_file)
        except OSError as exc:
            raise StateSaveError(exc.errno, exc.strerror or str(exc)) from None
        finally:
            self.release()

    def release(self) -> None:
        """Let other sandboxes use the state file (``stop()`` does it)."""
        lock, self.lock = self.lock, None
        if lock is not None:
            lock.release()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def environment(self) -> dict[str, str]:
        """The variables that make talkctl use this sandbox as the main user."""
        return {
            "TALKCTL_SERVER": self.url,
            "TALKCTL_USER": self.user,
            "TALKCTL_APP_PASSWORD": self.app_password,
        }

    def export_lines(self) -> str:
        pairs = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.environment().items())
        return f"export {pairs}\n"

    def summary(self) -> dict[str, Any]:
        """``serve --json``: every user's app password, the main user's first."""
        return {
            "server": self.url,
            "user": self.user,
            "app_password": self.app_password,
            "users": dict(self.credentials),
        }


def talkctl_directory() -> Path | None:
    """The directory of the running ``talkctl`` (its venv's bin/, pipx's link, ...), else
    the one beside this Python when it holds a talkctl (pytest, python -m talkctl)."""
    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name.startswith("talkctl") and not argv0.endswith(".py"):
        found = argv0 if os.sep in argv0 else shutil.which(argv0)
        if found:
            return Path(found).absolute().parent
    beside_python = Path(sys.executable).parent
    return beside_python if (beside_python / "talkctl").exists() else None


def command_environment(
    base: Mapping[str, str], sandbox_env: Mapping[str, str], home: Path
) -> dict[str, str]:
    """The environment of a command run against a sandbox: its credentials, talkctl's config
    and cache in ``home``, keyring's null backend, this talkctl first on PATH, and none of
    the caller's TALKCTL_* settings (its profiles, cache and keyring are never touched)."""
    env = {k: v for k, v in base.items() if not k.startswith("TALKCTL_")}
    env.update(sandbox_env)
    env["TALKCTL_CONFIG_DIR"] = str(home / "config")
    env["TALKCTL_CACHE_DIR"] = str(home / "cache")
    env["PYTHON_KEYRING_BACKEND"] = NULL_KEYRING
    directory = talkctl_directory()
    if directory is not None:
        env["PATH"] = os.pathsep.join(filter(None, [str(directory), base.get("PATH", "")]))
    return env
