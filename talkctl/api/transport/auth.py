"""requests auth objects of the transport: HTTP Basic in UTF-8, and none at all.

requests encodes Basic credentials as Latin-1: a login or password with '\u20ac' raised
UnicodeEncodeError, one with '\u00e9' was sent in a byte Nextcloud (reading UTF-8) refuses.
"""

from __future__ import annotations

from typing import Any


class Utf8BasicAuth:
    """HTTP Basic credentials encoded as UTF-8 (Nextcloud decodes them so)."""

    def __init__(self, user: str, secret: str) -> None:
        import base64

        token = base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
        self._header = f"Basic {token}"

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = self._header
        return request

    def __repr__(self) -> str:  # never the credentials
        return "Utf8BasicAuth(<redacted>)"


class NoAuth:
    """requests auth that sends no credentials (login flow start)."""

    def __call__(self, request: Any) -> Any:
        request.headers.pop("Authorization", None)
        return request
