"""A request that got no HTTP answer, explained in one line: DNS, refused, timeout, TLS, ...

requests wraps urllib3's errors, which wrap the socket's (and after retries, in a
MaxRetryError): the cause is found by walking that chain, by type first and text second.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from http.client import IncompleteRead, RemoteDisconnected
from urllib.parse import urlsplit

from talkctl.api.errors import TransportError

_DNS_TEXT = (
    "Name or service not known",
    "NameResolutionError",
    "nodename nor servname",
    "getaddrinfo failed",
    "Temporary failure in name resolution",
    "No address associated with hostname",
)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps (causes, contexts, ``reason``, exception args)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked.extend(arg for arg in current.args if isinstance(arg, BaseException))
        todo.extend(item for item in linked if isinstance(item, BaseException))


def classify(exc: BaseException) -> str:
    """One of tls, dns, refused, timeout, dropped, ca-bundle, connection."""
    chain = list(causes(exc))
    names = {type(item).__name__ for item in chain}
    text = " ".join(str(item) for item in chain)
    if any(isinstance(item, ssl.SSLError | ssl.CertificateError) for item in chain) or (
        "SSLError" in names
    ):
        return "tls"
    if "TLS CA certificate bundle" in text or "invalid path" in text:
        return "ca-bundle"
    if (
        "NameResolutionError" in names
        or any(isinstance(item, socket.gaierror) for item in chain)
        or any(marker in text for marker in _DNS_TEXT)
    ):
        return "dns"
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or "refused" in text:
        return "refused"
    if (
        any(isinstance(item, TimeoutError | socket.timeout) for item in chain)
        or names & {"ReadTimeoutError", "ConnectTimeoutError", "ReadTimeout", "ConnectTimeout"}
        or "timed out" in text
    ):
        return "timeout"
    if any(
        isinstance(
            item,
            RemoteDisconnected | ConnectionResetError | ConnectionAbortedError | IncompleteRead,
        )
        for item in chain
    ) or names & {"ProtocolError", "ChunkedEncodingError"}:
        return "dropped"
    return "connection"


def tls_reason(exc: BaseException) -> str:
    for item in causes(exc):
        verify_message = getattr(item, "verify_message", None)
        if isinstance(item, ssl.SSLCertVerificationError) and verify_message:
            return f"certificate verify failed: {verify_message}"
        if isinstance(item, ssl.CertificateError) and str(item):
            return str(item)
    for item in causes(exc):
        if isinstance(item, ssl.SSLError):
            return item.reason or str(item)
    text = str(exc)
    index = text.find("[SSL")
    return text[index:].rstrip(")").strip() if index >= 0 else "handshake failed"


# what OpenSSL reports when the other end answers a TLS handshake with plain http
_PLAIN_HTTP_MARKERS = ("UNEXPECTED_EOF_WHILE_READING", "WRONG_VERSION_NUMBER", "HTTP_REQUEST")


def _plain_http_answer(reason: str) -> bool:
    upper = reason.upper().replace(" ", "_")
    return any(marker in upper for marker in _PLAIN_HTTP_MARKERS)


def describe_failure(
    exc: BaseException,
    *,
    server: str,
    timeout: float,
    attempts: int,
    changed_maybe: bool,
    timed_out: bool = False,
) -> TransportError:
    """The TransportError for ``exc``; ``changed_maybe`` for a change that may have arrived;
    ``timed_out`` when the request's deadline ended it (whatever the socket then said).
    Facts only: what to do about it is the cli's to say (``talkctl.cli.errors``)."""
    kind = "deadline" if timed_out else classify(exc)
    host = urlsplit(server).hostname or server
    plain_http = False
    if kind == "tls":
        reason = tls_reason(exc)
        message = f"TLS failure talking to {server}: {reason}"
        plain_http = _plain_http_answer(reason) and server.startswith("https://")
    elif kind == "ca-bundle":
        message = f"cannot use the CA bundle: {exc}"
    elif kind == "dns":
        message = f"cannot resolve host {host}: check the server address"
    elif kind == "refused":
        message = f"connection refused by {server}: is the server running and the address right?"
    elif kind in ("timeout", "deadline"):
        kind = "timeout"
        message = f"no answer from {server} within {timeout:g} s"
    elif kind == "dropped":
        message = f"{server} closed the connection without an answer"
    else:
        innermost = list(causes(exc))[-1]
        detail = " ".join(str(innermost).split())[:120] or type(innermost).__name__
        message = f"cannot connect to {server}: {detail}"
    return TransportError(
        message,
        kind,
        server=server,
        attempts=attempts,
        changed_maybe=changed_maybe and kind in ("timeout", "dropped"),
        plain_http=plain_http,
    )
