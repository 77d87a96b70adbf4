"""What may be logged: headers, URLs, query strings and form bodies with secrets replaced.

``--debug`` output ends up in bug reports and cron mails, so nothing that authenticates may
reach it: ``Authorization``, cookies, passwords, app passwords, login-flow tokens, and a
password pasted into the server URL (``https://user:pw@host``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "<redacted>"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
# form and query fields that carry a secret (compared case-insensitively, "_"/"-" ignored)
SECRET_FIELDS = frozenset({"password", "apppassword", "token", "secret", "passwd", "pass"})


# a bracketed part of a form or query name: settings[password], participants[users][]
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def _secret_name(part: str) -> bool:
    key = part.lower().replace("_", "").replace("-", "")
    return key in SECRET_FIELDS or key.endswith("password")


def is_secret_field(name: str) -> bool:
    """Whether the field ``name`` carries a secret, at any depth of a bracketed name
    (``settings[password]``, ``filter[password]``)."""
    parts = [name.split("[", 1)[0], *_BRACKETS.findall(name)]
    return any(_secret_name(part) for part in parts)


def _names_secret(value: Any) -> bool:
    return isinstance(value, str) and is_secret_field(value)


def redact_value(value: Any) -> Any:
    """A JSON-like value safe to log: a secret field replaced at any depth, and the ``value``
    beside a ``key`` that names a secret (Nextcloud's ``key=password&value=...``)."""
    if isinstance(value, Mapping):
        keyed = any(str(k).lower() == "key" and _names_secret(v) for k, v in value.items())
        return {
            k: REDACTED
            if is_secret_field(str(k)) or (keyed and str(k).lower() == "value")
            else redact_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def redact_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Flat name/value pairs (a query string) safe to log: secret names at any depth, and the
    ``value`` (or ``x[value]``) beside a ``key`` (``x[key]``) that names a secret."""
    beside: set[str] = set()
    for name, value in pairs:
        lower = name.lower()
        if (lower == "key" or lower.endswith("[key]")) and _names_secret(value):
            beside.add("value" if lower == "key" else lower[:-5] + "[value]")
    return [
        (name, REDACTED if is_secret_field(name) or name.lower() in beside else value)
        for name, value in pairs
    ]


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
    """A request body or query safe to log: secret fields replaced at any depth."""
    redacted = redact_value(dict(form or {}))
    assert isinstance(redacted, dict)
    return redacted


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
        safe = redact_pairs(pairs)
        if safe != pairs:
            query = urlencode(safe)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
