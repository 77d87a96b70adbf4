"""The OCS envelope: ``{"ocs": {"meta": {...}, "data": ...}}``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.errors import ApiError, InvalidResponseError
from talkctl.api.transport.retry import (
    BRUTEFORCE_HEADER,
    header,
    is_maintenance,
    retry_after_seconds,
)

STATUS_TEXT: dict[int, str] = {
    400: "rejected by the server",
    401: "authentication failed: check the user name and app password",
    403: "forbidden: you lack the permission (moderators and owners only?)",
    404: "not found",
    405: "the server does not allow this method here (HTTP 405)",
    406: "not supported for federated conversations",
    412: "precondition failed",
    413: "the request is too large for the server (HTTP 413)",
    422: "the remote server of this federated conversation cannot be reached",
    426: "this talkctl is too old for the server",
    429: "too many requests: this address is throttled",
    500: "the server failed (HTTP 500)",
    501: "not implemented by the server (HTTP 501)",
    502: "bad gateway (HTTP 502)",
    503: "the server is unavailable (HTTP 503)",
    504: "gateway timeout (HTTP 504)",
}


@dataclass
class OcsResponse:
    """An unwrapped OCS answer."""

    status: int
    data: Any
    meta: dict[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    url: str = ""

    def listing(self) -> list[Any]:
        """``data`` as the list an endpoint must answer; InvalidResponseError (exit 1) for
        null, an object or anything else: an empty list would tell a cron job that there is
        nothing to do."""
        if isinstance(self.data, list):
            return self.data
        kind = "null" if self.data is None else type(self.data).__name__
        kind = {"dict": "an object", "str": "a string", "bool": "a boolean"}.get(kind, kind)
        raise InvalidResponseError(
            f"the answer from {self.url or 'the server'} (HTTP {self.status}) holds {kind} "
            "where a list was expected",
            self.url,
            self.status,
        )


def decode_json(body: bytes, *, content_type: str, url: str, status: int) -> Any:
    """Decode a JSON body, raising InvalidResponseError for HTML pages and broken JSON."""
    stripped = body.lstrip()
    if "html" in content_type.lower() or stripped[:1] == b"<":
        raise InvalidResponseError(
            f"expected JSON from {url} but got an HTML page (HTTP {status}): "
            "check the server address (a login page or proxy error page?)",
            url,
            status,
            "html",
        )
    if not stripped:
        raise InvalidResponseError(
            f"empty answer from {url} (HTTP {status}) where JSON was expected",
            url,
            status,
            "empty",
        )
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidResponseError(
            f"invalid or truncated JSON from {url} (HTTP {status}): {_short(exc)}",
            url,
            status,
            "json",
        ) from None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 80 else text[:77] + "..."


def unwrap(
    payload: Any, *, status: int, method: str, url: str, path: str, headers: Mapping[str, str]
) -> OcsResponse:
    """Unwrap an OCS payload; raise ApiError for HTTP errors, InvalidResponseError for no envelope.

    On OCS v2 (``/ocs/v2.php/``) the HTTP status decides success: ``meta.statuscode`` does not
    always mirror it. OCS v1 (``/ocs/v1.php/``) answers HTTP 200 for failures too, and
    ``meta.statuscode`` decides (see :func:`ocs_v1_status`).
    """
    ocs = payload.get("ocs") if isinstance(payload, dict) else None
    if not isinstance(ocs, dict):
        if status >= 400:
            raise api_error(status, method, path, headers, None, None)
        raise InvalidResponseError(
            f"answer from {url} (HTTP {status}) is JSON without the OCS envelope "
            "(no 'ocs' object): is this a Nextcloud server?",
            url,
            status,
            "envelope",
        )
    raw_meta = ocs.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    data = ocs.get("data")
    if status >= 400:
        raise api_error(status, method, path, headers, meta, data)
    if is_ocs_v1(path) or is_ocs_v1(url):
        failed = ocs_v1_status(meta.get("statuscode"))
        if failed is not None:
            detail = f"OCS v1 status {meta['statuscode']}, HTTP {status}"
            raise api_error(failed, method, path, headers, meta, data, detail=detail)
    return OcsResponse(status=status, data=data, meta=meta, headers=headers, url=url)


OCS_V1_OK = 100
# OCS v1's own failure codes, as the HTTP status they stand for (lib/private/AppFramework/OCS)
OCS_V1_CODES = {996: 500, 997: 401, 998: 404}


def is_ocs_v1(path: str) -> bool:
    return "/ocs/v1.php/" in path.split("?", 1)[0]


def ocs_v1_status(code: Any) -> int | None:
    """The HTTP status an OCS v1 ``meta.statuscode`` stands for; None when it says success.

    100 is success (and a 2xx, which v1 never sends, is taken as one too; so is a missing
    code: nothing says it failed); 404, 997, 998, an app's own 101, 102 ... are failures: a
    4xx or 5xx stands for itself, 996-998 for 500/401/404, any other code for 400 (rejected).
    """
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    if code == OCS_V1_OK or 200 <= code < 300:
        return None
    if code in OCS_V1_CODES:
        return OCS_V1_CODES[code]
    return code if 400 <= code < 600 else 400


NOTES = {
    "html": "an HTML page, probably from a proxy",
    "json": "a broken JSON body",
}


def api_error(
    status: int,
    method: str,
    path: str,
    headers: Mapping[str, str],
    meta: dict[str, Any] | None,
    data: Any,
    *,
    note: str | None = None,
    detail: str | None = None,
) -> ApiError:
    """Build the ApiError for an HTTP error answer, keeping whatever the server explained.

    Maintenance mode, brute-force throttling, rate limiting and an outdated client each get
    their own one-line explanation. ``note`` is the kind of a body that was no OCS JSON
    (a proxy's HTML page for a 502, say); ``detail`` a fact to add in parentheses.
    """
    error = None
    server_message = None
    if isinstance(data, dict):
        if isinstance(data.get("error"), str) and data["error"]:
            error = data["error"]
        if isinstance(data.get("message"), str) and data["message"].strip():
            server_message = " ".join(data["message"].split())
    meta_message = (meta or {}).get("message")
    if server_message is None and isinstance(meta_message, str) and meta_message.strip():
        server_message = " ".join(meta_message.split())
    ocs_status = (meta or {}).get("statuscode")
    reason, text = _explain(status, headers, server_message, error)
    if note in NOTES:
        text = f"{text} ({NOTES[note]})"
    if detail:
        text = f"{text} ({detail})"
    return ApiError(
        text,
        status=status,
        method=method,
        path=path,
        ocs_status=ocs_status if isinstance(ocs_status, int) else None,
        error=error,
        server_message=server_message,
        headers=dict(headers),
        reason=reason,
        data=data,
    )


def _explain(
    status: int, headers: Mapping[str, str], server_message: str | None, error: str | None
) -> tuple[str | None, str]:
    """(reason, one-line text) for an HTTP error status."""
    if is_maintenance(status, headers):
        return "maintenance", ("the server is in maintenance mode (HTTP 503): try again later")
    if status == 429:
        throttled = header(headers, BRUTEFORCE_HEADER)
        wait = retry_after_seconds(header(headers, "Retry-After"))
        if throttled or wait is None:
            detail = f" (delay {throttled})" if throttled else ""
            return "bruteforce", (
                f"this address is throttled by the server's brute-force protection{detail} "
                "(HTTP 429): too many failed logins or unknown conversations; wait before "
                "trying again and check the app password"
            )
        return "rate-limited", (
            f"too many requests: the server asks to wait {wait:.0f} s (HTTP 429, rate limited)"
        )
    if status == 426:
        needed = f" (it needs {server_message})" if server_message else ""
        return "outdated-client", (
            f"the server rejects this client as outdated{needed} (HTTP 426): upgrade talkctl"
        )
    text = STATUS_TEXT.get(status, f"HTTP {status}")
    if server_message:
        text = f"{text}: {server_message}"
    elif error:
        text = f"{text} ({error})"
    return None, text
