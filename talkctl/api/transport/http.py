"""HTTP transport: one pooled requests.Session per run, OCS headers, timeouts, retries, debug."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urljoin, urlsplit

from talkctl import __version__
from talkctl.api.errors import ApiError, InvalidResponseError
from talkctl.api.transport.auth import NoAuth, Utf8BasicAuth
from talkctl.api.transport.envelope import OcsResponse, api_error, decode_json, unwrap
from talkctl.api.transport.failures import describe_failure
from talkctl.api.transport.redact import redact_form, redact_headers, redact_url
from talkctl.api.transport.retry import Notice, RetryPolicy

if TYPE_CHECKING:
    import requests
    from requests.adapters import BaseAdapter, HTTPAdapter

USER_AGENT = f"talkctl/{__version__}"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_MAX_BODY = 128 * 1024 * 1024
CHUNK = 256 * 1024

DebugSink = Callable[[str], None]

__all__ = ["USER_AGENT", "DebugSink", "Transport", "redact_form", "redact_headers"]


class Transport:
    """Sends requests to one Nextcloud server as one account.

    Keeps the server's session cookies for the run (in memory only), so later requests skip
    the password check; sets the OCS headers; gives every attempt ``timeout`` seconds as a
    whole (connect, headers and body: see ``transport.deadline``); reads at most
    ``max_body`` bytes of a body (counted after decompression: a gzip bomb stops there too);
    repeats a request only when the caller marks it repeatable (see ``transport.retry``).
    """

    def __init__(
        self,
        server: str,
        user: str | None,
        secret: str | None,
        *,
        timeout: float = 30.0,
        verify: bool | str = True,
        debug: DebugSink | None = None,
        pool_size: int = 10,
        retry: RetryPolicy | None = None,
        notice: Notice | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.server = server.rstrip("/")
        self.user = user
        self._secret = secret
        self.timeout = timeout
        self.verify = verify
        self.debug = debug
        self.notice = notice
        self.pool_size = pool_size
        self.max_body = max_body
        self.retry = retry if retry is not None else RetryPolicy(retries=0)
        self._session: requests.Session | None = None
        self._lock = threading.Lock()
        self._attempts = threading.local()
        self.requests_sent = 0

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            import requests

            session = requests.Session()
            session.headers.update(
                {
                    "OCS-APIRequest": "true",
                    "Accept": "application/json",
                    "User-Agent": USER_AGENT,
                }
            )
            if self.user is not None and self._secret is not None:
                # UTF-8, as Nextcloud reads them (requests would send Latin-1, and fail on
                # anything beyond it: a password with 'é' was refused, one with '€' crashed)
                session.auth = Utf8BasicAuth(self.user, self._secret)
            session.verify = self.verify
            session.trust_env = True
            # duck-typed adapter (send + close): requests only calls those two
            router = cast(
                "BaseAdapter", RepeatableRouter(self._adapter(True), self._adapter(False))
            )
            session.mount("https://", router)
            session.mount("http://", router)
            self._session = session
        return self._session

    def _adapter(self, repeatable: bool) -> HTTPAdapter:
        from talkctl.api.transport.deadline import WatchedAdapter
        from talkctl.api.transport.retry_urllib3 import build_retry

        policy = RetryPolicy(
            retries=self.retry.retries,
            backoff=self.retry.backoff,
            max_backoff=self.retry.max_backoff,
            retry_after_cap=self.retry.retry_after_cap,
            notice=self._on_retry,
        )
        return WatchedAdapter(  # every attempt bounded by the timeout (transport.deadline)
            pool_connections=2,
            pool_maxsize=max(self.pool_size, 10),
            max_retries=build_retry(policy, repeatable),
        )

    def _on_retry(self, message: str) -> None:
        self._attempts.count = getattr(self._attempts, "count", 1) + 1
        with self._lock:
            self.requests_sent += 1
        if self.notice is not None:
            self.notice(message)
        elif self.debug:
            self.debug(f"retry: {message}")

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def url(self, path: str) -> str:
        return self.server + path if path.startswith("/") else path

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        auth: bool = True,
        repeatable: bool | None = None,
        json_body: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> requests.Response:
        """Send one request and return the raw response (no status handling).

        ``repeatable`` says whether sending the request twice is harmless; None means "only
        if the method is safe" (GET, HEAD, OPTIONS). Creates must never be marked repeatable.
        ``files`` (field -> (file name, content, content type)) sends a multipart/form-data
        body, with ``data`` as its plain fields.
        """
        import requests
        from urllib3.exceptions import HTTPError

        method = method.upper()
        if repeatable is None:
            repeatable = method in SAFE_METHODS
        url = self.url(path)
        session = self.session
        prepared = session.prepare_request(
            requests.Request(
                method,
                url,
                params=params,
                data=data,
                json=json_body,
                files=dict(files) if files else None,
                auth=None if auth else NoAuth(),
            )
        )
        prepared.talkctl_repeatable = repeatable  # type: ignore[attr-defined]
        if self.debug:
            self.debug(
                f"> {method} {redact_url(prepared.url or url)}"
                f"{' (repeatable)' if repeatable else ''}"
            )
            self._debug_headers(">", prepared.headers)
            if data:
                self.debug(f">   form: {redact_form(data)}")
            if json_body:
                self.debug(f">   json: {redact_form(json_body)}")
            for field, (filename, content, ctype) in (files or {}).items():
                self.debug(f">   file: {field}={filename} ({ctype}, {len(content)} bytes)")
        started = time.monotonic()
        self._attempts.count = 1
        with self._lock:
            self.requests_sent += 1
        from talkctl.api.transport.deadline import bounded

        with bounded(self.timeout) as deadline:
            try:
                response = session.send(
                    prepared,
                    timeout=(self.timeout, self.timeout),
                    allow_redirects=False,
                    verify=self.verify,
                    stream=True,
                )
                self._read_body(response)
            except (requests.exceptions.RequestException, OSError, HTTPError) as exc:
                failure = describe_failure(
                    exc,
                    server=redact_url(self.server),
                    timeout=self.timeout,
                    attempts=self.attempts,
                    changed_maybe=not repeatable and method not in SAFE_METHODS,
                    timed_out=deadline.fired,
                )
                if self.debug:
                    self.debug(f"! {method} {redact_url(url)}: {type(exc).__name__}: {failure}")
                raise failure from None
            if deadline.fired and not _complete(response):  # the body ended as time was up
                raise describe_failure(
                    TimeoutError("deadline"),
                    server=redact_url(self.server),
                    timeout=self.timeout,
                    attempts=self.attempts,
                    changed_maybe=not repeatable and method not in SAFE_METHODS,
                    timed_out=True,
                )
        if self.debug:
            elapsed = (time.monotonic() - started) * 1000
            self.debug(
                f"< {response.status_code} {method} {redact_url(response.url)} "
                f"({elapsed:.0f} ms, {self.attempts} attempt{'s' if self.attempts > 1 else ''})"
            )
            self._debug_headers("<", response.headers)
        # never followed, with or without Location; 304 (the chat: nothing newer) is no redirect
        if 300 <= response.status_code < 400 and response.status_code != 304:
            raise self._redirect_error(response)
        return response

    def _read_body(self, response: requests.Response) -> None:
        """Read the body into ``response.content``, decompressed, at most ``max_body`` bytes."""
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.raw.stream(CHUNK, decode_content=True):
                size += len(chunk)
                if size > self.max_body:
                    shown = redact_url(response.url)
                    raise InvalidResponseError(
                        f"the answer from {shown} is larger than {_size(self.max_body)}: not read",
                        shown,
                        response.status_code,
                        "too-large",
                    )
                chunks.append(chunk)
        except BaseException:
            response.close()
            raise
        response._content = b"".join(chunks)
        response._content_consumed = True  # type: ignore[attr-defined]

    def _debug_headers(self, direction: str, headers: Mapping[str, str]) -> None:
        """One header a line, as curl -v shows them; credentials and cookies redacted."""
        assert self.debug is not None
        for name, value in redact_headers(headers).items():
            self.debug(f"{direction}   {name}: {value}")

    @property
    def attempts(self) -> int:
        """How many times the current thread's last request was sent (1 + retries)."""
        return int(getattr(self._attempts, "count", 1))

    def ocs(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        repeatable: bool | None = None,
        json_body: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> OcsResponse:
        """Send an OCS request and unwrap the envelope (raises ApiError on HTTP errors)."""
        response = self.send(
            method,
            path,
            params=params,
            data=data,
            repeatable=repeatable,
            json_body=json_body,
            files=files,
        )
        try:
            return self.unwrap(response, method, path)
        except ApiError as exc:
            exc.attempts = self.attempts  # a fact the cli words: "(after N attempts)"
            raise

    def json(self, response: requests.Response) -> Any:
        return decode_json(
            response.content,
            content_type=response.headers.get("Content-Type", ""),
            url=redact_url(response.url),
            status=response.status_code,
        )

    def unwrap(self, response: requests.Response, method: str, path: str) -> OcsResponse:
        """The OCS answer; an HTML or broken body of a 5xx/429 is still that HTTP error, and so
        is a proxy's page for 405 or 413 (a body too large for nginx is its HTML page)."""
        status = response.status_code
        try:
            payload = self.json(response)
        except InvalidResponseError as exc:
            if status in (405, 413, 429) or status >= 500:
                raise api_error(
                    status, method, path, response.headers, None, None, note=exc.kind
                ) from None
            raise
        return unwrap(
            payload,
            status=status,
            method=method,
            url=redact_url(response.url),
            path=path,
            headers=response.headers,
        )

    def _redirect_error(self, response: requests.Response) -> TalkApiRedirect:
        if not response.headers.get("Location", "").strip():
            shown = redact_url(response.url)
            return TalkApiRedirect(
                f"{shown} answered HTTP {response.status_code} (a redirect) without saying "
                "where to: check the server address",
                shown,
                response.status_code,
            )
        location = urljoin(response.url, response.headers.get("Location", ""))
        here, there = urlsplit(response.url), urlsplit(location)
        shown_here, shown_there = redact_url(response.url), redact_url(location)
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            return TalkApiRedirect(
                f"{shown_here} redirects to another address ({shown_there}): not followed, "
                "credentials are never sent to another address; check the server address",
                shown_here,
                response.status_code,
            )
        return TalkApiRedirect(
            f"{shown_here} redirects to {shown_there} (HTTP {response.status_code}): "
            "check the server address",
            shown_here,
            response.status_code,
        )


def _size(number: int) -> str:
    for unit, factor in (("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if number >= factor and number % factor == 0:
            return f"{number // factor}{unit}"
    return f"{number} bytes"


class TalkApiRedirect(InvalidResponseError):
    """A redirect where an API answer was expected."""


class RepeatableRouter:
    """A requests adapter that hands each request to one of two HTTPAdapters.

    Both share one connection pool and differ only in their urllib3 ``Retry``: requests the
    caller marked repeatable (``talkctl_repeatable``) go to the retrying one. The flag travels
    on the PreparedRequest, so concurrent threads (``--jobs``) never see each other's choice.
    """

    def __init__(self, repeatable: HTTPAdapter, once: HTTPAdapter) -> None:
        self.repeatable = repeatable
        self.once = once
        # one pool for both: switching between a read and a create reuses the connection
        once.poolmanager = repeatable.poolmanager
        once.proxy_manager = repeatable.proxy_manager

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        adapter = self.repeatable if getattr(request, "talkctl_repeatable", False) else self.once
        return adapter.send(request, **kwargs)

    def close(self) -> None:
        self.repeatable.close()


def _complete(response: requests.Response) -> bool:
    """Whether a body read without error is the whole body, however late the deadline fired.

    A body framed by Content-Length or chunked encoding that ends early raises while it is
    read (urllib3 enforces the length), so reading it through means it is whole: a deadline
    that fired just after (the time was up as the last byte came) leaves it intact. Only a
    body that runs until the connection closes cannot tell a shut-down socket from its end.
    """
    if response.request.method == "HEAD" or response.status_code in (204, 304):
        return True
    headers = response.headers
    chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
    return chunked or headers.get("Content-Length") is not None
