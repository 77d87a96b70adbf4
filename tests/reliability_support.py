"""Helpers for the reliability suite (tests/test_reliability_*.py).

``Account`` bundles a started fake server, alice's app password and a runner of the installed
talkctl with a tiny retry backoff (TALKCTL_RETRY_BACKOFF), so retries do not slow the suite.
``answer_lost`` is a fault the fake's ``inject()`` cannot script: the server HANDLES the
request and then drops the connection, so the change happened but its answer never arrives
(what a retried delete must survive). It patches the fake's handler for one server only.
"""

from __future__ import annotations

import base64
import contextlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clirunner import Result, TalkctlRunner

from talkctl.sandbox import FakeTalkServer
from talkctl.sandbox.handler import Handler

SPREED = "/ocs/v2.php/apps/spreed/api/v4"
FAST_BACKOFF = "0.01"


@dataclass
class Account:
    srv: FakeTalkServer
    run: TalkctlRunner
    password: str
    user: str = "alice"

    @property
    def secrets(self) -> list[str]:
        """Strings that must never appear in any output: the app password, raw and as the
        base64 of the Authorization header."""
        basic = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return [self.password, basic]

    def __call__(self, *args: str, **kwargs: Any) -> Result:
        result = self.run(*args, **kwargs)
        assert_no_secret(result, self.secrets)
        return result

    def room(self, name: str = "Team", **kwargs: Any) -> str:
        return self.srv.add_room(owner=self.user, name=name, **kwargs)

    def requests(self, method: str, path_re: str) -> list[Any]:
        """Logged requests with this method whose path matches ``path_re`` (a regex)."""
        pattern = re.compile(path_re)
        return [r for r in self.srv.requests if r.method == method and pattern.search(r.path)]

    def settle(self, expected: int, method: str, path_re: str, wait: float = 60.0) -> int:
        """Wait until the fake logged ``expected`` matching requests (delayed requests are
        logged when the server finishes them), then a little longer to catch extra ones."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and len(self.requests(method, path_re)) < expected:
            time.sleep(0.02)
        time.sleep(0.1)
        return len(self.requests(method, path_re))


def make_account(srv: FakeTalkServer, home: Path, **env: str) -> Account:
    password = srv.new_app_password("alice")
    runner = TalkctlRunner(
        home,
        server=srv.url,
        user="alice",
        app_password=password,
        extra_env={"TALKCTL_RETRY_BACKOFF": FAST_BACKOFF, **env},
    )
    return Account(srv, runner, password)


def warm_account(srv: FakeTalkServer, home: Path) -> Account:
    """alice's account with a conversation "Team", its capabilities cache warmed by one
    listing, and the fake's request log cleared: a test sees only its own requests."""
    account = make_account(srv, home)
    account.room("Team")
    assert account("room", "list").code == 0
    srv.clear_log()
    return account


def assert_no_secret(result: Result, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in result.stdout, "secret leaked to stdout"
        assert secret not in result.stderr, "secret leaked to stderr"


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("talkctl: error:")]


def one_error(result: Result) -> str:
    """The single error line (asserts there is exactly one and no traceback)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    return lines[0]


@contextlib.contextmanager
def answer_lost(srv: FakeTalkServer, method: str, path_re: str, times: int = 1) -> Iterator[None]:
    """The next ``times`` matching requests are handled, then their connection is dropped."""
    original = Handler._finish
    pattern = re.compile(path_re)
    left = [times]

    def finish(self: Handler, record: Any, response: Any) -> None:
        if (
            self.fake is srv
            and left[0] > 0
            and record.method == method
            and pattern.search(record.path)
        ):
            left[0] -= 1
            response.drop = True
        original(self, record, response)

    Handler._finish = finish  # type: ignore[method-assign]
    try:
        yield
    finally:
        Handler._finish = original  # type: ignore[method-assign]
