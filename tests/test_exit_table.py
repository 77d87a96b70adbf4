"""The one HTTP status -> exit status table (talkctl.exit_codes.HTTP_EXIT, README "Exit codes").

405, 413 and 501 are answers that asking again cannot change: exit 6 and never retried, even
on a request that is safe to repeat and with a ``Retry-After``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reliability_support import SPREED

from talkctl.api.errors import ApiError
from talkctl.api.transport.http import Transport
from talkctl.api.transport.retry import RetryPolicy
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.exit_codes import EXIT_STATUS_HELP, ExitStatus, exit_for_http
from talkctl.sandbox import FakeTalkServer

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, ExitStatus.REJECTED),
        (401, ExitStatus.AUTH),
        (403, ExitStatus.FORBIDDEN),
        (404, ExitStatus.NOT_FOUND),
        (405, ExitStatus.REJECTED),
        (413, ExitStatus.REJECTED),
        (418, ExitStatus.REJECTED),
        (429, ExitStatus.UNAVAILABLE),
        (500, ExitStatus.UNAVAILABLE),
        (501, ExitStatus.REJECTED),
        (502, ExitStatus.UNAVAILABLE),
        (599, ExitStatus.UNAVAILABLE),
        (200, ExitStatus.ERROR),
    ],
)
def test_http_status_to_exit_status(status: int, code: ExitStatus) -> None:
    assert exit_for_http(status) == code


@pytest.mark.parametrize("status", [405, 413, 501])
def test_final_answers_are_exit_6_and_never_retried(fake_talk: FakeTalkServer, status: int) -> None:
    fake_talk.inject("GET", "/room", times=3, status=status, headers={"Retry-After": "0"})
    transport = Transport(
        fake_talk.url,
        "alice",
        fake_talk.new_app_password("alice"),
        timeout=5,
        retry=RetryPolicy(retries=2, backoff=0.001),
    )
    with pytest.raises(ApiError) as info:
        transport.ocs("GET", f"{SPREED}/room", repeatable=True)
    assert info.value.status == status
    assert exit_status_for(info.value) == ExitStatus.REJECTED
    assert f"HTTP {status}" in error_line(info.value)
    assert "attempts" not in error_line(info.value)
    assert fake_talk.count("GET", f"{SPREED}/room") == 1


def test_readme_and_help_name_the_final_answers_under_exit_6() -> None:
    row6 = re.search(r"^\| 6 \|(.*)$", README, re.M)
    row7 = re.search(r"^\| 7 \|(.*)$", README, re.M)
    assert row6 is not None and row7 is not None
    for status in ("405", "413", "501"):
        assert status in row6.group(1)
        assert status in EXIT_STATUS_HELP[ExitStatus.REJECTED]
    assert "but 501" in row7.group(1)
