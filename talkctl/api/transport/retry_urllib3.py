"""TalkRetry: urllib3's Retry with talkctl's rules (imported only when a session is built).

This module depends on ``talkctl.api.transport.retry`` (the policy and the header rules), never the
other way round: ``build_retry`` turns a policy into the urllib3 object.
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING, Any

from urllib3.exceptions import MaxRetryError, NameResolutionError, ResponseError
from urllib3.util.retry import Retry

from talkctl.api.transport.retry import (
    BRUTEFORCE_HEADER,
    RETRY_STATUSES,
    RetryPolicy,
    header,
    is_maintenance,
    retry_after_seconds,
)

if TYPE_CHECKING:
    from typing_extensions import Self
    from urllib3.connectionpool import ConnectionPool
    from urllib3.response import BaseHTTPResponse

_NO_SUCH_HOST = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


def build_retry(policy: RetryPolicy, repeatable: bool) -> TalkRetry:
    """The urllib3 Retry for requests that are (or are not) safe to repeat."""
    retries = max(policy.retries, 0)
    retry = TalkRetry(
        total=retries,
        connect=retries,
        read=retries if repeatable else False,
        status=retries if repeatable else 0,
        other=0,  # TLS failures and the like: never
        redirect=False,
        allowed_methods=None,  # the adapter decides, not the HTTP method
        status_forcelist=RETRY_STATUSES,
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    retry.policy = policy
    return retry


class TalkRetry(Retry):
    """urllib3's Retry with talkctl's rules on top.

    - 502/503/504 are retried; 429 only with a readable ``Retry-After`` (without one it is
      Nextcloud's brute-force cap, and asking again only extends the ban);
    - never: maintenance mode (it lasts minutes, not seconds), a brute-force throttle, a
      ``Retry-After`` above the cap, a host name that does not exist;
    - every wait is announced through the policy's ``notice`` callback (the API layer never
      prints: the CLI passes a callback that writes to stderr).
    """

    policy: RetryPolicy = RetryPolicy()

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.policy = self.policy
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in RETRY_STATUSES:
            return True
        return status_code == 429 and has_retry_after and bool(self.total)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: Any = None,
    ) -> Self:
        if response is not None and error is None:
            reason = self._refusal(response)
            if reason is not None:
                raise MaxRetryError(_pool, url or "", ResponseError(reason))  # type: ignore[arg-type]
        if error is not None and _unknown_host(error):
            raise MaxRetryError(_pool, url or "", error)  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def _refusal(self, response: BaseHTTPResponse) -> str | None:
        """Why a response that looks retryable must not be retried (None: retry it)."""
        headers = response.headers
        if is_maintenance(response.status, headers):
            return "maintenance mode"
        if response.status == 429 and header(headers, BRUTEFORCE_HEADER):
            return "brute-force throttled"
        if response.status == 429 or header(headers, "Retry-After"):
            wait = retry_after_seconds(header(headers, "Retry-After"))
            if wait is None and response.status == 429:
                return "no usable Retry-After"
            if wait is not None and wait > self.policy.retry_after_cap:
                return f"Retry-After {wait:.0f} s is above {self.policy.retry_after_cap:.0f} s"
        return None

    def parse_retry_after(self, retry_after: str) -> float:
        """urllib3's own parser fails on ``²`` or 5,000 digits: use talkctl's (0 if unreadable)."""
        wait = retry_after_seconds(retry_after)
        return 0.0 if wait is None else wait

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        number = len(self.history)
        wait: float | None = None
        if response is not None:
            wait = retry_after_seconds(header(response.headers, "Retry-After"))
        asked = wait is not None
        if wait is None:
            wait = self.policy.backoff_for(number)
        wait = min(max(wait, 0.0), self.policy.retry_after_cap)
        if self.policy.notice is not None:
            of = number + (self.total if isinstance(self.total, int) else 0)
            because = _cause(self.history[-1]) if self.history else "a failure"
            waiting = f"the server asks to wait {wait:.3g} s" if asked else f"waiting {wait:.3g} s"
            self.policy.notice(f"{because}: {waiting}, then retry {number} of {of}")
        if wait > 0:
            time.sleep(wait)


def _cause(entry: Any) -> str:
    if entry.status:
        return f"HTTP {entry.status}"
    error = entry.error
    text = str(error) if error is not None else "a failure"
    if "Read timed out" in text or "timed out" in text:
        return "no answer in time"
    if "refused" in text.lower():
        return "connection refused"
    if "RemoteDisconnected" in text or "aborted" in text or "reset" in text.lower():
        return "the connection was dropped"
    return "connection failed"


def _unknown_host(error: BaseException) -> bool:
    """A definite "no such host" (not a temporary resolver failure): retrying cannot help."""
    if not isinstance(error, NameResolutionError):
        return False
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return cause.errno in _NO_SUCH_HOST
        cause = cause.__cause__ or cause.__context__
    return False
