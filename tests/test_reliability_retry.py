"""The retry machinery under the CLI: RetryPolicy, TalkRetry, the per-request routing, the
failure classification, against the fake server over real HTTP (no subprocess)."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from email.utils import formatdate
from http.client import RemoteDisconnected

import pytest
import requests
from reliability_support import SPREED, answer_lost
from urllib3 import HTTPConnectionPool
from urllib3.connection import HTTPConnection
from urllib3.exceptions import MaxRetryError, NameResolutionError, ProtocolError, ReadTimeoutError

from talkctl.api.client import TalkClient
from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError, TransportError
from talkctl.api.transport.failures import classify, describe_failure
from talkctl.api.transport.http import RepeatableRouter, Transport
from talkctl.api.transport.retry import RetryPolicy, retry_after_seconds
from talkctl.cli.errors import error_line
from talkctl.sandbox import FakeTalkServer

FAST = RetryPolicy(retries=2, backoff=0.001)


def transport(srv: FakeTalkServer, notices: list[str] | None = None, **kwargs: object) -> Transport:
    password = srv.new_app_password("alice")
    return Transport(
        srv.url,
        "alice",
        password,
        timeout=kwargs.pop("timeout", 5.0),  # type: ignore[arg-type]
        retry=kwargs.pop("retry", FAST),  # type: ignore[arg-type]
        notice=notices.append if notices is not None else None,
        **kwargs,  # type: ignore[arg-type]
    )


def count(srv: FakeTalkServer, method: str, path: str) -> int:
    return sum(1 for r in srv.requests if r.method == method and r.path == path)


# -- RetryPolicy -------------------------------------------------------------------------------
@pytest.mark.parametrize("number", [1, 2, 3, 4, 10])
def test_backoff_doubles_with_jitter_and_a_ceiling(number: int) -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=3.0)
    ceiling = min(3.0, 0.5 * 2 ** (number - 1))
    waits = {policy.backoff_for(number) for _ in range(50)}
    assert all(ceiling / 2 <= w <= ceiling for w in waits)
    assert len(waits) > 1  # jitter


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("-3", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_retry_after_parsing(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


def test_retry_after_http_date_in_the_future() -> None:
    seconds = retry_after_seconds(formatdate(time.time() + 30, usegmt=True))
    assert seconds is not None and 25 <= seconds <= 31


# -- per-request routing -----------------------------------------------------------------------
def test_both_adapters_share_one_connection_pool(fake_talk: FakeTalkServer) -> None:
    session = transport(fake_talk).session
    router = session.get_adapter(fake_talk.url)
    assert isinstance(router, RepeatableRouter)
    assert router.once.poolmanager is router.repeatable.poolmanager
    assert router.repeatable.max_retries.total == 2
    assert router.once.max_retries.read is False


def test_get_is_repeatable_by_default_post_is_not(fake_talk: FakeTalkServer) -> None:
    notices: list[str] = []
    t = transport(fake_talk, notices)
    fake_talk.inject("GET", "/cloud/user", drop=True)
    assert t.ocs("GET", "/ocs/v2.php/cloud/user").status == 200
    assert count(fake_talk, "GET", "/ocs/v2.php/cloud/user") == 2
    assert t.requests_sent == 2 and len(notices) == 1
    fake_talk.inject("POST", "/room", drop=True)
    with pytest.raises(TransportError) as info:
        t.ocs("POST", f"{SPREED}/room", data={"roomType": 2, "roomName": "x"})
    assert info.value.kind == "dropped"
    assert count(fake_talk, "POST", f"{SPREED}/room") == 1


def test_routing_is_per_request_under_concurrency(fake_talk: FakeTalkServer) -> None:
    """Threads sending repeatable and non-repeatable requests at once never mix policies."""
    t = transport(fake_talk, pool_size=16)
    tokens = [fake_talk.add_room(owner="alice", name=f"R{i}") for i in range(8)]
    for token in tokens:
        fake_talk.inject("PUT", f"/room/{token}", drop=True)
        fake_talk.inject("POST", f"/room/{token}/participants", drop=True)
    outcomes: dict[str, str] = {}

    def work(token: str) -> None:
        t.ocs("PUT", f"{SPREED}/room/{token}", data={"roomName": "n"}, repeatable=True)
        try:
            t.ocs("POST", f"{SPREED}/room/{token}/participants", data={"newParticipant": "bob"})
            outcomes[token] = "added"
        except TransportError:
            outcomes[token] = "dropped"

    threads = [threading.Thread(target=work, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcomes == dict.fromkeys(tokens, "dropped")
    for token in tokens:
        assert count(fake_talk, "PUT", f"{SPREED}/room/{token}") == 2
        assert count(fake_talk, "POST", f"{SPREED}/room/{token}/participants") == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 412, 500])
def test_client_errors_and_500_are_never_retried(fake_talk: FakeTalkServer, status: int) -> None:
    token = fake_talk.add_room(owner="alice", name="R")
    fake_talk.inject(
        "PUT", f"/room/{token}", times=5, status=status, body={"ocs": {"meta": {}, "data": []}}
    )
    with pytest.raises(ApiError) as info:
        transport(fake_talk).ocs(
            "PUT", f"{SPREED}/room/{token}", data={"roomName": "n"}, repeatable=True
        )
    assert info.value.status == status and info.value.attempts == 1
    assert count(fake_talk, "PUT", f"{SPREED}/room/{token}") == 1


def test_notice_announces_each_wait(fake_talk: FakeTalkServer) -> None:
    notices: list[str] = []
    fake_talk.inject(
        "GET",
        "/cloud/user",
        times=2,
        status=429,
        headers={"Retry-After": "0"},
        body={"ocs": {"meta": {}, "data": []}},
    )
    transport(fake_talk, notices).ocs("GET", "/ocs/v2.php/cloud/user")
    assert notices == [
        "HTTP 429: the server asks to wait 0 s, then retry 1 of 2",
        "HTTP 429: the server asks to wait 0 s, then retry 2 of 2",
    ]


def test_unreadable_retry_after_on_429_is_not_retried(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(
        "GET",
        "/cloud/user",
        status=429,
        headers={"Retry-After": "soon"},
        body={"ocs": {"meta": {}, "data": []}},
    )
    with pytest.raises(ApiError) as info:
        transport(fake_talk).ocs("GET", "/ocs/v2.php/cloud/user")
    assert info.value.reason == "bruteforce"
    assert count(fake_talk, "GET", "/ocs/v2.php/cloud/user") == 1


def test_api_delete_survives_a_lost_answer(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="alice", name="Doomed")
    api = ConversationsApi(TalkClient(transport(fake_talk)))
    with answer_lost(fake_talk, "DELETE", rf"/room/{token}$"):
        api.delete(token)
    assert not fake_talk.has_room(token)
    assert count(fake_talk, "DELETE", f"{SPREED}/room/{token}") == 2


def test_api_leave_is_not_repeated_after_a_lost_answer(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", name="Shared", participants={"alice": 3})
    api = ConversationsApi(TalkClient(transport(fake_talk)))
    with answer_lost(fake_talk, "DELETE", r"/participants/self$"), pytest.raises(TransportError):
        api.leave(token)
    assert count(fake_talk, "DELETE", f"{SPREED}/room/{token}/participants/self") == 1


# -- classification ----------------------------------------------------------------------------
# urllib3's errors name the pool (or connection) they came from; these are never connected
POOL = HTTPConnectionPool("h")


def wrapped(reason: Exception) -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(MaxRetryError(POOL, "/x", reason))


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (
            wrapped(
                NameResolutionError(
                    "h", HTTPConnection("h"), socket.gaierror(-2, "Name or service not known")
                )
            ),
            "dns",
        ),
        (wrapped(ConnectionRefusedError(111, "Connection refused")), "refused"),
        (wrapped(ReadTimeoutError(POOL, "/x", "Read timed out.")), "timeout"),
        (requests.exceptions.ReadTimeout("Read timed out"), "timeout"),
        (wrapped(ProtocolError("Connection aborted.", RemoteDisconnected("closed"))), "dropped"),
        (requests.exceptions.SSLError(ssl.SSLCertVerificationError(1, "verify failed")), "tls"),
        (
            OSError("Could not find a suitable TLS CA certificate bundle, invalid path: /x"),
            "ca-bundle",
        ),
        (requests.exceptions.ConnectionError("something else"), "connection"),
    ],
)
def test_failures_are_classified(exc: BaseException, kind: str) -> None:
    assert classify(exc) == kind
    error = describe_failure(exc, server="https://h", timeout=3, attempts=1, changed_maybe=False)
    assert error.kind == kind and "\n" not in str(error)


def test_a_timed_out_change_may_have_happened() -> None:
    exc = requests.exceptions.ReadTimeout("Read timed out")
    text = error_line(
        describe_failure(exc, server="https://h", timeout=3, attempts=1, changed_maybe=True)
    )
    assert "within 3 s" in text and "may have been made anyway" in text
