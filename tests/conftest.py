"""Shared pytest fixtures, and what keeps every test's answer the same on every run.

- Every fake server a test starts without an explicit ``seed`` draws its tokens, ids and
  passwords from a generator seeded from the test's node id (and ``--sandbox-seed``, default
  0): the same server state on every run, in any order, in any xdist worker. A failing test
  prints its seed; ``--sandbox-seed N`` runs the suite against other drawn values.
- Hypothesis runs derandomized (its examples follow from each test's source), without an
  example database.
"""

from __future__ import annotations

import signal
import zlib
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from clirunner import TalkctlRunner
from hypothesis import settings

from talkctl.sandbox import FakeTalkServer, seed_new_states
from talkctl.sandbox.state import seeded_states

settings.register_profile("talkctl-deterministic", derandomize=True, database=None)
settings.load_profile("talkctl-deterministic")

SEED_KEY = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sandbox-seed",
        type=int,
        default=0,
        help="vary the tokens, ids and passwords the fake servers draw (default 0)",
    )


def test_seed(config: pytest.Config, nodeid: str) -> int:
    """The seed of the fake servers of the test ``nodeid``."""
    base = int(config.getoption("--sandbox-seed"))
    return zlib.crc32(f"{base}:{nodeid}".encode())


test_seed.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def sandbox_seed(request: pytest.FixtureRequest) -> Iterator[int]:
    """Seeds every fake server this test creates without a seed of its own."""
    seed = test_seed(request.config, request.node.nodeid)
    seed_new_states(seed)
    yield seed
    if seeded_states():  # the report names the seed of tests that started a fake server
        request.node.stash[SEED_KEY] = seed
    seed_new_states(None)


def pytest_configure(config: pytest.Config) -> None:
    """Give talkctl children a SIGINT that works even when the suite was started with SIGINT
    ignored (``cmd &`` from a script, nohup, some CI runners): they inherit an ignored
    SIGINT, and the Ctrl-C tests would fail however long they wait."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])


def sigint_state() -> tuple[object, bool]:
    """(SIGINT handler, SIGINT blocked): what every talkctl child inherits."""
    return signal.getsignal(signal.SIGINT), signal.SIGINT in signal.pthread_sigmask(
        signal.SIG_BLOCK, []
    )


@pytest.fixture(autouse=True)
def sigint_guard() -> Iterator[None]:
    """A test that leaves SIGINT ignored or blocked in the test process fails: the talkctl
    processes of later tests would inherit that and never see a Ctrl-C test's SIGINT."""
    before = sigint_state()
    assert before == (signal.default_int_handler, False), f"SIGINT already changed: {before}"
    yield
    after = sigint_state()
    if after != before:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
        pytest.fail(f"this test left SIGINT changed: {after}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    seed = item.stash.get(SEED_KEY, None)
    if report.failed and seed is not None:
        base = item.config.getoption("--sandbox-seed")
        report.sections.append(
            (
                "fake server seed",
                f"the fake servers of this test were seeded with {seed} (from its node id and "
                f"--sandbox-seed={base}); replay: pytest '{item.nodeid}' --sandbox-seed={base}",
            )
        )


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
    """talkctl (in-process: see clirunner), logged in to ``fake_talk`` as admin through the
    environment."""
    return TalkctlRunner(
        talkctl_home,
        server=fake_talk.url,
        user="admin",
        app_password=fake_talk.new_app_password("admin"),
    )
