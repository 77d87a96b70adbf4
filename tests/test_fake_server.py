"""Focused tests of the fake server's behaviour beyond the recorded replay."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from talkctl.sandbox import PROFILES, FakeTalkServer

# the Talk versions in numeric order; sorted outside @parametrize, whose argument type would
# make mypy infer sorted()'s items as object (and reject key=int)
TALKS: list[str] = sorted(PROFILES, key=int)
H = {"Accept": "application/json", "OCS-APIRequest": "true"}
Factory = Callable[..., FakeTalkServer]


def api(srv: FakeTalkServer, version: int = 4) -> str:
    return f"{srv.url}/ocs/v2.php/apps/spreed/api/v{version}"


def call(
    srv: FakeTalkServer,
    method: str,
    path: str,
    user: str | None = "admin",
    version: int | None = None,
    password: str | None = None,
    **kwargs: Any,
) -> requests.Response:
    base = api(srv, version if version is not None else max(srv.profile.apis))
    auth = None if user is None else (user, password or srv.password_of(user))
    return requests.request(method, base + path, auth=auth, headers=H, timeout=10, **kwargs)


def data(resp: requests.Response) -> Any:
    return resp.json()["ocs"]["data"]


def meta(resp: requests.Response) -> dict[str, Any]:
    result: dict[str, Any] = resp.json()["ocs"]["meta"]
    return result


# -- profiles ----------------------------------------------------------------------
@pytest.mark.parametrize("talk", TALKS)
def test_each_profile_serves_exactly_its_api_versions(
    fake_talk_factory: Factory, talk: str
) -> None:
    srv = fake_talk_factory(talk=talk)
    for version in (1, 2, 3, 4):
        resp = call(srv, "GET", "/room", version=version)
        if version in srv.profile.apis:
            assert resp.status_code == 200 and data(resp) == []
        else:
            assert resp.status_code == 404
            assert meta(resp)["statuscode"] == 998


def test_v1_path_on_22_and_v4_path_on_11_are_unknown(fake_talk_factory: Factory) -> None:
    for talk, version in (("22", 1), ("11", 4)):
        resp = call(fake_talk_factory(talk=talk), "GET", "/room", version=version)
        assert (resp.status_code, meta(resp)["statuscode"], data(resp)) == (404, 998, [])


@pytest.mark.parametrize(
    ("talk", "path", "method"),
    [
        ("20", "/room/{t}/archive", "POST"),
        ("11", "/room/note-to-self", "GET"),
        ("10", "/room/{t}/description", "PUT"),
        ("10", "/listed-room", "GET"),
        ("11", "/room/{t}/message-expiration", "POST"),
        ("22", "/room/{t}/participants", "PATCH"),
    ],
)
def test_feature_gated_endpoints_do_not_exist_without_the_feature(
    fake_talk_factory: Factory, talk: str, path: str, method: str
) -> None:
    srv = fake_talk_factory(talk=talk)
    token = srv.add_room(owner="admin", name="room")
    resp = call(srv, method, path.format(t=token))
    assert (resp.status_code, meta(resp)["statuscode"]) == (404, 998)


def test_changes_answer_empty_data_on_18_and_the_room_on_22(fake_talk_factory: Factory) -> None:
    for talk, expect_room in (("18", False), ("20", False), ("21", True), ("22", True)):
        srv = fake_talk_factory(talk=talk)
        token = srv.add_room(owner="admin", name="before")
        resp = call(srv, "PUT", f"/room/{token}", data={"roomName": "after"})
        assert resp.status_code == 200
        if expect_room:
            assert data(resp)["name"] == "after"
        else:
            assert data(resp) == []
        assert srv.room(token)["name"] == "after"
        too_long = call(srv, "PUT", f"/room/{token}", data={"roomName": "x" * 256})
        assert too_long.status_code == 400
        assert data(too_long) == ({"error": "value"} if expect_room else [])


def test_room_field_sets_follow_the_api_version(fake_talk_factory: Factory) -> None:
    def keys(talk: str, version: int) -> set[str]:
        srv = fake_talk_factory(talk=talk)
        token = srv.add_room(owner="admin", name="room")
        return set(data(call(srv, "GET", f"/room/{token}", version=version)))

    v1, v2, v3 = keys("11", 1), keys("11", 2), keys("11", 3)
    assert {"participantInCall", "count", "numGuests"} <= v1
    assert not {"participantInCall", "count", "numGuests"} & v2
    assert {"canDeleteConversation", "canLeaveConversation"} <= v2 - v1
    assert {"attendeeId", "actorType", "actorId", "description", "listable"} <= v3 - v2
    assert "permissions" not in v3
    t18, t21, t22 = keys("18", 4), keys("21", 4), keys("22", 4)
    assert {"permissions", "messageExpiration", "lastMessage", "avatarVersion"} <= t18
    assert not {"mentionPermissions", "isArchived", "isImportant"} & t18
    assert t21 - t18 == {"mentionPermissions", "isArchived"}
    assert t22 - t21 == {"isImportant"}


def test_include_last_message_is_honoured_from_talk_21(fake_talk_factory: Factory) -> None:
    for talk, honoured in (("18", False), ("22", True)):
        srv = fake_talk_factory(talk=talk)
        srv.add_room(owner="admin", name="room")
        rooms = data(call(srv, "GET", "/room", params={"includeLastMessage": 0}))
        assert ("lastMessage" in rooms[0]) is not honoured


def test_one_to_one_is_seen_by_each_side_as_the_other_user(fake_talk: FakeTalkServer) -> None:
    created = call(fake_talk, "POST", "/room", data={"roomType": 1, "invite": "bob"})
    assert created.status_code == 201
    room = data(created)
    assert (room["name"], room["canDeleteConversation"]) == ("bob", False)
    bobs = data(call(fake_talk, "GET", f"/room/{room['token']}", user="bob"))
    assert (bobs["name"], bobs["displayName"]) == ("admin", "admin")
    again = call(fake_talk, "POST", "/room", data={"roomType": 1, "invite": "bob"})
    assert again.status_code == 200 and data(again)["token"] == room["token"]


def test_force_passwords_requires_a_password_for_public_rooms(fake_talk: FakeTalkServer) -> None:
    fake_talk.force_passwords = True
    caps = requests.get(fake_talk.url + "/ocs/v2.php/cloud/capabilities", headers=H, timeout=10)
    assert data(caps)["capabilities"]["spreed"]["config"]["conversations"]["force-passwords"]
    resp = call(fake_talk, "POST", "/room", data={"roomType": 3, "roomName": "pub"})
    assert resp.status_code == 400 and data(resp)["error"] == "password"
    token = fake_talk.add_room(owner="admin", name="grp")
    resp = call(fake_talk, "POST", f"/room/{token}/public")
    assert resp.status_code == 400 and data(resp)["error"] == "password"
    resp = call(
        fake_talk, "POST", f"/room/{token}/public", data={"password": "Long-enough-Passw0rd"}
    )
    assert resp.status_code == 200 and data(resp)["hasPassword"] is True


# -- capabilities, hash, auth ----------------------------------------------------------
@pytest.mark.parametrize(
    ("talk", "nc", "conversation_api", "has_version"),
    [
        ("8", 18, None, False),
        ("9", 19, "conversation-v2", False),
        ("10", 20, "conversation-v2", False),
        ("11", 21, "conversation-v3", False),
        ("18", 28, "conversation-v4", False),
        ("21", 31, "conversation-v4", True),
        ("22", 32, "conversation-v4", True),
    ],
)
def test_capabilities_per_profile(
    fake_talk_factory: Factory, talk: str, nc: int, conversation_api: str | None, has_version: bool
) -> None:
    srv = fake_talk_factory(talk=talk)
    resp = requests.get(
        srv.url + "/ocs/v2.php/cloud/capabilities",
        headers=H,
        timeout=10,
        auth=("alice", srv.password_of("alice")),
    )
    caps = data(resp)
    assert caps["version"]["major"] == nc
    spreed = caps["capabilities"]["spreed"]
    if conversation_api:
        assert conversation_api in spreed["features"]
    if talk in ("18", "21", "22"):
        assert "conversation-v2" not in spreed["features"]
    assert ("version" in spreed) is has_version
    srv.disable_talk_for("bob")
    bobs = requests.get(
        srv.url + "/ocs/v2.php/cloud/capabilities",
        headers=H,
        timeout=10,
        auth=("bob", srv.password_of("bob")),
    )
    assert "spreed" not in data(bobs)["capabilities"]


def test_bumping_the_talk_hash_changes_header_and_capabilities(fake_talk: FakeTalkServer) -> None:
    def snapshot() -> tuple[str, Any]:
        rooms = call(fake_talk, "GET", "/room")
        caps = requests.get(fake_talk.url + "/ocs/v2.php/cloud/capabilities", headers=H, timeout=10)
        return rooms.headers["X-Nextcloud-Talk-Hash"], data(caps)["capabilities"]["spreed"]

    before = snapshot()
    fake_talk.bump_talk_hash()
    after = snapshot()
    assert before[0] != after[0] and before[1] != after[1]


def test_app_passwords_log_in_and_can_be_revoked(fake_talk: FakeTalkServer) -> None:
    base = fake_talk.url + "/ocs/v2.php"
    got = requests.get(
        base + "/core/getapppassword",
        headers=H,
        timeout=10,
        auth=("alice", fake_talk.password_of("alice")),
    )
    app_pw = data(got)["apppassword"]
    assert len(app_pw) == 72
    again = requests.get(
        base + "/core/getapppassword", headers=H, auth=("alice", app_pw), timeout=10
    )
    assert again.status_code == 403
    assert data(call(fake_talk, "GET", "/room", user="alice", password=app_pw)) == []
    assert (
        requests.delete(
            base + "/core/apppassword", headers=H, auth=("alice", app_pw), timeout=10
        ).status_code
        == 200
    )
    revoked = requests.get(base + "/cloud/user", headers=H, auth=("alice", app_pw), timeout=10)
    assert revoked.status_code == 401 and "WWW-Authenticate" in revoked.headers


def test_ocs_answers_xml_unless_json_is_asked_for(fake_talk: FakeTalkServer) -> None:
    resp = requests.get(
        api(fake_talk) + "/room", timeout=10, auth=("admin", fake_talk.password_of("admin"))
    )
    assert resp.headers["Content-Type"].startswith("application/xml")
    assert resp.text.startswith('<?xml version="1.0"?>')
    as_json = requests.get(
        api(fake_talk) + "/room?format=json",
        timeout=10,
        auth=("admin", fake_talk.password_of("admin")),
    )
    assert as_json.json()["ocs"]["meta"]["statuscode"] == 200


# -- fault injection ---------------------------------------------------------------------
def test_injected_status_headers_and_times(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(
        method="GET",
        path="/room",
        times=2,
        status=503,
        headers={"Retry-After": "1"},
        body={"ocs": {"meta": {}, "data": []}},
    )
    first, second, third = (call(fake_talk, "GET", "/room") for _ in range(3))
    assert [r.status_code for r in (first, second, third)] == [503, 503, 200]
    assert first.headers["Retry-After"] == "1"
    assert [r.fault for r in fake_talk.requests] == [True, True, False]
    assert [r.status for r in fake_talk.requests] == [503, 503, 200]
    assert fake_talk.requests[0].user == "admin"


def test_injected_drop_closes_the_connection(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(path=r"/room$", drop=True)
    with pytest.raises(requests.ConnectionError):
        call(fake_talk, "GET", "/room")
    assert call(fake_talk, "GET", "/room").status_code == 200
    assert fake_talk.requests[0].status == 0


def test_injected_delay_then_normal_handling_and_latency(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(method="GET", delay=0.3)
    started = time.monotonic()
    assert call(fake_talk, "GET", "/room").status_code == 200
    assert time.monotonic() - started >= 0.3
    fake_talk.latency = 0.1
    started = time.monotonic()
    call(fake_talk, "GET", "/room")
    assert time.monotonic() - started >= 0.1


def test_injected_redirect_to_another_host(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(path="/room", status=302, headers={"Location": "http://evil.invalid/x"})
    resp = call(fake_talk, "GET", "/room", allow_redirects=False)
    assert resp.status_code == 302 and resp.headers["Location"] == "http://evil.invalid/x"


def test_bruteforce_throttles_after_ten_unknown_tokens(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", name="real")
    for _ in range(10):
        assert call(fake_talk, "GET", "/room/zzzzzzzz").status_code == 404  # off by default
    fake_talk.bruteforce = True
    for _ in range(10):
        assert call(fake_talk, "GET", "/room/zzzzzzzz").status_code == 404
    assert call(fake_talk, "GET", f"/room/{token}").status_code == 500
    throttled = call(fake_talk, "GET", f"/room/{token}")
    assert throttled.status_code == 429
    assert "X-Nextcloud-Bruteforce-Throttled" in throttled.headers
    assert call(fake_talk, "GET", "/room").status_code == 200  # no token lookup
    fake_talk.reset_bruteforce()
    assert call(fake_talk, "GET", f"/room/{token}").status_code == 200


# -- login flow ------------------------------------------------------------------------
def test_login_flow_v2(fake_talk: FakeTalkServer) -> None:
    start = requests.post(
        fake_talk.url + "/index.php/login/v2",
        timeout=10,
        headers={"User-Agent": "talkctl-test/1.0"},
    )
    assert start.status_code == 200
    poll = start.json()["poll"]
    assert poll["endpoint"] == fake_talk.url + "/index.php/login/v2/poll"
    assert fake_talk.last_login_user_agent == "talkctl-test/1.0"

    def do_poll() -> requests.Response:
        return requests.post(poll["endpoint"], data={"token": poll["token"]}, timeout=10)

    pending = do_poll()
    assert (pending.status_code, pending.json()) == (404, [])
    fake_talk.grant_login("alice")
    granted = do_poll()
    assert granted.status_code == 200
    answer = granted.json()
    assert (answer["server"], answer["loginName"]) == (fake_talk.url, "alice")
    assert (
        call(fake_talk, "GET", "/room", user="alice", password=answer["appPassword"]).status_code
        == 200
    )
    assert do_poll().status_code == 404


def test_login_flow_granted_in_advance_after_polls(fake_talk: FakeTalkServer) -> None:
    fake_talk.grant_login("bob", after_polls=2)
    fake_talk.login_server_override = "https://cloud.example.org"
    poll = requests.post(fake_talk.url + "/index.php/login/v2", timeout=10).json()["poll"]
    codes = [
        requests.post(poll["endpoint"], data={"token": poll["token"]}, timeout=10) for _ in range(4)
    ]
    assert [c.status_code for c in codes] == [404, 404, 200, 404]
    assert codes[2].json()["server"] == "https://cloud.example.org"


# -- concurrency, keep-alive, log ------------------------------------------------------
def test_fifty_parallel_requests_succeed(fake_talk: FakeTalkServer) -> None:
    fake_talk.seed_rooms("admin", 20)
    session = requests.Session()
    session.auth, session.headers = ("admin", fake_talk.password_of("admin")), dict(H)

    def get(_: int) -> int:
        return session.get(api(fake_talk) + "/room", timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(get, range(50))) == [200] * 50
    assert fake_talk.count("GET", "/room") == 50


def test_keep_alive_reuses_the_connection(fake_talk: FakeTalkServer) -> None:
    session = requests.Session()
    for _ in range(5):
        session.get(
            api(fake_talk) + "/room",
            headers=H,
            timeout=10,
            auth=("admin", fake_talk.password_of("admin")),
        )
    assert len({r.client_port for r in fake_talk.requests}) == 1


def test_request_log_records_requests(fake_talk: FakeTalkServer) -> None:
    created = call(fake_talk, "POST", "/room", data={"roomType": 2, "roomName": "logged"})
    token = data(created)["token"]
    call(fake_talk, "GET", "/room", params={"noStatusUpdate": 1})
    call(fake_talk, "PUT", f"/room/{token}/description", json={"description": "via json"})
    call(fake_talk, "GET", "/room", user=None)
    first, second, third, fourth = fake_talk.requests
    assert (first.method, first.form, first.user, first.status) == (
        "POST",
        {"roomType": "2", "roomName": "logged"},
        "admin",
        201,
    )
    assert second.query == {"noStatusUpdate": "1"}
    assert third.json == {"description": "via json"}
    assert fake_talk.room(token)["description"] == "via json"
    assert (fourth.user, fourth.status) == (None, 401)
    assert first.headers["Accept"] == "application/json"
    assert fake_talk.count() == 4 and fake_talk.count("GET") == 2
    assert fake_talk.count(path_contains="/description") == 1
    assert [r.method for r in fake_talk.changing_requests()] == ["POST", "PUT"]
    fake_talk.clear_log()
    assert fake_talk.requests == []


def test_state_helpers(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(
        owner="admin",
        type=2,
        name="helper",
        participants={"alice": 3},
        description="d",
        favorite_for=["alice"],
        unread_for={"alice": 4},
        archived_for=["admin"],
    )
    state = fake_talk.room(token)
    assert state["participants"] == {"admin": 1, "alice": 3}
    alice_view = data(call(fake_talk, "GET", f"/room/{token}", user="alice"))
    assert (alice_view["isFavorite"], alice_view["unreadMessages"]) == (True, 4)
    assert (alice_view["isArchived"], alice_view["canDeleteConversation"]) == (False, False)
    seeded = fake_talk.seed_realistic("bob")
    types = sorted(r["type"] for r in data(call(fake_talk, "GET", "/room", user="bob")))
    assert types == [2, 4, 6] and len(seeded) == 3
    assert [r["token"] for r in fake_talk.rooms_of("alice")] == [token]


def test_five_thousand_rooms_list_fast_with_talk22_sized_objects(fake_talk: FakeTalkServer) -> None:
    fake_talk.seed_rooms("admin", 5000)
    started = time.monotonic()
    resp = call(fake_talk, "GET", "/room")
    elapsed = time.monotonic() - started
    rooms = data(resp)
    assert len(rooms) == 5000
    assert 2100 < len(resp.content) / 5000 < 2500
    assert elapsed < 30  # ~1 s when idle; a bound that holds on a loaded 2-core machine


# -- TLS and standalone ----------------------------------------------------------------
@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")
def test_https_with_a_self_signed_certificate(tmp_path: Path, fake_talk_factory: Factory) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    srv = fake_talk_factory(talk="22", tls=tls)
    assert srv.url.startswith("https://")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(api(srv) + "/room", timeout=10)
    resp = requests.get(
        api(srv) + "/room",
        headers=H,
        verify=str(cert),
        timeout=10,
        auth=("admin", srv.password_of("admin")),
    )
    assert resp.status_code == 200


def test_standalone_module_prints_url_user_and_app_password() -> None:
    tests_dir = Path(__file__).parent
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "talkctl.sandbox",
            "--talk",
            "22",
            "--port",
            "0",
            "--seed-rooms",
            "25",
            "--user",
            "admin",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tests_dir,
        env={"PATH": "/usr/bin:/bin"},
    )
    try:
        assert proc.stdout is not None
        url, user, app_pw = proc.stdout.readline().split()
        resp = requests.get(
            url + "/ocs/v2.php/apps/spreed/api/v4/room", headers=H, auth=(user, app_pw), timeout=10
        )
        assert len(json.loads(resp.content)["ocs"]["data"]) == 25
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("talk", TALKS)
def test_every_endpoint_answers_sanely_on_every_profile(
    fake_talk_factory: Factory, talk: str
) -> None:
    srv = fake_talk_factory(talk=talk)
    version = max(srv.profile.apis)
    created = call(srv, "POST", "/room", data={"roomType": 2, "roomName": "flow"})
    assert created.status_code == 201
    token = data(created)["token"]
    by_id = version >= 3
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("PUT", "", {"roomName": "renamed"}),
        ("PUT", "/description", {"description": "d"}),
        ("POST", "/public", {}),
        ("PUT", "/password", {"password": "Long-enough-Passw0rd"}),
        ("DELETE", "/public", {}),
        ("PUT", "/read-only", {"state": 1}),
        ("POST", "/favorite", {}),
        ("DELETE", "/favorite", {}),
        ("POST", "/notify", {"level": 3}),
        ("PUT", "/listable", {"scope": 1}),
        ("PUT", "/webinar/lobby", {"state": 1}),
        ("POST", "/message-expiration", {"seconds": 60}),
        ("POST", "/archive", {}),
        ("DELETE", "/archive", {}),
        ("POST", "/participants", {"newParticipant": "alice"}),
        ("GET", "/participants", {}),
    ]
    for method, suffix, form in steps:
        resp = call(srv, method, f"/room/{token}{suffix}", data=form)
        assert resp.status_code in (200, 404), (method, suffix, resp.text)
        if resp.status_code == 404:  # only where the profile lacks the feature
            assert meta(resp)["statuscode"] == 998, (method, suffix)
    alice = srv.room(token)["attendeeIds"]["alice"]
    target = {"attendeeId": alice} if by_id else {"participant": "alice"}
    assert call(srv, "POST", f"/room/{token}/moderators", data=target).status_code == 200
    assert call(srv, "DELETE", f"/room/{token}/moderators", data=target).status_code == 200
    remove = "/attendees" if by_id else "/participants"
    assert call(srv, "DELETE", f"/room/{token}{remove}", data=target).status_code == 200
    assert call(srv, "DELETE", f"/room/{token}/participants/self").status_code == 200
    assert not srv.has_room(token)  # the last participant left
    status = requests.get(srv.url + "/status.php", timeout=10).json()
    assert status["versionstring"].startswith(f"{srv.profile.nextcloud[0]}.")


def test_a_lobby_whose_timer_has_passed_is_off_when_read(fake_talk_factory: Factory) -> None:
    """webinar.md: the timer is when "the lobby state is reset to no lobby"."""
    srv = fake_talk_factory(talk="22")
    token = srv.add_room(owner="admin", name="Webinar")
    future = int(time.time()) + 30 * 86400
    form = {"state": 1, "timer": future}
    assert call(srv, "PUT", f"/room/{token}/webinar/lobby", data=form).status_code == 200
    room = data(call(srv, "GET", f"/room/{token}"))
    assert (room["lobbyState"], room["lobbyTimer"]) == (1, future)
    srv.state.rooms[token].lobby_timer = 1_000_000_000  # 2001: long passed
    room = data(call(srv, "GET", f"/room/{token}"))
    assert (room["lobbyState"], room["lobbyTimer"]) == (0, 0)
    assert srv.room(token)["lobbyState"] == 0
