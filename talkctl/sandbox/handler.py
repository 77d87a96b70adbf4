"""The HTTP side of the sandbox: parse a request's head, let the app answer, write it out.

Everything a request means is decided in ``app.py``; this module only speaks HTTP/1.1 on a
socket. An idle connection is closed after the server's ``idle_timeout`` seconds (the
socket timeout of ``StreamRequestHandler``), so clients that connect and wait cannot hold
the server's threads and file descriptors.
"""

from __future__ import annotations

import contextlib
from http.server import BaseHTTPRequestHandler
from typing import Any

from .app import Request, answered_unread, handle
from .backend import Backend, RequestRecord
from .ocs import Response

__all__ = ["Handler", "RequestRecord"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Small answers would otherwise wait ~40 ms for the client's delayed ACK (Nagle).
    disable_nagle_algorithm = True
    fake: Backend  # set on the subclass created per server (with ``timeout``)

    def version_string(self) -> str:
        return "Apache"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _request(self) -> Request:
        return Request(
            self.command,
            self.path,
            dict(self.headers.items()),
            (str(self.client_address[0]), int(self.client_address[1])),
            self.rfile.read,
        )

    def do_GET(self) -> None:
        record, response = handle(self.fake, self._request())
        self._finish(record, response)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def handle_expect_100(self) -> bool:
        """``Expect: 100-continue``: no "send it" for a body the answer will not read."""
        if answered_unread(self.fake, self._request()):
            return True
        return super().handle_expect_100()

    def __getattr__(self, name: str) -> Any:
        """Any other method (WebDAV's PROPFIND, ...) goes to the app too, which says what it
        does not emulate."""
        if name.startswith("do_") and name[3:].isalpha() and name[3:].isupper():
            return self.do_GET
        raise AttributeError(name)

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
        if "nc_session_id=" not in self.headers.get("Cookie", ""):
            sid = self.fake.state.session_id()
            headers.setdefault(
                "Set-Cookie",
                f"nc_session_id={sid}; path=/; "
                + ("secure; " if self.fake.secure else "")
                + "HttpOnly; SameSite=Lax",
            )
        if response.close:
            headers["Connection"] = "close"
            self.close_connection = True
        for key, value in headers.items():
            self.send_header(key, value)
        body = b"" if self.command == "HEAD" else response.body
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if body:
            self.wfile.write(body)
