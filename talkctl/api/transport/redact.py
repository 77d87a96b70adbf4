"""What may be logged: headers, URLs, query strings and form bodies with secrets replaced.

``--debug`` output ends up in bug reports and cron mails, so nothing that authenticates may
reach it: ``Authorization``, cookies, passwords, app passwords, login-flow tokens, and a
password pasted into the server URL (``https://user:pw@host``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "<redacted>"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
# form and query fields that carry a secret (compared case-insensitively, "_"/"-" ignored)
SECRET_FIELDS = frozenset({"password", "apppassword", "token", "secret", "passwd", "pass"})


def is_secret_field(name: str) -> bool:
    key = name.lower().replace("_", "").replace("-", "")
    return key in SECRET_FIELDS or key.endswith("password")


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: credentials and cookies replaced (the auth scheme is kept)."""
    safe: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if name.lower().endswith("authorization") else ""
            safe[name] = f"{scheme} {REDACTED}".strip()
        else:
            safe[name] = value
    return safe


def redact_form(form: Mapping[str, Any] | None) -> dict[str, Any]:
    """A request body or query safe to log: password-like fields replaced."""
    return {k: (REDACTED if is_secret_field(str(k)) else v) for k, v in (form or {}).items()}


def redact_url(url: str) -> str:
    """``url`` without a password in its user info or secret values in its query string."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{hostport}" if ":" in userinfo else netloc
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_field(k) for k, _ in pairs):
            query = urlencode([(k, REDACTED if is_secret_field(k) else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
