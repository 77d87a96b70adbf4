"""Focused tests of the fake server's behaviour beyond the recorded replay."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from fake_http import TALKS, Factory, H, api, call, data, meta

from talkctl.sandbox import FakeTalkServer


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
    # bob is in once he opens the one-to-one himself (one-to-one.feature)
    opened = call(fake_talk, "POST", "/room", data={"roomType": 1, "invite": "admin"}, user="bob")
    assert opened.status_code == 200 and data(opened)["token"] == room["token"]
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
