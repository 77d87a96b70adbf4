"""Any authenticated OCS request (``talkctl api``): the way out for what talkctl does not cover.

A path is never a URL, so the app password only ever goes to the configured server: one
starting with ``/`` is relative to the server, anything else to the Talk API base of its
family (talkctl.api.families: ``room`` is ``/ocs/v2.php/apps/spreed/api/v4/room`` on today's
servers, ``chat/TOKEN`` is ``.../api/v1/chat/TOKEN``). Only GET and HEAD are retried: anything
else may change something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from talkctl.api.client import TalkClient
from talkctl.api.errors import ApiError, InvalidResponseError
from talkctl.api.families import family_of
from talkctl.api.transport.envelope import OcsResponse
from talkctl.api.transport.redact import redact_url
from talkctl.errors import UsageError

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
QUERY_METHODS = ("GET", "HEAD")  # their fields travel in the query string
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def check_method(method: str) -> str:
    upper = method.upper()
    if upper not in METHODS:
        raise UsageError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    return upper


def check_path(path: str) -> str:
    """``path`` when it is a path on the server; UsageError for a URL or a host."""
    if not path.strip():
        raise UsageError("PATH must not be empty")
    if SCHEME.match(path) or path.startswith(("//", "\\", "/\\")):
        raise UsageError(
            f"PATH {path!r} is not a path: give a path on the server (/ocs/v2.php/...) or "
            "under the Talk API (room/TOKEN), never a URL or a host"
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in path):
        raise UsageError(f"PATH {path!r} holds white space or control characters")
    if "#" in path:
        raise UsageError(f"PATH {path!r} holds '#': a fragment is never sent to a server")
    return path


@dataclass
class RawResponse:
    """The server's answer: HTTP status, and the decoded body (None for HEAD)."""

    status: int
    payload: Any
    response: OcsResponse | None = None
    error: ApiError | None = None  # the HTTP error status, as the command must report it


class RawApi:
    def __init__(self, client: TalkClient) -> None:
        self.client = client

    def full_path(self, path: str) -> str:
        """The path on the server: ``/...`` as given, else under its API family's base."""
        check_path(path)
        if path.startswith("/"):
            return path
        return f"{self.client.capabilities.base_for(path)}/{path}"

    def request(self, method: str, path: str, fields: dict[str, Any]) -> RawResponse:
        """Send it; raises ApiError for an HTTP error status (after decoding the body)."""
        method = check_method(method)
        full = self.full_path(path)
        transport = self.client.transport
        query = fields if method in QUERY_METHODS else None
        body = fields if method not in QUERY_METHODS and fields else None
        response = transport.send(
            method,
            full,
            params=_query(query),
            json_body=body,
            repeatable=method in QUERY_METHODS,
        )
        if method == "HEAD":
            if response.status_code >= 400:
                from talkctl.api.transport.envelope import api_error

                raise api_error(response.status_code, method, full, response.headers, None, None)
            return RawResponse(response.status_code, None)
        try:
            payload = transport.json(response)
        except InvalidResponseError:
            payload = None  # unwrap says what is wrong with it (or maps a 5xx page)
        try:
            unwrapped = transport.unwrap(response, method, full)
        except ApiError as exc:
            if exc.status == 404 and not path.startswith("/"):
                exc = _saying_base(exc, path, full)
            return RawResponse(response.status_code, payload, error=exc)
        return RawResponse(response.status_code, payload, unwrapped)


def _saying_base(exc: ApiError, path: str, full: str) -> ApiError:
    """The 404 of a relative path, saying which base it went to (a path of another API family
    under the wrong version is a 404 too)."""
    family = family_of(path)
    where = f"{redact_url(path)} was sent to {redact_url(full)} (the {family.name} API"
    where += ")" if family.version is not None else ", negotiated)"
    return ApiError(
        f"{exc} ({where}; a path starting with '/' is taken as it is)",
        status=exc.status,
        method=exc.method,
        path=exc.path,
        ocs_status=exc.ocs_status,
        error=exc.error,
        server_message=exc.server_message,
        headers=exc.headers,
        reason=exc.reason,
        attempts=exc.attempts,
    )


def _query(fields: dict[str, Any] | None) -> dict[str, list[str]] | None:
    """Fields as query parameters: lists as ``key[]``, booleans as 1/0, null as empty."""
    if not fields:
        return None
    pairs: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for sub, item in value.items():
                add(f"{key}[{sub}]", item)
        elif isinstance(value, list):
            for item in value:
                add(f"{key}[]", item)
        elif isinstance(value, bool):
            pairs.append((key, "1" if value else "0"))
        elif value is None:
            pairs.append((key, ""))
        else:
            pairs.append((key, str(value)))

    for key, value in fields.items():
        add(key, value)
    query: dict[str, list[str]] = {}
    for key, text in pairs:
        query.setdefault(key, []).append(text)
    return query
