"""The OCS envelope: ``{"ocs": {"meta": {...}, "data": ...}}``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.errors import ApiError, InvalidResponseError

STATUS_TEXT: dict[int, str] = {
    400: "rejected by the server",
    401: "authentication failed: check the user name and app password",
    403: "forbidden: you lack the permission (moderators and owners only?)",
    404: "not found",
    406: "not supported for federated conversations",
    412: "precondition failed",
    422: "the remote server of this federated conversation cannot be reached",
    426: "this talkctl is too old for the server",
    429: "too many requests: this address is throttled",
    500: "the server failed (HTTP 500)",
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


def decode_json(body: bytes, *, content_type: str, url: str, status: int) -> Any:
    """Decode a JSON body, raising InvalidResponseError for HTML pages and broken JSON."""
    stripped = body.lstrip()
    if "html" in content_type.lower() or stripped[:1] == b"<":
        raise InvalidResponseError(
            f"expected JSON from {url} but got an HTML page (HTTP {status}): "
            "check the server address (a login page or proxy error page?)",
            url,
            status,
        )
    if not stripped:
        raise InvalidResponseError(
            f"empty answer from {url} (HTTP {status}) where JSON was expected", url, status
        )
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidResponseError(
            f"invalid or truncated JSON from {url} (HTTP {status}): {exc}", url, status
        ) from None


def unwrap(
    payload: Any, *, status: int, method: str, url: str, path: str, headers: Mapping[str, str]
) -> OcsResponse:
    """Unwrap an OCS payload; raise ApiError for HTTP errors, InvalidResponseError for no envelope.

    The HTTP status decides success: ``meta.statuscode`` does not always mirror it.
    """
    ocs = payload.get("ocs") if isinstance(payload, dict) else None
    if not isinstance(ocs, dict):
        if status >= 400:
            raise api_error(status, method, path, headers, None, None)
        raise InvalidResponseError(
            f"answer from {url} (HTTP {status}) has no OCS envelope", url, status
        )
    raw_meta = ocs.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    data = ocs.get("data")
    if status >= 400:
        raise api_error(status, method, path, headers, meta, data)
    return OcsResponse(status=status, data=data, meta=meta, headers=headers)


def api_error(
    status: int,
    method: str,
    path: str,
    headers: Mapping[str, str],
    meta: dict[str, Any] | None,
    data: Any,
) -> ApiError:
    """Build the ApiError for an HTTP error answer, keeping whatever the server explained."""
    error = None
    server_message = None
    if isinstance(data, dict):
        if isinstance(data.get("error"), str) and data["error"]:
            error = data["error"]
        if isinstance(data.get("message"), str) and data["message"].strip():
            server_message = data["message"].strip()
    meta_message = (meta or {}).get("message")
    if server_message is None and isinstance(meta_message, str) and meta_message.strip():
        server_message = meta_message.strip()
    ocs_status = (meta or {}).get("statuscode")
    text = STATUS_TEXT.get(status, f"HTTP {status}")
    if status == 426 and server_message:
        text = f"this talkctl is too old for the server (it needs {server_message})"
    elif server_message:
        text = f"{text}: {server_message}"
    elif error:
        text = f"{text} ({error})"
    return ApiError(
        text,
        status=status,
        method=method,
        path=path,
        ocs_status=ocs_status if isinstance(ocs_status, int) else None,
        error=error,
        server_message=server_message,
        headers=dict(headers),
    )
