"""The pytest plugin (entry point ``pytest11``): the ``talk_server`` fixture.

It imports pytest only; the sandbox is imported when a test asks for the fixture.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from talkctl.testing.server import TalkServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "talk_server(talk='22', data='demo', users=[...], seed=None): "
        "options of the talk_server fixture (talkctl.testing)",
    )


@pytest.fixture
def talk_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TalkServer]:
    """A started talkctl sandbox for this test; see ``talkctl.testing``."""
    from talkctl.testing.server import TalkServer

    marker = request.node.get_closest_marker("talk_server")
    options = dict(marker.kwargs) if marker is not None else {}
    options.setdefault("seed", zlib.crc32(request.node.nodeid.encode()))
    home = tmp_path_factory.mktemp("talkctl-home")
    with TalkServer(home, **options) as server:
        yield server
