"""--debug: every request and response logged, no secret ever; tracebacks only with --debug."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reliability_support import Account, make_account

from talkctl.cli.context import Environment, set_environment
from talkctl.cli.errors import report
from talkctl.errors import UsageError
from talkctl.exit_codes import ExitStatus
from talkctl.sandbox import FakeTalkServer

ROOM_PASSWORD = "Room-Pa55phrase-4711"


@pytest.fixture
def acct(fake_talk: FakeTalkServer, talkctl_home: Path) -> Account:
    return make_account(fake_talk, talkctl_home)


def test_debug_logs_requests_and_responses_with_secrets_redacted(acct: Account) -> None:
    acct.room("Team")
    result = acct("--debug", "room", "list")
    assert result.code == 0, result
    assert "Team" in result.stdout
    assert "> GET" not in result.stdout  # the log goes to stderr only
    log = result.stderr
    assert f"> GET {acct.srv.url}/ocs/v2.php/apps/spreed/api/v4/room" in log
    assert "< 200 GET" in log and " ms" in log
    assert ">   Authorization: Basic <redacted>\n" in log  # one header a line, like curl -v
    assert "<   Set-Cookie: <redacted>\n" in log
    assert "OCS-APIRequest" in log  # headers are there, only secrets are not


def test_debug_never_shows_the_session_cookie(acct: Account) -> None:
    acct.room("Team")
    result = acct("--debug", "room", "list")
    cookies = [r.headers.get("Cookie", "") for r in acct.srv.requests]
    session_ids = {c.split("=", 1)[1].split(";")[0] for c in cookies if "nc_session_id=" in c}
    assert session_ids  # the second request of the run sent the server's session cookie
    for session_id in session_ids:
        assert session_id not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("room", "password", "{t}", "--password-stdin"),
        ("room", "publish", "{t}", "--password-stdin"),
        ("room", "create", "Open house", "--type", "public", "--password-stdin"),
    ],
    ids=["password", "publish", "create"],
)
def test_room_password_never_appears_in_debug_output(acct: Account, args: tuple[str, ...]) -> None:
    token = acct.room("Town hall", type=3 if args[1] == "password" else 2)
    result = acct(
        "--debug", *(a.format(t=token) for a in args), "--json", input=ROOM_PASSWORD + "\n"
    )
    assert result.code == 0, result
    assert ROOM_PASSWORD not in result.stdout + result.stderr
    assert "'password': '<redacted>'" in result.stderr
    sent = [r for r in acct.srv.requests if r.form.get("password") == ROOM_PASSWORD]
    assert len(sent) == 1  # the server did get it


def test_debug_logs_retries(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", status=503, body={"ocs": {"meta": {}, "data": []}})
    result = acct("--debug", "room", "list")
    assert result.code == 0, result
    assert "retry 1 of 2" in result.stderr
    assert "2 attempts" in result.stderr


# -- tracebacks ------------------------------------------------------------------------------
def run_report(exc: BaseException, debug: bool) -> tuple[ExitStatus, str]:
    err = io.StringIO()
    env = Environment(stdout=io.StringIO(), stderr=err, stdin=io.StringIO(), env={})
    env.debug = debug
    set_environment(env)
    try:
        try:
            raise exc
        except BaseException as caught:
            status = report(caught)
    finally:
        set_environment(None)
    return status, err.getvalue()


def test_unexpected_error_is_one_line_without_debug() -> None:
    status, text = run_report(RuntimeError("boom"), debug=False)
    assert status == ExitStatus.ERROR
    assert "Traceback" not in text
    assert text.strip().splitlines() == [
        "talkctl: error: unexpected error: RuntimeError: boom (run with --debug for a traceback)"
    ]


def test_unexpected_error_shows_a_traceback_with_debug() -> None:
    status, text = run_report(RuntimeError("boom"), debug=True)
    assert status == ExitStatus.ERROR
    assert "Traceback (most recent call last)" in text
    assert text.strip().splitlines()[-1].startswith("talkctl: error: unexpected error")


def test_expected_errors_never_show_a_traceback() -> None:
    status, text = run_report(UsageError("bad\nthing"), debug=True)
    assert status == ExitStatus.USAGE
    assert "Traceback" not in text
    assert text == "talkctl: error: bad thing\n"
