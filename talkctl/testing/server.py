"""``TalkServer``: what the ``talk_server`` fixture yields (see ``talkctl.testing``)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from talkctl.sandbox import FakeTalkServer, RequestRecord
from talkctl.sandbox.service import (
    DEFAULT_USERS,
    Sandbox,
    SandboxOptions,
    command_environment,
    talkctl_directory,
)


class TalkServer:
    """A started sandbox with an environment to run talkctl or scripts against it."""

    def __init__(
        self,
        home: Path,
        *,
        talk: str = "22",
        data: str = "demo",
        users: Iterable[str] = DEFAULT_USERS,
        seed: int | None = None,
    ) -> None:
        options = SandboxOptions(
            talk=str(talk), data=data, users=tuple(users), seed=seed, log_limit=None
        )
        self.sandbox = Sandbox(options)
        self.home = home
        self.env: dict[str, str] = {}

    def __enter__(self) -> TalkServer:
        self.sandbox.start()
        self.env = command_environment(os.environ, self.sandbox.environment(), self.home)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.sandbox.stop()

    # -- connection ------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.sandbox.url

    @property
    def user(self) -> str:
        return self.sandbox.user

    @property
    def app_password(self) -> str:
        return self.sandbox.app_password

    @property
    def users(self) -> dict[str, str]:
        """Every user's app password."""
        return dict(self.sandbox.credentials)

    @property
    def fake(self) -> FakeTalkServer:
        return self.sandbox.server

    def env_for(self, user: str) -> dict[str, str]:
        """``env`` acting as another sandbox user."""
        return {**self.env, "TALKCTL_USER": user, "TALKCTL_APP_PASSWORD": self.users[user]}

    def run(
        self, *args: str, input: str | None = None, user: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``talkctl ARGS`` against the sandbox (stdout and stderr captured, as text)."""
        directory = talkctl_directory()
        program = str(directory / "talkctl") if directory is not None else "talkctl"
        return subprocess.run(
            [program, *args],
            env=self.env if user is None else self.env_for(user),
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            check=False,
        )

    # -- what the server saw -----------------------------------------------------------
    @property
    def requests(self) -> list[RequestRecord]:
        """The requests received so far (all of them, unlike a sandbox's bounded log):
        ``method``, ``path``, ``query``, ``form``, ``json``, ``user``, ``status``."""
        with self.fake._log_lock:
            return list(self.fake.requests)

    def conversations(self, user: str | None = None) -> list[dict[str, Any]]:
        """The conversations of ``user`` (default: the main user) as the server holds them:
        token, type, name, description, participants {id: type}, ..."""
        return self.fake.rooms_of(user or self.user)

    def conversation(self, name_or_token: str) -> dict[str, Any]:
        """One conversation by token or exact name (KeyError when there is none)."""
        with self.fake.state.lock:
            rooms = list(self.fake.state.rooms.values())
            for room in rooms:
                if name_or_token in (room.token, room.name):
                    return room.as_dict()
        raise KeyError(name_or_token)

    def participants(self, name_or_token: str) -> dict[str, int]:
        """{actor: participant type} of a conversation (1 owner, 2 moderator, 3 user, ...)."""
        participants: dict[str, int] = self.conversation(name_or_token)["participants"]
        return participants
