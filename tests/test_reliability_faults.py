"""Fault injection end to end: the installed talkctl against the fake server's scripted faults.

Each case asserts the exit code, the one-line message, how many requests actually reached
the server (no retry of creates, 401, 403, 404), and that the app password never shows.
"""

from __future__ import annotations

from email.utils import formatdate
from pathlib import Path

import pytest
from reliability_support import SPREED, Account, answer_lost, make_account, one_error, warm_account

from talkctl.sandbox import FakeTalkServer

LIST = rf"{SPREED}/room$"
CREATE = rf"{SPREED}/room$"


@pytest.fixture
def acct(fake_talk: FakeTalkServer, talkctl_home: Path) -> Account:
    return warm_account(fake_talk, talkctl_home)


def ocs_failure(status: int, message: str = "") -> dict[str, object]:
    return {
        "ocs": {"meta": {"status": "failure", "statuscode": status, "message": message}, "data": []}
    }


# -- retried: reads on 502/503/504, dropped connections, 429 with Retry-After ----------------
@pytest.mark.parametrize("status", [502, 503, 504])
def test_read_is_retried_on_gateway_errors(acct: Account, status: int) -> None:
    acct.srv.inject("GET", "/room?", status=status, body=ocs_failure(status))
    result = acct("room", "list")
    assert result.code == 0, result
    assert "Team" in result.stdout
    assert len(acct.requests("GET", LIST)) == 2
    assert f"HTTP {status}" in result.stderr and "retry 1 of 2" in result.stderr


def test_read_gives_up_after_retries_with_exit_7(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", times=5, status=503, body=ocs_failure(503))
    result = acct("--retries", "2", "room", "list")
    assert result.code == 7
    assert result.stdout == ""
    line = one_error(result)
    assert "HTTP 503" in line and "after 3 attempts" in line
    assert len(acct.requests("GET", LIST)) == 3


def test_retries_zero_sends_once(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", times=5, status=502, body=ocs_failure(502))
    result = acct("--retries", "0", "room", "list")
    assert result.code == 7
    assert "retry" not in result.stderr
    assert len(acct.requests("GET", LIST)) == 1


def test_retries_from_environment(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", times=5, status=502, body=ocs_failure(502))
    result = acct("room", "list", env={"TALKCTL_RETRIES": "1"})
    assert result.code == 7
    assert len(acct.requests("GET", LIST)) == 2


def test_proxy_html_error_page_is_unavailable_not_a_bug(acct: Account) -> None:
    acct.srv.inject(
        "GET",
        "/room?",
        times=3,
        status=502,
        body="<html><body>502 Bad Gateway</body></html>",
        headers={"Content-Type": "text/html"},
    )
    result = acct("room", "list")
    assert result.code == 7
    line = one_error(result)
    assert "bad gateway (HTTP 502)" in line and "HTML page" in line
    assert len(acct.requests("GET", LIST)) == 3


def test_dropped_connection_on_a_read_is_retried(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", drop=True)
    result = acct("room", "list")
    assert result.code == 0, result
    assert "dropped" in result.stderr
    assert len(acct.requests("GET", LIST)) == 2


def test_429_with_retry_after_seconds_waits_and_says_so(acct: Account) -> None:
    acct.srv.inject(
        "GET", "/room?", status=429, headers={"Retry-After": "1"}, body=ocs_failure(429)
    )
    result = acct("room", "list")
    assert result.code == 0, result
    assert "the server asks to wait 1 s" in result.stderr
    assert len(acct.requests("GET", LIST)) == 2


def test_429_with_retry_after_http_date(acct: Account) -> None:
    acct.srv.inject(
        "GET",
        "/room?",
        status=429,
        body=ocs_failure(429),
        headers={"Retry-After": formatdate(usegmt=True)},
    )
    result = acct("room", "list")
    assert result.code == 0, result
    assert "the server asks to wait" in result.stderr
    assert len(acct.requests("GET", LIST)) == 2


def test_429_with_retry_after_beyond_the_cap_is_not_waited_for(acct: Account) -> None:
    acct.srv.inject(
        "GET", "/room?", status=429, headers={"Retry-After": "3600"}, body=ocs_failure(429)
    )
    result = acct("room", "list")
    assert result.code == 7
    line = one_error(result)
    assert "asks to wait 3600 s" in line and "rate limited" in line
    assert len(acct.requests("GET", LIST)) == 1


# -- never retried ---------------------------------------------------------------------------
def test_429_without_retry_after_is_the_bruteforce_cap(acct: Account) -> None:
    acct.srv.inject(
        "GET",
        "/room?",
        status=429,
        body=ocs_failure(429, "Reached maximum delay"),
        headers={"X-Nextcloud-Bruteforce-Throttled": "25600ms"},
    )
    result = acct("room", "list")
    assert result.code == 7
    line = one_error(result)
    assert "this address is throttled" in line and "25600ms" in line
    assert len(acct.requests("GET", LIST)) == 1


def test_real_bruteforce_throttle_is_never_retried(acct: Account) -> None:
    token = acct.room("Other")
    assert acct("room", "list").code == 0  # the token is now in the cache
    acct.srv.bruteforce = True
    for _ in range(acct.srv.brute_force.limit):
        acct.srv.note_failure("127.0.0.1")
    acct.srv.clear_log()
    first = acct("room", "rename", token, "x")  # Nextcloud's first throttled answer: 500 HTML
    assert first.code == 7
    one_error(first)
    second = acct("room", "rename", token, "x")  # then 429 with the throttle header
    assert second.code == 7
    assert "throttled" in one_error(second)
    assert len(acct.requests("PUT", rf"/room/{token}$")) == 2


def test_maintenance_mode_is_explained_and_not_retried(acct: Account) -> None:
    acct.srv.inject(
        "GET",
        "/room?",
        times=3,
        status=503,
        body=ocs_failure(503, "Service unavailable"),
        headers={"X-Nextcloud-Maintenance-Mode": "1"},
    )
    result = acct("room", "list")
    assert result.code == 7
    assert "maintenance mode" in one_error(result)
    assert len(acct.requests("GET", LIST)) == 1


@pytest.mark.parametrize(("status", "code"), [(401, 4), (403, 5), (404, 3)])
def test_401_403_404_are_never_retried(acct: Account, status: int, code: int) -> None:
    room = acct.room("Target")
    assert acct("room", "list").code == 0
    acct.srv.clear_log()
    acct.srv.inject("PUT", f"/room/{room}", times=5, status=status, body=ocs_failure(status))
    result = acct("--retries", "5", "room", "rename", room, "New name")
    assert result.code == code, result
    one_error(result)
    assert len(acct.requests("PUT", rf"/room/{room}$")) == 1


def test_wrong_app_password_is_sent_once(fake_talk: FakeTalkServer, talkctl_home: Path) -> None:
    account = make_account(fake_talk, talkctl_home)
    account.password = "wrong-" + account.password
    account.run.env["TALKCTL_APP_PASSWORD"] = account.password
    result = account("--retries", "5", "room", "list")
    assert result.code == 4
    one_error(result)
    assert len(fake_talk.requests) == 1


def test_create_is_never_repeated_after_a_dropped_connection(acct: Account) -> None:
    acct.srv.inject("POST", "/room", drop=True)
    result = acct("--retries", "3", "room", "create", "Fresh")
    assert result.code == 7
    line = one_error(result)
    assert "closed the connection" in line and "may have been made anyway" in line
    assert len(acct.requests("POST", CREATE)) == 1
    assert not [r for r in acct.srv.rooms_of("alice") if r.get("name") == "Fresh"]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_create_is_never_repeated_on_gateway_errors(acct: Account, status: int) -> None:
    acct.srv.inject("POST", "/room", times=3, status=status, body=ocs_failure(status))
    result = acct("--retries", "3", "room", "create", "Fresh")
    assert result.code == 7
    one_error(result)
    assert len(acct.requests("POST", CREATE)) == 1


def test_create_is_never_repeated_on_429_with_retry_after(acct: Account) -> None:
    acct.srv.inject(
        "POST", "/room", status=429, headers={"Retry-After": "0"}, body=ocs_failure(429)
    )
    result = acct("room", "create", "Fresh")
    assert result.code == 7
    assert len(acct.requests("POST", CREATE)) == 1


def test_create_that_times_out_is_not_repeated(acct: Account) -> None:
    acct.srv.inject("POST", "/room", delay=0.6)
    result = acct("--timeout", "0.2", "room", "create", "Slow")
    assert result.code == 7
    line = one_error(result)
    assert "no answer" in line and "within 0.2 s" in line and "may have been made" in line
    assert acct.settle(1, "POST", CREATE) == 1


def test_leave_is_not_repeated(acct: Account) -> None:
    room = acct.room("Left")
    acct.srv.inject("DELETE", "/participants/self", drop=True)
    result = acct("room", "leave", room, "--yes")
    assert result.code == 7
    assert len(acct.requests("DELETE", r"/participants/self$")) == 1


# -- state-setting changes are retried ---------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "method", "suffix"),
    [
        (("rename", "{t}", "Renamed"), "PUT", ""),
        (("publish", "{t}"), "POST", "/public"),
        (("read-only", "{t}", "on"), "PUT", "/read-only"),
        (("favorite", "{t}"), "POST", "/favorite"),
        (("notify", "{t}", "mention"), "POST", "/notify"),
    ],
)
def test_state_setting_change_is_retried_after_a_drop(
    acct: Account, args: tuple[str, ...], method: str, suffix: str
) -> None:
    room = acct.room("Target")
    assert acct("room", "list").code == 0
    acct.srv.clear_log()
    acct.srv.inject(method, f"/room/{room}{suffix}", drop=True)
    result = acct("room", *(a.format(t=room) for a in args))
    assert result.code == 0, result
    assert len(acct.requests(method, rf"/room/{room}{suffix}$")) == 2


def test_retried_delete_that_answers_404_has_succeeded(acct: Account) -> None:
    room = acct.room("Doomed")
    assert acct("room", "list").code == 0
    acct.srv.clear_log()
    with answer_lost(acct.srv, "DELETE", rf"/room/{room}$"):
        result = acct("room", "delete", room, "--yes")
    assert result.code == 0, result
    assert "Deleted" in result.stderr
    assert [r.status for r in acct.requests("DELETE", rf"/room/{room}$")] == [200, 404]
    assert not acct.srv.has_room(room)


def test_delete_404_without_a_retry_is_not_found(acct: Account) -> None:
    room = acct.room("Doomed")
    assert acct("room", "list").code == 0
    acct.srv.inject("DELETE", f"/room/{room}", status=404, body=ocs_failure(404))
    result = acct("room", "delete", room, "--yes")
    assert result.code == 3
    one_error(result)


# -- answers that are not OCS JSON -------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        (
            {
                "status": 200,
                "body": "<!DOCTYPE html><html>Log in</html>",
                "headers": {"Content-Type": "text/html"},
            },
            "HTML page",
        ),
        (
            {
                "status": 200,
                "body": b'{"ocs": {"meta": {"status": "ok"',
                "headers": {"Content-Type": "application/json"},
            },
            "invalid or truncated JSON",
        ),
        ({"status": 200, "body": {"data": []}}, "without the OCS envelope"),
        (
            {"status": 200, "body": b"", "headers": {"Content-Type": "application/json"}},
            "empty answer",
        ),
    ],
    ids=["html", "truncated-json", "no-envelope", "empty"],
)
def test_not_ocs_json_exits_1_naming_the_url(
    acct: Account, kwargs: dict[str, object], fragment: str
) -> None:
    acct.srv.inject("GET", "/room?", **kwargs)  # type: ignore[arg-type]
    result = acct("room", "list")
    assert result.code == 1
    line = one_error(result)
    assert fragment in line
    assert f"{acct.srv.url}{SPREED}/room" in line
    assert len(acct.requests("GET", LIST)) == 1


def test_html_login_page_suggests_checking_the_address(acct: Account) -> None:
    acct.srv.inject(
        "GET",
        "/room?",
        status=200,
        body="<html>login</html>",
        headers={"Content-Type": "text/html"},
    )
    line = one_error(acct("room", "list"))
    assert "check the server address" in line


def test_outdated_client_426_names_the_minimum_version(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", status=426, body=ocs_failure(426, "17.1.0"))
    result = acct("room", "list")
    assert result.code == 6
    line = one_error(result)
    assert "outdated" in line and "17.1.0" in line
    assert len(acct.requests("GET", LIST)) == 1


def test_redirect_to_another_host_is_not_followed(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", status=302, headers={"Location": "https://elsewhere.invalid/"})
    result = acct("room", "list")
    assert result.code == 1
    line = one_error(result)
    assert "another address" in line and "elsewhere.invalid" in line
    assert "credentials are never sent" in line


def test_redirect_on_the_same_host_is_not_followed_either(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", status=301, headers={"Location": "/login"})
    result = acct("room", "list")
    assert result.code == 1
    assert "redirects to" in one_error(result)
    assert acct.srv.count("GET", "/login") == 0


# -- timeouts ----------------------------------------------------------------------------------
def test_read_timeout_exits_7_after_retries(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", times=2, delay=0.5)
    result = acct("--timeout", "0.2", "--retries", "1", "room", "list")
    assert result.code == 7
    line = one_error(result)
    assert "no answer" in line and "0.2 s" in line and "after 2 attempts" in line
    assert acct.settle(2, "GET", LIST) == 2


def test_timeout_from_environment(acct: Account) -> None:
    acct.srv.inject("GET", "/room?", delay=0.5)
    result = acct("--retries", "0", "room", "list", env={"TALKCTL_TIMEOUT": "0.2"})
    assert result.code == 7
    assert "0.2 s" in one_error(result)
