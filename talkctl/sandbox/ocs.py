"""Response objects and OCS envelope helpers (JSON and, when not asked for JSON, XML)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

JSON_TYPE = "application/json; charset=utf-8"
NOT_EMULATED = 501
INVALID_QUERY = (
    "Invalid query, please check the syntax. API specifications are here: "
    "http://www.freedesktop.org/wiki/Specifications/open-collaboration-services.\n"
)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering
    close: bool = False  # close the connection after answering (a body left unread)


@dataclass
class Ocs:
    """An OCS answer before it is encoded (JSON or XML, decided by the request)."""

    status: int
    data: Any
    statuscode: int | None = None
    message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def envelope(self, v1: bool = False) -> dict[str, Any]:
        """The OCS v2 envelope, or with ``v1`` v1's (``V1Response``): statuscode 100 for
        success, the status otherwise, and ``totalitems``/``itemsperpage``."""
        code = self.statuscode if self.statuscode is not None else self.status
        if v1:
            code = 100 if code == 200 else code
            ok = code == 100
        else:
            ok = 200 <= self.status < 300
        meta: dict[str, Any] = {
            "status": "ok" if ok else "failure",
            "statuscode": code,
            "message": self.message if self.message is not None else ("OK" if ok else ""),
        }
        if v1:
            meta.update(totalitems="", itemsperpage="")
        return {"ocs": {"meta": meta, "data": self.data}}

    def http_status(self, v1: bool = False) -> int:
        """The HTTP status: OCS v1 answers 200 whatever happened, except 401 (and the
        sandbox's own 501, which no real server sends)."""
        if v1 and self.status not in (401, NOT_EMULATED):
            return 200
        return self.status

    def encode(self, want_json: bool, v1: bool = False) -> Response:
        envelope = self.envelope(v1)
        if want_json:
            body = json.dumps(envelope, separators=(",", ":")).encode()
            ctype = JSON_TYPE
        else:
            body = to_xml(envelope).encode()
            ctype = "application/xml; charset=utf-8"
        return Response(self.http_status(v1), body, {"Content-Type": ctype, **self.headers})


def ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Ocs:
    return Ocs(status, data, headers=headers or {})


def fail(status: int, data: Any = None, message: str = "") -> Ocs:
    return Ocs(status, [] if data is None else data, message=message)


def fail_null(status: int) -> Ocs:
    return Ocs(status, None)


def not_logged_in() -> Ocs:
    return Ocs(401, [], statuscode=997, message="Current user is not logged in")


def unauthorised() -> Ocs:
    return Ocs(
        401,
        [],
        statuscode=997,
        message="Unauthorised",
        headers={"WWW-Authenticate": 'Basic realm="Authorisation Required"'},
    )


def unknown_route() -> Ocs:
    return Ocs(404, [], statuscode=998, message=INVALID_QUERY)


def not_emulated(method: str, path: str) -> Ocs:
    """What the sandbox answers where it does not emulate the real server: 501, saying so,
    never a real-looking 404 (an OCS envelope, also for paths outside OCS)."""
    return Ocs(NOT_EMULATED, [], message=f"not emulated by the sandbox: {method} {path}")


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, body, {"Content-Type": JSON_TYPE, **(headers or {})})


def _xml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "".join(
            f"<{k}>{_xml_value(v)}</{k}>"
            if str(k)[:1].isalpha()
            else f"<element>{_xml_value(v)}</element>"
            for k, v in value.items()
        )
    if isinstance(value, list):
        return "".join(f"<element>{_xml_value(v)}</element>" for v in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    return escape(str(value))


def to_xml(envelope: dict[str, Any]) -> str:
    """Nextcloud answers OCS in XML unless format=json or Accept: application/json."""
    return '<?xml version="1.0"?>\n<ocs>' + _xml_value(envelope["ocs"]) + "</ocs>\n"
