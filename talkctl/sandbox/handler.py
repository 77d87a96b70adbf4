"""The HTTP request handler: parsing, auth, faults, dispatch, logging."""

from __future__ import annotations

import base64
import contextlib
import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .context import Ctx
from .ocs import Ocs, Response, not_logged_in, unauthorised, unknown_route
from .routes import resolve

if TYPE_CHECKING:
    from .server import FakeTalkServer


@dataclass
class RequestRecord:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    json: Any
    user: str | None
    status: int  # 0 when the connection was dropped
    headers: dict[str, str]
    fault: bool = False
    client_port: int = 0  # tells connections apart (keep-alive reuse)
    time: float = field(default_factory=time.time)

    @property
    def is_spreed(self) -> bool:
        return self.path.startswith("/ocs/v2.php/apps/spreed/")

    @property
    def params(self) -> dict[str, Any]:
        merged: dict[str, Any] = {**self.query, **self.form}
        if isinstance(self.json, dict):
            merged.update(self.json)
        return merged


def _parse_body(headers: dict[str, str], raw: bytes) -> tuple[dict[str, str], Any]:
    ctype = headers.get("content-type", "")
    if not raw:
        return {}, None
    if "application/json" in ctype:
        try:
            return {}, json.loads(raw)
        except ValueError:
            return {}, None
    if "application/x-www-form-urlencoded" in ctype or not ctype:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)), None
    return {}, None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Small answers would otherwise wait ~40 ms for the client's delayed ACK (Nagle).
    disable_nagle_algorithm = True
    fake: FakeTalkServer  # set on the subclass created per server

    def version_string(self) -> str:
        return "Apache"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _handle(self) -> None:
        srv = self.fake
        url = urlsplit(self.path)
        path, query = url.path, dict(parse_qsl(url.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        form, body_json = _parse_body(headers, raw)
        record = RequestRecord(
            self.command,
            path,
            query,
            form,
            body_json,
            None,
            0,
            dict(self.headers.items()),
            client_port=self.client_address[1],
        )
        auth = self._authenticate(headers)
        record.user = auth[0]
        if srv.latency:
            time.sleep(srv.latency)
        fault = srv.faults.take(self.command, self.path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if not fault.delay_only:
                record.fault = True
                self._finish(record, fault.response())
                return
        try:
            response = self._dispatch(record, headers, auth)
        except Exception as exc:  # pragma: no cover - a bug in the fake itself
            response = Response(
                500, f"fake_talk error: {exc!r}".encode(), {"Content-Type": "text/plain"}
            )
        self._finish(record, response)

    def _authenticate(
        self, headers: dict[str, str]
    ) -> tuple[str | None, str | None, str | None, bool]:
        """(user, auth kind, app password, credentials_were_bad)"""
        value = headers.get("authorization", "")
        if not value.lower().startswith("basic "):
            return None, None, None, False
        try:
            login, _, secret = base64.b64decode(value[6:]).decode().partition(":")
        except ValueError:
            return None, None, None, True
        st = self.fake.state
        with st.lock:
            user_id = st.user_of_login(login)  # the login name need not be the user id
            user = st.users.get(user_id) if user_id is not None else None
            if user is not None and secret == user.password:
                return user.id, "password", None, False
            if user is not None and st.app_passwords.get(secret) == user.id:
                return user.id, "app", secret, False
        return None, None, None, True

    def _dispatch(
        self,
        record: RequestRecord,
        headers: dict[str, str],
        auth_result: tuple[str | None, str | None, str | None, bool],
    ) -> Response:
        srv = self.fake
        path = record.path
        is_ocs = path.startswith("/ocs/")
        want_json = record.query.get("format") == "json" or "application/json" in headers.get(
            "accept", ""
        )
        user, auth, app_pw, bad = auth_result
        match = resolve(srv.profile, self.command, path)
        if bad and is_ocs:
            srv.note_failure(self.client_address[0])
            return unauthorised().encode(want_json)
        if match is None:
            if is_ocs:
                return unknown_route().encode(want_json)
            return Response(
                404,
                b"<!DOCTYPE html><html><body>Page not found</body></html>",
                {"Content-Type": "text/html; charset=utf-8"},
            )
        if match.route.auth and user is None:
            return not_logged_in().encode(want_json)
        if match.spreed and user is not None and not srv.state.users[user].talk_enabled:
            return unknown_route().encode(want_json)
        if match.route.has_token and srv.bruteforce:
            throttled = srv.brute_force.check(self.client_address[0])
            if throttled is not None:
                return throttled
        ctx = Ctx(
            srv,
            self.command,
            path,
            record.params,
            headers,
            user,
            auth,
            app_pw,
            match.api,
            match.token,
            self.client_address[0],
        )
        with srv.state.lock:
            result = match.route.handler(ctx)
        response = result.encode(want_json) if isinstance(result, Ocs) else result
        if match.route.has_token and response.status == 404:
            srv.note_failure(self.client_address[0])
        return response

    def _finish(self, record: RequestRecord, response: Response) -> None:
        record.status = response.status
        self.fake.log(record)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return
        self.send_response(response.status)
        headers = dict(response.headers)
        if record.user is not None and response.status != 401:
            headers.setdefault("X-User-Id", record.user)  # as Nextcloud: the user id, not login
        if "nc_session_id=" not in self.headers.get("Cookie", ""):
            sid = self.fake.state.session_id()
            headers.setdefault(
                "Set-Cookie",
                f"nc_session_id={sid}; path=/; "
                + ("secure; " if self.fake.tls is not None else "")
                + "HttpOnly; SameSite=Lax",
            )
        for key, value in headers.items():
            self.send_header(key, value)
        body = b"" if self.command == "HEAD" else response.body
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if body:
            self.wfile.write(body)
