"""Account endpoints: Login Flow v2, the current user, app password exchange and revocation.

Login Flow v2 (``POST /index.php/login/v2``) answers plain JSON, not OCS: ``login`` is the page
the user opens, ``poll.endpoint`` + ``poll.token`` are polled until the server answers 200 with
``server``, ``loginName`` and ``appPassword`` (404 while the login is pending or expired).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from talkctl.api.errors import ApiError, InvalidResponseError, TalkApiError
from talkctl.api.errors import LoginFlowError as LoginFlowError  # where callers found it
from talkctl.api.transport.envelope import api_error
from talkctl.api.transport.http import Transport

LOGIN_START_PATH = "/index.php/login/v2"
CLOUD_USER_PATH = "/ocs/v2.php/cloud/user"
GET_APP_PASSWORD_PATH = "/ocs/v2.php/core/getapppassword"
APP_PASSWORD_PATH = "/ocs/v2.php/core/apppassword"
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class LoginFlow:
    """A started login: the page to open and where to poll (already checked)."""

    login_url: str
    poll_endpoint: str
    poll_token: str = field(repr=False)
    notice: str | None = None  # why the poll endpoint differs from the announced one


@dataclass(frozen=True)
class LoginGrant:
    """The answer of a completed login."""

    server: str
    login_name: str
    app_password: str = field(repr=False)


@dataclass(frozen=True)
class AccountInfo:
    """``GET /cloud/user``: who the credentials belong to."""

    user_id: str
    display_name: str
    raw: dict[str, Any] = field(repr=False, default_factory=dict)


def _port(scheme: str, port: int | None) -> int | None:
    return port if port is not None else DEFAULT_PORTS.get(scheme)


def checked_poll_endpoint(server: str, endpoint: str) -> tuple[str, str | None]:
    """The URL to poll, and a notice when it had to be changed.

    The endpoint must be on the host the user gave. An ``http`` endpoint announced by an
    ``https`` server (a proxy without ``overwriteprotocol``) is polled over https: the poll
    answer carries the app password and must never travel unencrypted.
    """
    ours = urlsplit(server)
    invalid = LoginFlowError(f"the server announced an invalid poll endpoint {_shown(endpoint)}")
    try:
        theirs = urlsplit(endpoint)
        their_host, their_port = theirs.hostname, theirs.port
    except ValueError:  # an unclosed [ in the host, a port that is no port
        raise invalid from None
    if theirs.scheme not in ("http", "https") or not their_host or their_port == 0:
        raise invalid
    if "@" in theirs.netloc:
        raise invalid
    our_host = (ours.hostname or "").lower()
    if their_host.lower() != our_host:
        raise LoginFlowError(
            f"refusing to poll {theirs.scheme}://{theirs.netloc}: the login was started on "
            f"{our_host}, and the poll answer carries the app password"
        )
    if ours.scheme == "https" and theirs.scheme == "http":
        upgraded = urlunsplit(("https", ours.netloc, theirs.path, theirs.query, ""))
        return upgraded, (
            f"the server announced an http poll endpoint; polling {upgraded} instead "
            "(is the proxy missing Nextcloud's 'overwriteprotocol'?)"
        )
    if ours.scheme == theirs.scheme and _port(ours.scheme, ours.port) != _port(
        theirs.scheme, their_port
    ):
        raise LoginFlowError(
            f"refusing to poll {theirs.scheme}://{theirs.netloc}: not the address the login "
            f"was started on ({ours.netloc})"
        )
    return endpoint, None


def _shown(text: str) -> str:
    """A value from the server, quoted for a message: at most 100 characters."""
    return repr(text if len(text) <= 100 else text[:97] + "...")


def _json_body(transport: Transport, response: Any) -> Any:
    return transport.json(response)


def _string(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def _unexpected(response: Any, method: str, path: str, what: str) -> TalkApiError:
    status = int(response.status_code)
    if status == 429 or status >= 500:
        return api_error(status, method, path, response.headers, None, None)
    return LoginFlowError(f"{what} answered HTTP {status}")


def start_login_flow(transport: Transport) -> LoginFlow:
    """``POST /index.php/login/v2`` (no credentials): the login page and the poll details."""
    response = transport.send("POST", LOGIN_START_PATH, auth=False)
    if response.status_code != 200:
        if response.status_code == 404:
            raise LoginFlowError(
                f"{transport.server} does not offer Login Flow v2 (Nextcloud 16 or later)",
                "unavailable",
            )
        raise _unexpected(response, "POST", LOGIN_START_PATH, "starting the login")
    data = _json_body(transport, response)
    poll = data.get("poll") if isinstance(data, dict) else None
    login_url = _string(data, "login")
    endpoint, token = _string(poll, "endpoint"), _string(poll, "token")
    if login_url is None or endpoint is None or token is None:
        raise InvalidResponseError(
            f"the login flow answer of {response.url} lacks 'login' or 'poll'",
            response.url,
            response.status_code,
        )
    poll_url, notice = checked_poll_endpoint(transport.server, endpoint)
    checked_login_page(login_url)
    return LoginFlow(login_url=login_url, poll_endpoint=poll_url, poll_token=token, notice=notice)


def checked_login_page(url: str) -> str:
    """``url`` when it is a web page: it is printed and opened in a browser, and a browser
    command given ``-x`` or ``file:///...`` takes it as an option or opens a local file."""
    invalid = LoginFlowError(f"the server announced an invalid login page {_shown(url)}")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise invalid from None
    if parts.scheme not in ("http", "https") or not host or "@" in parts.netloc:
        raise invalid
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise invalid
    return url


def poll_login_flow(transport: Transport, flow: LoginFlow) -> LoginGrant | None:
    """One poll: the grant when the user has logged in, None while pending (404)."""
    response = transport.send(
        "POST", flow.poll_endpoint, data={"token": flow.poll_token}, auth=False
    )
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise _unexpected(response, "POST", flow.poll_endpoint, "polling the login")
    data = _json_body(transport, response)
    server = _string(data, "server")
    login_name = _string(data, "loginName")
    app_password = _string(data, "appPassword")
    if server is None or login_name is None or app_password is None:
        raise InvalidResponseError(
            "the completed login lacks 'server', 'loginName' or 'appPassword'",
            response.url,
            response.status_code,
        )
    return LoginGrant(server=server, login_name=login_name, app_password=app_password)


def current_user(transport: Transport) -> AccountInfo:
    """``GET /ocs/v2.php/cloud/user``: verifies the credentials and names the account."""
    data = transport.ocs("GET", CLOUD_USER_PATH).data
    user_id = _string(data, "id")
    if user_id is None:
        raise InvalidResponseError(
            "the answer of /cloud/user has no user id", transport.url(CLOUD_USER_PATH), 200
        )
    display_name = _string(data, "display-name") or _string(data, "displayname") or user_id
    return AccountInfo(user_id=user_id, display_name=display_name, raw=dict(data))


def exchange_app_password(transport: Transport) -> str | None:
    """``GET /ocs/v2.php/core/getapppassword``.

    Authenticated with the account's real password the server answers 200 with a new app
    password; with an app password it answers 403 (returned as None). Other errors raise.
    """
    try:
        data = transport.ocs("GET", GET_APP_PASSWORD_PATH).data
    except ApiError as exc:
        if exc.status == 403:
            return None
        raise
    app_password = _string(data, "apppassword")
    if app_password is None:
        raise InvalidResponseError(
            "the answer of getapppassword has no 'apppassword'",
            transport.url(GET_APP_PASSWORD_PATH),
            200,
        )
    return app_password


def revoke_app_password(transport: Transport) -> None:
    """``DELETE /ocs/v2.php/core/apppassword``: revokes the app password the request uses."""
    transport.ocs("DELETE", APP_PASSWORD_PATH)
