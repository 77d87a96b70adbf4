"""A deadline that fires as the last byte of an answer comes does not turn the answer into a
timeout: a framed body (Content-Length, chunked) read without error is whole. Only a body
that runs until the connection closes is taken as cut off. The deadline is made to have
fired already, so nothing here depends on timing."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from talkctl.api.errors import TransportError
from talkctl.api.transport import deadline as deadline_module
from talkctl.api.transport.http import Transport

BODY = b'{"ocs":{"meta":{"status":"ok","statuscode":200,"message":"OK"},"data":[]}}'
FRAMINGS = {
    "content-length": b"Content-Length: %d\r\n\r\n" % len(BODY) + BODY,
    "chunked": b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % len(BODY) + BODY + b"\r\n0\r\n\r\n",
    "until-close": b"Connection: close\r\n\r\n" + BODY,
}


@contextlib.contextmanager
def one_answer(rest: bytes) -> Iterator[str]:
    """A server on 127.0.0.1 that answers one request with a 200 and ``rest``, then closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + rest)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        thread.join(10)
        listener.close()


@pytest.fixture
def fired_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request's deadline counts as fired (as if it fired right after the last byte)."""

    @contextlib.contextmanager
    def bounded(seconds: float) -> Iterator[Any]:
        yield deadline_module.Deadline(seconds, fired=True)

    monkeypatch.setattr(deadline_module, "bounded", bounded)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_whole_framed_answer_stands_when_the_deadline_fires_late(
    fired_at_once: None, framing: str
) -> None:
    with one_answer(FRAMINGS[framing]) as server:
        transport = Transport(server, "alice", "secret", timeout=5)
        assert transport.ocs("GET", "/ocs/v2.php/cloud/user").data == []


def test_an_answer_that_ends_with_the_connection_is_a_timeout_when_it_fires(
    fired_at_once: None,
) -> None:
    with one_answer(FRAMINGS["until-close"]) as server:
        transport = Transport(server, "alice", "secret", timeout=5)
        with pytest.raises(TransportError) as caught:
            transport.ocs("GET", "/ocs/v2.php/cloud/user")
    assert "within 5 s" in str(caught.value)


class Connection:
    """Stands for a pooled urllib3 connection: the watchdog only looks at its socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock


def shut(sock: socket.socket) -> bool:
    """Whether ``sock`` was shut down (a read ends at once instead of waiting for data)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False


@pytest.mark.parametrize("reused", [False, True], ids=["still-its-own", "reused-by-another"])
def test_a_deadline_shuts_only_the_connection_its_request_still_holds(reused: bool) -> None:
    """A request's deadline that fires after the pool gave its connection to the next
    request must not cut that request off; one that still holds its connection does."""
    watchdog = deadline_module.Watchdog()
    ours, peer = socket.socketpair()
    with ours, peer:
        conn = Connection(ours)
        first = deadline_module.Deadline(1000)
        watchdog.start_attempt(first, conn, fresh=True)
        if reused:  # the first answer was read whole; the pool hands the connection on
            watchdog.start_attempt(deadline_module.Deadline(5000), conn, fresh=False)
        with watchdog._cond:
            watchdog.fire_due(time.monotonic() + 1001)  # only the first one is due
        assert first.fired is not reused
        assert shut(ours) is not reused
