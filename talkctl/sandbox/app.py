"""The sandbox as an app: one request in, one response out, over a ``Backend``'s state.

The server (``server.py``, ``handler.py``) only parses HTTP and writes the answer; this module
decides everything else, in the order a Nextcloud server does what matters to a client:
the size of the body and the credentials are checked from the request head, before the body
is read (an unauthenticated client cannot make the sandbox hold its upload), then the body,
injected faults, the route and the handler.

``ocs/v1.php`` is answered with OCS v1's own rules (Nextcloud's ``V1Response`` and
``OC_API::respond``): HTTP 200 whatever the outcome, except 401; ``meta.statuscode`` 100 for
success and the status otherwise, and ``totalitems``/``itemsperpage`` in ``meta``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .backend import V1_PREFIX, Backend, RequestRecord, Upload, ocs_v2_path
from .context import Ctx
from .ocs import Ocs, Response, not_emulated, not_logged_in, unauthorised, unknown_route
from .routes import is_absent, resolve

# a refused request's body up to this size is read and dropped (the connection stays usable);
# a larger one is not read at all, and the connection is closed after the answer
DRAIN_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Auth:
    user: str | None = None
    kind: str | None = None  # "password", "app" or None
    app_password: str | None = None
    bad: bool = False  # credentials were sent and are wrong


@dataclass(frozen=True)
class Request:
    """A request's head as the server parsed it; the body is read on demand."""

    method: str
    target: str  # path and query as sent
    headers: dict[str, str]  # as sent
    client: tuple[str, int]
    read_body: Callable[[int], bytes]

    @property
    def lower_headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}


def parse_body(headers: dict[str, str], raw: bytes) -> tuple[dict[str, str], Any]:
    ctype = headers.get("content-type", "")
    if not raw:
        return {}, None
    if "application/json" in ctype:
        try:
            return {}, json.loads(raw)
        except (ValueError, RecursionError):
            return {}, None
    if "application/x-www-form-urlencoded" in ctype or not ctype:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)), None
    if "multipart/form-data" in ctype:
        return parse_multipart(ctype, raw)[0], None
    return {}, None


def parse_multipart(ctype: str, raw: bytes) -> tuple[dict[str, str], dict[str, Upload]]:
    """A multipart/form-data body: its plain fields and its files (by field name)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
    form: dict[str, str] = {}
    files: dict[str, Upload] = {}
    if not message.is_multipart():
        return form, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        filename = part.get_filename()
        if filename is None:
            form[name] = payload.decode("utf-8", "replace")
        else:
            files[name] = Upload(filename, part.get_content_type(), payload)
    return form, files


def authenticate(backend: Backend, headers: dict[str, str]) -> Auth:
    value = headers.get("authorization", "")
    if not value.lower().startswith("basic "):
        return Auth()
    try:
        login, _, secret = base64.b64decode(value[6:]).decode().partition(":")
    except ValueError:
        return Auth(bad=True)
    st = backend.state
    with st.lock:
        user_id = st.user_of_login(login)  # the login name need not be the user id
        user = st.users.get(user_id) if user_id is not None else None
        if user is not None and secret == user.password:
            return Auth(user.id, "password")
        if user is not None and st.app_passwords.get(secret) == user.id:
            return Auth(user.id, "app", secret)
    return Auth(bad=True)


def handle(backend: Backend, request: Request) -> tuple[RequestRecord, Response]:
    """The answer to ``request`` and what the request log keeps of it."""
    url = urlsplit(request.target)
    headers = request.lower_headers
    record = RequestRecord(
        request.method,
        url.path,
        dict(parse_qsl(url.query, keep_blank_values=True)),
        {},
        None,
        None,
        0,
        dict(request.headers),
        client_port=request.client[1],
    )
    length = _length(headers)
    if length < 0:
        return record, Response(400, b"Bad Request\n", {"Content-Type": "text/plain"}, close=True)
    if length > backend.max_body:
        return record, Response(
            413,
            f"Request body larger than {backend.max_body} bytes\n".encode(),
            {"Content-Type": "text/plain; charset=utf-8"},
            close=True,
        )
    auth = authenticate(backend, headers)
    record.user = auth.user
    refused = _refusal(backend, request.method, record.path, auth)
    if refused is not None and length > DRAIN_LIMIT:
        response = _refuse(backend, request, record, headers, refused)
        response.close = True
        return record, response
    raw = request.read_body(length) if length else b""
    if len(raw) < length:  # the client hung up or went quiet mid-body
        return record, Response(0, drop=True)
    record.form, record.json = parse_body(headers, raw)
    if "multipart/form-data" in headers.get("content-type", ""):
        record.files = parse_multipart(headers["content-type"], raw)[1]
    if backend.latency:
        time.sleep(backend.latency)
    fault = backend.faults.take(request.method, request.target)
    if fault is not None:
        if fault.delay:
            time.sleep(fault.delay)
        if not fault.delay_only:
            record.fault = True
            return record, fault.response()
    if refused is not None:
        return record, _refuse(backend, request, record, headers, refused)
    try:
        response = _dispatch(backend, request, record, headers, auth)
    except Exception as exc:  # pragma: no cover - a bug in the fake itself
        response = Response(
            500, f"fake_talk error: {exc!r}".encode(), {"Content-Type": "text/plain"}
        )
    if auth.user is not None and response.status != 401:
        response.headers.setdefault("X-User-Id", auth.user)  # as Nextcloud: the id, not login
    return record, response


def _length(headers: dict[str, str]) -> int:
    """The declared body length; -1 when it is no length."""
    try:
        return int(headers.get("content-length") or 0)
    except ValueError:
        return -1


def answered_unread(backend: Backend, request: Request) -> bool:
    """The request is answered without its body being read (too large, or refused before a
    large body): a client that asked ``Expect: 100-continue`` is not told to send it."""
    headers = request.lower_headers
    length = _length(headers)
    if length < 0 or length > backend.max_body:
        return True
    path = urlsplit(request.target).path
    refused = _refusal(backend, request.method, path, authenticate(backend, headers))
    return refused is not None and length > DRAIN_LIMIT


def _wants_json(record: RequestRecord, headers: dict[str, str]) -> bool:
    return record.query.get("format") == "json" or "application/json" in headers.get("accept", "")


def _encode(answer: Ocs, record: RequestRecord, headers: dict[str, str]) -> Response:
    return answer.encode(_wants_json(record, headers), v1=record.path.startswith(V1_PREFIX))


def _refusal(backend: Backend, method: str, path: str, auth: Auth) -> tuple[Ocs, bool] | None:
    """The 401 a request gets from its head alone, and whether it counts as a failed login:
    wrong credentials on OCS, or none where the route needs them."""
    if auth.bad and path.startswith("/ocs/"):
        return unauthorised(), True
    if auth.user is None:
        match = resolve(backend.profile, method, ocs_v2_path(path))
        if match is not None and match.route.auth:
            return not_logged_in(), False
    return None


def _refuse(
    backend: Backend,
    request: Request,
    record: RequestRecord,
    headers: dict[str, str],
    refused: tuple[Ocs, bool],
) -> Response:
    answer, failed_login = refused
    if failed_login:
        backend.note_failure(request.client[0])
    return _encode(answer, record, headers)


def _dispatch(
    backend: Backend,
    request: Request,
    record: RequestRecord,
    headers: dict[str, str],
    auth: Auth,
) -> Response:
    method, path, address = request.method, ocs_v2_path(record.path), request.client[0]
    match = resolve(backend.profile, method, path)
    if match is None:
        if not path.startswith("/ocs/"):
            text = str(not_emulated(method, record.path).message) + "\n"
            return Response(501, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})
        if is_absent(backend.profile, method, path):
            return _encode(unknown_route(), record, headers)
        return not_emulated(method, record.path).encode(_wants_json(record, headers))
    if match.spreed and auth.user is not None and not backend.state.users[auth.user].talk_enabled:
        return _encode(unknown_route(), record, headers)
    if match.route.has_token and backend.bruteforce:
        throttled = backend.brute_force.check(address)
        if throttled is not None:
            return throttled
    ctx = Ctx(
        backend,
        method,
        record.path,
        record.params,
        headers,
        auth.user,
        auth.kind,
        auth.app_password,
        match.api,
        match.token,
        address,
        files=record.files,
    )
    with backend.state.lock:
        result = match.route.handler(ctx)
    status = result.status  # before v1 makes a 404 an HTTP 200: it counts all the same
    if match.route.has_token and status == 404:
        backend.note_failure(address)
    return _encode(result, record, headers) if isinstance(result, Ocs) else result
