"""A deadline for each attempt of a request as a whole: connect, TLS, headers and body.

A socket timeout bounds one read: a server that sends one byte every half second never
trips it, and a request could last for ever. Here each attempt gets ``--timeout`` seconds in
all. Connections of talkctl's pools (``install``) report to a ``Deadlines`` watchdog when an
attempt starts; when its time is up the watchdog shuts the connection's socket down, which
ends whatever read is blocked on it, and marks the request as timed out so that the
transport reports a timeout (not a dropped connection). One daemon thread serves the process.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

RECHECK_SECONDS = 0.05  # when the time is up while the socket is still being opened


@dataclass(eq=False)
class Deadline:
    """The budget of one request (``seconds`` per attempt) and the state of its attempt."""

    seconds: float
    expires: float = 0.0
    conn: Any = None  # the connection of the current attempt
    fresh: bool = False  # the attempt opened this connection (its request() is the same one)
    fired: bool = False
    done: bool = False
    sequence: int = field(default=0)


class Watchdog:
    """One thread that shuts down the sockets of attempts past their deadline."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._counter = itertools.count()
        self._thread: threading.Thread | None = None

    def start_attempt(self, deadline: Deadline, conn: Any, fresh: bool) -> None:
        with self._cond:
            if deadline.done:
                return
            if not fresh and deadline.conn is conn and deadline.fresh:
                deadline.fresh = False  # the request on the connection this attempt opened
                return
            deadline.conn, deadline.fresh = conn, fresh
            conn.talkctl_deadline = deadline  # the connection serves this request now
            deadline.expires = time.monotonic() + deadline.seconds
            deadline.sequence = next(self._counter)
            heapq.heappush(self._heap, (deadline.expires, deadline.sequence, deadline))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="talkctl-deadlines", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def finish(self, deadline: Deadline) -> None:
        with self._cond:
            deadline.done = True

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                self.fire_due(now)
                wait = self._heap[0][0] - now if self._heap else None
                self._cond.wait(wait)

    def fire_due(self, now: float) -> None:
        """Shut down the connections of the attempts due by ``now`` (with the lock held)."""
        while self._heap and self._heap[0][0] <= now:
            _, sequence, deadline = heapq.heappop(self._heap)
            if deadline.done or sequence != deadline.sequence:
                continue  # finished, or a later attempt set a new deadline
            if getattr(deadline.conn, "talkctl_deadline", deadline) is not deadline:
                # the pool gave the connection to another request: this one's answer was
                # read whole (a connection goes back to the pool only then), and the
                # socket is the other request's now
                continue
            # marked before the shutdown: the thread whose read the shutdown ends may look
            # at ``fired`` before this thread runs again
            deadline.fired = True
            if not _shut_down(deadline.conn):
                # still connecting (the connect timeout bounds that): look again soon
                deadline.sequence = next(self._counter)
                again = (now + RECHECK_SECONDS, deadline.sequence, deadline)
                heapq.heappush(self._heap, again)


def _shut_down(conn: Any) -> bool:
    """Shut the connection's socket down (both ways); False when it has none yet."""
    sock = getattr(conn, "talkctl_socket", None) or getattr(conn, "sock", None)
    if sock is None:
        return False
    with contextlib.suppress(OSError):
        # socket.socket's shutdown, also under an SSLSocket: the descriptor is the same
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    return True


WATCHDOG = Watchdog()
_local = threading.local()


@contextlib.contextmanager
def bounded(seconds: float) -> Any:
    """Every attempt of the requests this thread sends inside gets ``seconds`` in all."""
    deadline = Deadline(seconds)
    _local.deadline = deadline
    try:
        yield deadline
    finally:
        _local.deadline = None
        WATCHDOG.finish(deadline)


def _attempt(conn: Any, fresh: bool) -> None:
    deadline = getattr(_local, "deadline", None)
    if deadline is not None:
        WATCHDOG.start_attempt(deadline, conn, fresh)


class _WatchedHTTPConnection(HTTPConnection):
    """A connection that reports each attempt to the watchdog, plain or (below) TLS."""

    talkctl_socket: socket.socket | None = None
    talkctl_deadline: Deadline | None = None

    def _new_conn(self) -> socket.socket:
        _attempt(self, True)
        sock = super()._new_conn()
        self.talkctl_socket = sock  # the TCP socket under the TLS one: shut down during TLS too
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        _attempt(self, False)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The watched connection, with TLS (its methods come first in the order)."""


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def install(pool_manager: Any) -> None:
    """Make ``pool_manager`` (urllib3's, from a requests HTTPAdapter) open watched connections."""
    pool_manager.pool_classes_by_scheme = {
        "http": _WatchedHTTPConnectionPool,
        "https": _WatchedHTTPSConnectionPool,
    }


class WatchedAdapter(HTTPAdapter):
    """requests' HTTPAdapter whose pools, also those through an HTTP(S) proxy, are watched.

    SOCKS proxies bring connection classes of their own and keep them: there only the
    socket timeout of each read applies.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        install(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        new = proxy not in self.proxy_manager
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if new and not proxy.lower().startswith("socks"):
            install(manager)
        return manager
