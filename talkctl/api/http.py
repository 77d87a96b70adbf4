"""HTTP transport: one pooled requests.Session per run, OCS headers, timeouts, debug log."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from talkctl import __version__
from talkctl.api.envelope import OcsResponse, decode_json, unwrap
from talkctl.api.errors import InvalidResponseError, TransportError

if TYPE_CHECKING:
    import requests

USER_AGENT = f"talkctl/{__version__}"
REDACTED_HEADERS = {"authorization", "cookie", "set-cookie", "proxy-authorization"}
SECRET_FIELDS = {"password", "apppassword", "appPassword", "token"}

DebugSink = Callable[[str], None]


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: credentials and cookies replaced."""
    safe: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in REDACTED_HEADERS:
            scheme = value.split(" ", 1)[0] if name.lower().endswith("authorization") else ""
            safe[name] = f"{scheme} <redacted>".strip()
        else:
            safe[name] = value
    return safe


def redact_form(form: Mapping[str, Any] | None) -> dict[str, Any]:
    """A request body safe to log: password-like fields replaced."""
    return {k: ("<redacted>" if k in SECRET_FIELDS else v) for k, v in (form or {}).items()}


class Transport:
    """Sends requests to one Nextcloud server as one account.

    Keeps the server's session cookies for the run (in memory only), so later requests skip
    the password check; sets the OCS headers and a timeout on every request.
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
    ) -> None:
        self.server = server.rstrip("/")
        self.user = user
        self._secret = secret
        self.timeout = timeout
        self.verify = verify
        self.debug = debug
        self.pool_size = pool_size
        self._session: requests.Session | None = None
        self.requests_sent = 0

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            import requests
            from requests.adapters import HTTPAdapter

            session = requests.Session()
            session.headers.update(
                {
                    "OCS-APIRequest": "true",
                    "Accept": "application/json",
                    "User-Agent": USER_AGENT,
                }
            )
            if self.user is not None and self._secret is not None:
                session.auth = (self.user, self._secret)
            session.verify = self.verify
            session.trust_env = True
            adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(self.pool_size, 10))
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._session = session
        return self._session

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
    ) -> requests.Response:
        """Send one request and return the raw response (no status handling)."""
        import requests

        url = self.url(path)
        started = time.monotonic()
        if self.debug:
            self.debug(f"> {method} {url} params={dict(params or {})} form={redact_form(data)}")
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=data,
                timeout=self.timeout,
                allow_redirects=False,
                auth=None if auth else _NoAuth(),
            )
        except requests.exceptions.SSLError as exc:
            raise TransportError(
                f"TLS failure talking to {self.server}: {_reason(exc)} "
                "(use --ca-bundle for a private CA)",
                "tls",
            ) from None
        except requests.exceptions.Timeout:
            raise TransportError(
                f"timed out after {self.timeout:g} s waiting for {self.server} (see --timeout)",
                "timeout",
            ) from None
        except requests.exceptions.ConnectionError as exc:
            raise _connection_error(self.server, exc) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(f"request to {url} failed: {_reason(exc)}", "other") from None
        finally:
            self.requests_sent += 1
        if self.debug:
            elapsed = (time.monotonic() - started) * 1000
            self.debug(
                f"< {response.status_code} {method} {url} ({elapsed:.0f} ms) "
                f"request-headers={redact_headers(response.request.headers)} "
                f"response-headers={redact_headers(response.headers)}"
            )
        if response.is_redirect:
            raise self._redirect_error(response)
        return response

    def ocs(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> OcsResponse:
        """Send an OCS request and unwrap the envelope (raises ApiError on HTTP errors)."""
        response = self.send(method, path, params=params, data=data)
        return self.unwrap(response, method, path)

    def json(self, response: requests.Response) -> Any:
        return decode_json(
            response.content,
            content_type=response.headers.get("Content-Type", ""),
            url=response.url,
            status=response.status_code,
        )

    def unwrap(self, response: requests.Response, method: str, path: str) -> OcsResponse:
        payload = self.json(response)
        return unwrap(
            payload,
            status=response.status_code,
            method=method,
            url=response.url,
            path=path,
            headers=response.headers,
        )

    def _redirect_error(self, response: requests.Response) -> TalkApiRedirect:
        location = urljoin(response.url, response.headers.get("Location", ""))
        here, there = urlsplit(response.url), urlsplit(location)
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            return TalkApiRedirect(
                f"{response.url} redirects to {location}: not followed, credentials are never "
                "sent to another address; check the server address (https?)",
                response.url,
                response.status_code,
            )
        return TalkApiRedirect(
            f"{response.url} redirects to {location} (HTTP {response.status_code}): "
            "check the server address",
            response.url,
            response.status_code,
        )


class TalkApiRedirect(InvalidResponseError):
    """A redirect where an API answer was expected."""


class _NoAuth:
    """requests auth that sends no credentials (login flow start)."""

    def __call__(self, request: Any) -> Any:
        request.headers.pop("Authorization", None)
        return request


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Caused by ", "certificate verify failed", "[SSL"):
        index = text.find(marker)
        if index >= 0:
            return text[index:].rstrip(")").strip()
    return text


def _connection_error(server: str, exc: BaseException) -> TransportError:
    text = str(exc)
    host = urlsplit(server).hostname or server
    if any(
        m in text
        for m in (
            "Name or service not known",
            "NameResolutionError",
            "nodename nor servname",
            "getaddrinfo failed",
            "Temporary failure in name resolution",
        )
    ):
        return TransportError(f"cannot resolve host {host}: check the server address", "dns")
    if "Connection refused" in text or "ConnectionRefusedError" in text:
        return TransportError(f"connection refused by {server}: is the server running?", "refused")
    if "RemoteDisconnected" in text or "Connection aborted" in text or "reset" in text.lower():
        return TransportError(f"{server} closed the connection without an answer", "dropped")
    return TransportError(f"cannot connect to {server}: {_reason(exc)}", "connection")
