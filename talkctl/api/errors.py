"""Typed errors of the API layer."""

from __future__ import annotations

from typing import Any

from talkctl.errors import TalkctlError


class TalkApiError(TalkctlError):
    """Base of the API layer's errors."""


class TransportError(TalkApiError):
    """The request did not get an HTTP answer: connection, DNS, TLS, timeout.

    ``kind`` is one of "tls" (verification or handshake failed), "ca-bundle" (the CA file
    could not be used), "dns", "refused", "timeout", "dropped" (closed without an answer) or
    "connection". ``plain_http``: a TLS handshake with an https ``server`` that answered in
    plain http. ``attempts`` is how many times the request was sent; ``changed_maybe`` that
    a change may have arrived although no answer did. The message states the failure alone:
    the cli words the advice (an option to use) and adds attempts and the warning.
    """

    def __init__(
        self,
        message: str,
        kind: str,
        *,
        server: str = "",
        attempts: int = 1,
        changed_maybe: bool = False,
        plain_http: bool = False,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.server = server
        self.attempts = attempts
        self.changed_maybe = changed_maybe
        self.plain_http = plain_http


class InvalidResponseError(TalkApiError):
    """An answer that is not the OCS JSON it should be (HTML page, broken JSON, no envelope).

    ``kind`` is one of "html", "json" (invalid or truncated), "empty", "envelope" (JSON
    without ``ocs``), "redirect" or "content" (OCS, but not the data expected).
    """

    def __init__(self, message: str, url: str, status: int, kind: str = "content") -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.kind = kind


class ApiError(TalkApiError):
    """The server answered with an HTTP error status.

    ``ocs_status`` is ``ocs.meta.statuscode`` (not always the HTTP status: a 401 carries 997,
    an unknown path 998); ``error`` is ``ocs.data.error`` and ``server_message`` is
    ``ocs.data.message`` or ``ocs.meta.message`` when the server gave one. ``attempts`` is
    how many times the request was sent (more than 1 after retries); ``reason`` names a
    special case the status alone does not tell: "maintenance", "bruteforce",
    "rate-limited", "outdated-client". The cli words it (``talkctl.cli.errors``), adding
    "(after N attempts)"; callers add context by wrapping it, never by changing it.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str,
        path: str,
        ocs_status: int | None = None,
        error: str | None = None,
        server_message: str | None = None,
        headers: dict[str, str] | None = None,
        reason: str | None = None,
        attempts: int = 1,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.data = data  # the OCS ``data`` of the answer (some refusals carry facts)
        self.status = status
        self.reason = reason
        self.attempts = attempts
        self.method = method
        self.path = path
        self.ocs_status = ocs_status
        self.error = error
        self.server_message = server_message
        self.headers = headers or {}


class LoginFlowError(TalkApiError):
    """The login flow answered something talkctl must not (or cannot) use.

    ``reason`` "unavailable": the server offers no Login Flow v2 at all.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidToken(TalkApiError):
    """A string that cannot be a conversation token; nothing was sent."""

    def __init__(self, token: str) -> None:
        super().__init__(f"{token!r} is not a conversation token")
        self.token = token


class StepFailed(TalkApiError):
    """A later step of a change of several requests failed, and what was done about it.

    ``cause`` is the step's error (an API error, a dropped connection or timeout, or
    KeyboardInterrupt for Ctrl-C); ``step`` names it ("password", "description"); ``undo``
    is what was sent to take back the earlier steps ("delete": the new conversation was deleted,
    "unpublish": it was made a group conversation again) and ``undone`` whether that
    worked. The exit code is the cause's; the cli says what state ``token`` is left in.
    """

    def __init__(self, cause: BaseException, *, token: str, step: str, undo: str, undone: bool):
        super().__init__(f"{step} step failed: {cause}")
        self.cause = cause
        self.token = token
        self.step = step
        self.undo = undo
        self.undone = undone


class UnsupportedError(TalkApiError):
    """The server lacks the capability an operation needs; no request was sent."""

    def __init__(self, message: str, feature: str) -> None:
        super().__init__(message)
        self.feature = feature


class TalkNotEnabledError(TalkApiError):
    """The capabilities have no ``spreed`` entry for this account."""
