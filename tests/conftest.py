"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer


# -- fake Nextcloud Talk server ------------------------------------------------------
@pytest.fixture
def fake_talk() -> Iterator[FakeTalkServer]:
    """A started fake Talk 22 server (users admin/alice/bob), stopped afterwards."""
    with FakeTalkServer(talk="22") as srv:
        yield srv


@pytest.fixture
def fake_talk_factory() -> Iterator[Callable[..., FakeTalkServer]]:
    """``fake_talk_factory(talk="11", **kwargs)`` -> started server; all stopped at teardown."""
    servers: list[FakeTalkServer] = []

    def make(talk: str = "22", **kwargs: object) -> FakeTalkServer:
        srv = FakeTalkServer(talk=talk, **kwargs)  # type: ignore[arg-type]
        servers.append(srv.start())
        return srv

    yield make
    for srv in servers:
        srv.stop()


# -- talkctl as admin on the fake server ------------------------------------------------
@pytest.fixture
def run(fake_talk: FakeTalkServer, talkctl_home: Path) -> TalkctlRunner:
    """The installed talkctl, logged in to ``fake_talk`` as admin through the environment."""
    return TalkctlRunner(
        talkctl_home,
        server=fake_talk.url,
        user="admin",
        app_password=fake_talk.new_app_password("admin"),
    )
