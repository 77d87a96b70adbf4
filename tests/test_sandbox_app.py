"""The sandbox as an app: what it says where it does not emulate the real server (501), OCS
v1's own rules, the provisioning reads, and what it does before reading a request's body.

No sleeps: a test that waits for the server to close a connection blocks on a read with a
generous bound, which only an unfixed server reaches.
"""

from __future__ import annotations

import ast
import base64
import json
import socket
from pathlib import Path
from typing import Any

import pytest
import requests
from clirunner import TalkctlRunner
from fake_http import Factory, H, call, data, meta

from talkctl.sandbox import FakeTalkServer
from talkctl.sandbox.backend import Backend
from talkctl.sandbox.routes import TALK22_ROUTES

SANDBOX = Path(__file__).resolve().parent.parent / "talkctl" / "sandbox"
SERVER_MODULES = ("server", "talkctl.sandbox.server")
GENEROUS = 60.0  # seconds a blocking read may take before the test fails


def ocs(
    srv: FakeTalkServer, method: str, path: str, user: str | None = "admin", **kwargs: Any
) -> requests.Response:
    auth = None if user is None else (user, srv.password_of(user))
    return requests.request(method, srv.url + path, auth=auth, headers=H, timeout=30, **kwargs)


def test_the_fake_server_is_a_backend_and_no_sandbox_module_imports_the_server() -> None:
    backend: Backend = FakeTalkServer(default_users=False)  # mypy checks the Protocol
    assert backend.max_body > 0
    importers = []
    for module in sorted(SANDBOX.glob("*.py")):
        if module.name in ("server.py", "__init__.py", "__main__.py", "service.py", "demo.py"):
            continue  # the server itself, and what starts and fills one
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in (
                "server",
                "talkctl.sandbox.server",
            ):
                importers.append(module.name)
    assert importers == []


# -- say so when it cannot -------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/ocs/v2.php/apps/spreed/api/v1/chat/{t}/share/overview"),
        ("GET", "/ocs/v2.php/apps/files_sharing/api/v1/shares"),
        ("GET", "/ocs/v1.php/apps/spreed/api/v1/chat/{t}/share/overview"),
    ],
)
def test_what_is_not_emulated_is_501_saying_so(
    fake_talk: FakeTalkServer, method: str, path: str
) -> None:
    token = fake_talk.add_room(owner="admin", name="room")
    target = path.format(t=token)
    resp = ocs(fake_talk, method, target, data={"permissions": 1})
    assert resp.status_code == 501, resp.text
    assert meta(resp)["message"] == f"not emulated by the sandbox: {method} {target}"
    assert meta(resp)["statuscode"] == 501 and meta(resp)["status"] == "failure"


def test_head_on_what_is_not_emulated_is_501_too(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", name="room")
    resp = ocs(fake_talk, "HEAD", f"/ocs/v2.php/apps/spreed/api/v1/chat/{token}/share/overview")
    assert resp.status_code == 501


def test_a_path_outside_ocs_is_501_in_plain_text(fake_talk: FakeTalkServer) -> None:
    resp = ocs(fake_talk, "PROPFIND", "/remote.php/dav/files/admin")
    assert resp.status_code == 501
    assert resp.text == "not emulated by the sandbox: PROPFIND /remote.php/dav/files/admin\n"


@pytest.mark.parametrize(
    "path",
    [
        "/ocs/v2.php/apps/spreed/api/v4/chat/{t}",  # chat is v1 on Talk 22
        "/ocs/v2.php/apps/spreed/api/v4/room/{t}/no-such-thing",
        "/ocs/v2.php/apps/spreed/api/v1/room",  # Talk 22 serves rooms under v4 only
        "/ocs/v2.php/apps/spreed/api/v4/room/..%2F..%2Fx",  # Talk's routes want [a-z0-9]{4,30}
        "/ocs/v2.php/apps/spreed/api/v1/chat/a%20b",
    ],
)
def test_what_the_real_server_does_not_have_stays_its_404(
    fake_talk: FakeTalkServer, path: str
) -> None:
    resp = ocs(fake_talk, "GET", path.format(t=fake_talk.add_room(owner="admin")))
    assert (resp.status_code, meta(resp)["statuscode"]) == (404, 998)


def test_talkctl_says_not_emulated_instead_of_not_found(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(owner="admin", name="room")
    result = run("api", "GET", f"chat/{token}/share/overview")
    assert result.code != 3, result  # not "not found"
    assert "not emulated by the sandbox" in result.stderr, result


# -- OCS v1 --------------------------------------------------------------------------------
def test_v1_answers_http_200_with_the_outcome_in_statuscode(fake_talk: FakeTalkServer) -> None:
    fake_talk.add_group("class", ["alice"])
    listed = ocs(fake_talk, "GET", "/ocs/v1.php/cloud/groups/class/users")
    assert listed.status_code == 200
    assert listed.json()["ocs"] == {
        "meta": {
            "status": "ok",
            "statuscode": 100,
            "message": "OK",
            "totalitems": "",
            "itemsperpage": "",
        },
        "data": {"users": ["alice"]},
    }
    forbidden = ocs(fake_talk, "GET", "/ocs/v1.php/cloud/groups/class/users", user="bob")
    assert forbidden.status_code == 200
    assert (meta(forbidden)["status"], meta(forbidden)["statuscode"]) == ("failure", 403)
    unknown = ocs(fake_talk, "GET", "/ocs/v1.php/cloud/groups/nope/users")
    assert (unknown.status_code, meta(unknown)["statuscode"]) == (200, 404)
    exists = ocs(fake_talk, "POST", "/ocs/v1.php/cloud/groups", data={"groupid": "class"})
    assert (exists.status_code, meta(exists)["statuscode"]) == (200, 102)


def test_v1_keeps_401_and_answers_talk_too(fake_talk: FakeTalkServer) -> None:
    wrong = requests.get(
        fake_talk.url + "/ocs/v1.php/cloud/user", auth=("admin", "wrong"), headers=H, timeout=30
    )
    assert (wrong.status_code, meta(wrong)["statuscode"]) == (401, 997)
    token = fake_talk.add_room(owner="admin", name="over v1")
    rooms = ocs(fake_talk, "GET", "/ocs/v1.php/apps/spreed/api/v4/room")
    assert (rooms.status_code, meta(rooms)["statuscode"]) == (200, 100)
    assert [room["token"] for room in data(rooms)] == [token]
    missing = ocs(fake_talk, "GET", "/ocs/v1.php/apps/spreed/api/v4/room/zzzzzzzz")
    assert (missing.status_code, meta(missing)["statuscode"]) == (200, 404)
    absent = ocs(fake_talk, "GET", "/ocs/v1.php/apps/spreed/api/v4/room/zzzzzzzz/no-such-thing")
    assert (absent.status_code, meta(absent)["statuscode"]) == (200, 998)


def test_v1_xml_has_statuscode_100(fake_talk: FakeTalkServer) -> None:
    resp = requests.get(
        fake_talk.url + "/ocs/v1.php/cloud/user",
        auth=("alice", fake_talk.password_of("alice")),
        headers={"OCS-APIRequest": "true"},
        timeout=30,
    )
    assert resp.status_code == 200
    assert "<statuscode>100</statuscode>" in resp.text


# -- provisioning reads --------------------------------------------------------------------
def test_a_users_details_for_admins_sub_admins_and_oneself(fake_talk: FakeTalkServer) -> None:
    fake_talk.add_user("carol")
    fake_talk.add_group("class", ["carol"])
    fake_talk.add_subadmin("bob", "class")
    for user in ("admin", "carol", "bob"):
        resp = ocs(fake_talk, "GET", "/ocs/v2.php/cloud/users/carol", user=user)
        assert resp.status_code == 200, (user, resp.text)
        assert (data(resp)["id"], data(resp)["groups"]) == ("carol", ["class"])
    other = ocs(fake_talk, "GET", "/ocs/v2.php/cloud/users/carol", user="alice")
    assert (other.status_code, meta(other)["statuscode"]) == (404, 998)
    unknown = ocs(fake_talk, "GET", "/ocs/v2.php/cloud/users/nobody")
    assert (unknown.status_code, meta(unknown)["message"]) == (404, "User does not exist")


def test_sub_admins_and_group_details(fake_talk: FakeTalkServer) -> None:
    fake_talk.add_group("class", ["alice", "bob"], "The class")
    fake_talk.add_subadmin("bob", "class")
    subadmins = ocs(fake_talk, "GET", "/ocs/v2.php/cloud/groups/class/subadmins")
    assert (subadmins.status_code, data(subadmins)) == (200, ["bob"])
    of_bob = ocs(fake_talk, "GET", "/ocs/v2.php/cloud/users/bob/subadmins")
    assert (of_bob.status_code, data(of_bob)) == (200, ["class"])
    details = ocs(fake_talk, "GET", "/ocs/v2.php/cloud/groups/details", params={"search": "cla"})
    assert [(g["id"], g["displayname"], g["usercount"]) for g in data(details)["groups"]] == [
        ("class", "The class", 2)
    ]
    members = ocs(fake_talk, "GET", "/ocs/v2.php/cloud/groups/class")
    assert data(members) == {"users": ["alice", "bob"]}
    assert (
        ocs(fake_talk, "GET", "/ocs/v2.php/cloud/groups/class/subadmins", user="bob").status_code
        == 403
    )


# -- what a server faces -------------------------------------------------------------------
def raw_exchange(srv: FakeTalkServer, head: str) -> bytes:
    """Send a request head (no body) and read until the server closes the connection."""
    with socket.create_connection((srv.host, srv.port), timeout=GENEROUS) as sock:
        sock.sendall(head.encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_credentials_are_checked_before_a_large_body_is_read(fake_talk: FakeTalkServer) -> None:
    head = (
        "POST /ocs/v2.php/apps/spreed/api/v4/room HTTP/1.1\r\n"
        f"Host: {fake_talk.host}\r\nOCS-APIRequest: true\r\nAccept: application/json\r\n"
        "Authorization: Basic YWRtaW46d3Jvbmc=\r\n"  # admin:wrong
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 10000000\r\n\r\n"
    )
    answer = raw_exchange(fake_talk, head)  # an unfixed server waits for 10 MB that never come
    assert answer.startswith(b"HTTP/1.1 401 ")
    assert b'"statuscode":997' in answer
    anonymous = head.replace("Authorization: Basic YWRtaW46d3Jvbmc=\r\n", "")
    assert raw_exchange(fake_talk, anonymous).startswith(b"HTTP/1.1 401 ")
    assert fake_talk.state.rooms == {}


@pytest.mark.parametrize(
    ("authorization", "length", "first"),
    [
        ("Basic YWRtaW46d3Jvbmc=", 10_000_000, b"HTTP/1.1 401 "),  # admin:wrong
        ("", 10_000_000, b"HTTP/1.1 401 "),
        ("", 100_000_000, b"HTTP/1.1 413 "),
    ],
)
def test_expect_100_continue_is_not_answered_for_a_body_that_will_not_be_read(
    fake_talk: FakeTalkServer, authorization: str, length: int, first: bytes
) -> None:
    head = (
        "POST /ocs/v2.php/apps/spreed/api/v4/room HTTP/1.1\r\n"
        f"Host: {fake_talk.host}\r\nOCS-APIRequest: true\r\nExpect: 100-continue\r\n"
        + (f"Authorization: {authorization}\r\n" if authorization else "")
        + f"Content-Length: {length}\r\n\r\n"
    )
    assert raw_exchange(fake_talk, head).startswith(first)


def test_expect_100_continue_is_answered_for_a_body_that_will_be_read(
    fake_talk: FakeTalkServer,
) -> None:
    auth = base64.b64encode(f"admin:{fake_talk.password_of('admin')}".encode()).decode()
    body = "roomType=2&roomName=Big&padding=" + "x" * 100_000
    with socket.create_connection((fake_talk.host, fake_talk.port), timeout=GENEROUS) as sock:
        sock.sendall(
            (
                "POST /ocs/v2.php/apps/spreed/api/v4/room HTTP/1.1\r\n"
                f"Host: {fake_talk.host}\r\nOCS-APIRequest: true\r\nExpect: 100-continue\r\n"
                f"Authorization: Basic {auth}\r\nConnection: close\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
        )
        assert sock.recv(25).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body.encode())
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
    assert b"HTTP/1.1 201 " in rest


def test_a_body_over_the_cap_is_413_and_not_handled(fake_talk: FakeTalkServer) -> None:
    fake_talk.max_body = 1000
    resp = call(fake_talk, "POST", "/room", data={"roomType": 2, "roomName": "x" * 2000})
    assert resp.status_code == 413
    assert fake_talk.state.rooms == {}
    small = call(fake_talk, "POST", "/room", data={"roomType": 2, "roomName": "small"})
    assert small.status_code == 201
    # a client still sending a large body gets the answer, not a reset connection
    large = call(fake_talk, "POST", "/room", data={"roomType": 2, "roomName": "x" * 8_000_000})
    assert large.status_code == 413
    fake_talk.max_body = 16_000_000
    wrong = call(fake_talk, "POST", "/room", password="wrong", data={"roomName": "x" * 8_000_000})
    assert wrong.status_code == 401
    assert [room.name for room in fake_talk.state.rooms.values()] == ["small"]


def test_an_idle_connection_is_closed(fake_talk_factory: Factory) -> None:
    srv = fake_talk_factory(idle_timeout=0.05)
    with socket.create_connection((srv.host, srv.port), timeout=GENEROUS) as sock:
        assert sock.recv(1) == b""  # closed by the server, not our bound


def test_the_request_log_is_bounded_when_asked(fake_talk_factory: Factory) -> None:
    srv = fake_talk_factory(log_limit=3)
    for _ in range(10):
        call(srv, "GET", "/room")
    assert 3 <= len(srv.requests) <= 6
    assert srv.count("GET", "/room") == len(srv.requests)
    unbounded = fake_talk_factory()
    for _ in range(10):
        call(unbounded, "GET", "/room")
    assert len(unbounded.requests) == 10


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "::1", "192.0.2.1", "example.org"])
def test_the_fake_server_listens_on_loopback_only(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        FakeTalkServer(host=host)


def test_a_sandbox_bounds_its_log_and_the_talk_server_fixture_keeps_all(tmp_path: Path) -> None:
    from talkctl.sandbox.service import LOG_LIMIT, Sandbox, SandboxOptions
    from talkctl.testing.server import TalkServer

    assert Sandbox(SandboxOptions(data="empty")).server.log_limit == LOG_LIMIT
    assert TalkServer(tmp_path, data="empty").fake.log_limit is None


def test_unknown_tokens_under_v1_count_for_brute_force_protection(
    fake_talk: FakeTalkServer,
) -> None:
    fake_talk.bruteforce = True
    for _ in range(10):
        missing = ocs(fake_talk, "GET", "/ocs/v1.php/apps/spreed/api/v4/room/zzzzzzzz")
        assert (missing.status_code, meta(missing)["statuscode"]) == (200, 404)
    token = fake_talk.add_room(owner="admin", name="real")
    assert ocs(fake_talk, "GET", f"/ocs/v2.php/apps/spreed/api/v4/room/{token}").status_code == 500


def test_the_talk22_route_table_is_the_openapi_files_operations() -> None:
    """recordings/talk22-routes/routes.json lists every operation of Talk 22's OpenAPI files
    (../shared/spec): what the sandbox tells apart from a path Talk does not have."""
    spec = Path(__file__).resolve().parent.parent.parent / "shared" / "spec"
    if not spec.is_dir():
        pytest.skip("../shared/spec is not beside the repository")
    expected = set()
    for name in ("openapi-talk22.json", "openapi-bots-talk22.json"):
        for path, operations in json.loads((spec / name).read_text("utf-8"))["paths"].items():
            for method, operation in operations.items():
                if method != "parameters":
                    versions = [
                        int(v[1:])
                        for p in operation.get("parameters", [])
                        if p["name"] == "apiVersion"
                        for v in p["schema"]["enum"]
                    ]
                    expected.add((method.upper(), tuple(versions), path))
    listed = json.loads(TALK22_ROUTES.read_text("utf-8"))["routes"]
    assert expected <= {(m, tuple(v), p) for m, v, p in listed}
    assert len(listed) == len({(m, p) for m, _v, p in listed})
