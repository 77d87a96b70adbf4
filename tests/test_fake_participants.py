"""The fake's participant and provisioning answers beyond the recorded sequences."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from fake_http import Factory, call, data, meta

from talkctl.sandbox import FakeTalkServer

H = {"Accept": "application/json", "OCS-APIRequest": "true"}


def cloud(srv: FakeTalkServer, method: str, path: str, user: str = "admin", **kw: Any) -> Any:
    return requests.request(
        method,
        f"{srv.url}/ocs/v2.php/cloud{path}",
        auth=(user, srv.password_of(user)),
        headers=H,
        timeout=10,
        **kw,
    )


def add(srv: FakeTalkServer, token: str, new: str, source: str, **kw: Any) -> Any:
    form = {"newParticipant": new, "source": source}
    return call(srv, "POST", f"/room/{token}/participants", data=form, **kw)


def kinds(srv: FakeTalkServer, token: str) -> set[tuple[str, str]]:
    listed = data(call(srv, "GET", f"/room/{token}/participants"))
    return {(p["actorType"], p["actorId"]) for p in listed}


def test_teams_on_talk22_circles_on_talk18(fake_talk_factory: Factory) -> None:
    for talk, good, bad in (("22", "teams", "remotes"), ("18", "circles", "teams")):
        srv = fake_talk_factory(talk=talk)
        srv.add_team("t1", ["bob"], "Team one")
        token = srv.add_room(owner="admin", name="g")
        assert add(srv, token, "t1", good).status_code == 200
        assert {("circles", "t1"), ("users", "bob")} <= kinds(srv, token)
        assert add(srv, token, "t1", bad).status_code == 400
        assert add(srv, token, "nope", good).status_code == 404


def test_federated_users_and_remotes(fake_talk_factory: Factory) -> None:
    for talk, source in (("22", "federated_users"), ("18", "remotes")):
        srv = fake_talk_factory(talk=talk)
        token = srv.add_room(owner="admin", name="g")
        off = add(srv, token, "carol@other.example", source)  # as recorded: federation off
        assert off.status_code == 501
        srv.federation = True
        assert add(srv, token, "carol@other.example", source).status_code == 200
        assert ("federated_users", "carol@other.example") in kinds(srv, token)
        assert add(srv, token, "no-cloud-id", source).status_code == 400


def test_add_to_one_to_one_is_400(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", type=1, participants={"alice": 1})
    resp = add(fake_talk, token, "bob", "users")
    assert resp.status_code == 400 and data(resp) == {"error": "room-type"}


def test_email_on_public_keeps_type(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", type=3, name="p")
    resp = add(fake_talk, token, "x@example.com", "emails")
    # recorded: talk22-moderation/u-add-email-200.json answers the (unchanged) type
    assert resp.status_code == 200 and data(resp) == {"type": 3}
    assert fake_talk.room(token)["type"] == 3


@pytest.mark.parametrize("version", [1, 2])
def test_old_apis_address_participants_by_user_id(fake_talk_factory: Factory, version: int) -> None:
    srv = fake_talk_factory(talk="10")
    token = srv.add_room(owner="admin", name="g", participants={"alice": 3})
    form = {"participant": "alice"}
    assert call(srv, "POST", f"/room/{token}/moderators", version=version, data=form).ok
    assert srv.room(token)["participants"]["alice"] == 2
    assert call(srv, "DELETE", f"/room/{token}/moderators", version=version, data=form).ok
    assert call(srv, "DELETE", f"/room/{token}/participants", version=version, data=form).ok
    assert "alice" not in srv.room(token)["participants"]


def test_owner_and_group_refusals(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="alice", name="g", participants={"admin": 2})
    owner = fake_talk.room(token)["attendeeIds"]["alice"]
    resp = call(fake_talk, "DELETE", f"/room/{token}/attendees", data={"attendeeId": owner})
    assert resp.status_code == 403 and data(resp) == {"error": "owner"}
    resp = call(fake_talk, "DELETE", f"/room/{token}/moderators", data={"attendeeId": owner})
    assert resp.status_code == 403
    add(fake_talk, token, "staff", "groups")
    group = next(
        p["attendeeId"]
        for p in data(call(fake_talk, "GET", f"/room/{token}/participants"))
        if p["actorType"] == "groups"
    )
    resp = call(fake_talk, "POST", f"/room/{token}/moderators", data={"attendeeId": group})
    assert resp.status_code == 400


def test_provisioning_users_and_groups(fake_talk: FakeTalkServer) -> None:
    resp = cloud(fake_talk, "POST", "/users", data={"userid": "dave", "password": "pw-dave-1"})
    assert resp.status_code == 200 and data(resp) == {"id": "dave"}
    again = cloud(fake_talk, "POST", "/users", data={"userid": "dave", "password": "x"})
    assert again.status_code == 400 and meta(again)["statuscode"] == 102
    assert cloud(fake_talk, "POST", "/groups", data={"groupid": "g1"}).ok
    assert cloud(fake_talk, "POST", "/users/dave/groups", data={"groupid": "g1"}).ok
    assert data(cloud(fake_talk, "GET", "/groups/g1/users")) == {"users": ["dave"]}
    assert cloud(fake_talk, "GET", "/groups/g1/users", user="bob").status_code == 403
    fake_talk.add_subadmin("bob", "g1")
    assert data(cloud(fake_talk, "GET", "/groups/g1/users", user="bob")) == {"users": ["dave"]}
    assert cloud(fake_talk, "DELETE", "/users/dave/groups", data={"groupid": "g1"}).ok
    assert data(cloud(fake_talk, "GET", "/groups/g1/users")) == {"users": []}
    assert cloud(fake_talk, "DELETE", "/users/dave").ok
    assert "dave" not in fake_talk.state.users
    assert cloud(fake_talk, "DELETE", "/groups/g1").ok
    assert cloud(fake_talk, "GET", "/groups/g1/users").status_code == 404
    plain = cloud(fake_talk, "POST", "/groups", user="bob", data={"groupid": "g2"})
    assert plain.status_code == 403 and "g2" not in fake_talk.state.groups


def test_create_all_refusals_and_guesses(fake_talk: FakeTalkServer) -> None:
    before = len(fake_talk.state.rooms)
    for body in (
        {"roomType": 2, "roomName": "x", "readOnly": 3},
        {"roomType": 2, "roomName": "x", "lobbyState": 2},
        {"roomType": 2, "roomName": "x", "messageExpiration": -1},
    ):
        assert call(fake_talk, "POST", "/room", json=body).status_code == 400
    assert len(fake_talk.state.rooms) == before
    body = {"roomType": 2, "roomName": "x", "participants": {"groups": ["staff", "nope"]}}
    resp = call(fake_talk, "POST", "/room", json=body)
    assert resp.status_code == 202
    assert data(resp)["invalidParticipants"] == {"groups": ["nope"]}


def test_create_settings_ignored_without_creation_all(fake_talk_factory: Factory) -> None:
    srv = fake_talk_factory(talk="21")
    resp = call(srv, "POST", "/room", json={"roomType": 2, "roomName": "x", "readOnly": 1})
    assert resp.status_code == 201 and data(resp)["readOnly"] == 0


MODERATOR_CHANGES = [
    ("PUT", "", {"roomName": "Mine now"}),
    ("DELETE", "", None),
    ("PUT", "/description", {"description": "mine"}),
    ("POST", "/public", None),
    ("DELETE", "/public", None),
    ("PUT", "/read-only", {"state": 1}),
    ("PUT", "/password", {"password": ""}),
    ("PUT", "/listable", {"scope": 2}),
    ("PUT", "/webinar/lobby", {"state": 1}),
    ("POST", "/message-expiration", {"seconds": 3600}),
]


@pytest.mark.parametrize(("method", "suffix", "form"), MODERATOR_CHANGES)
def test_conversation_changes_need_a_moderator(
    fake_talk: FakeTalkServer, method: str, suffix: str, form: dict[str, Any] | None
) -> None:
    """A participant who is no moderator gets 403, a user not in it 404; nothing changes."""
    token = fake_talk.add_room(owner="admin", type=3, name="Owned", participants={"alice": 3})
    before = fake_talk.room(token)
    for user, status in (("alice", 403), ("bob", 404)):
        resp = call(fake_talk, method, f"/room/{token}{suffix}", user=user, data=form)
        assert resp.status_code == status, (user, resp.text)
    assert fake_talk.room(token) == before
    assert call(fake_talk, method, f"/room/{token}{suffix}", data=form).status_code == 200


@pytest.mark.parametrize(
    ("suffix", "form", "kind"),
    [
        ("/description", {"description": "d"}, "description_set"),
        ("/description", {"description": ""}, "description_removed"),
        ("/read-only", {"state": 1}, "read_only"),
        ("/read-only", {"state": 0}, "read_only_off"),
        ("/webinar/lobby", {"state": 1}, "lobby_non_moderators"),
        ("/webinar/lobby", {"state": 0}, "lobby_none"),
    ],
)
def test_each_change_posts_its_system_message(
    fake_talk: FakeTalkServer, suffix: str, form: dict[str, Any], kind: str
) -> None:
    """Each change posts the system message Talk posts; an unchanged state posts none."""
    token = fake_talk.add_room(owner="admin", type=3, name="Room")
    room = fake_talk.state.rooms[token]
    opposite = {key: (1 - value if isinstance(value, int) else "x" if not value else "")
                for key, value in form.items()}  # fmt: skip
    assert call(fake_talk, "PUT", f"/room/{token}{suffix}", data=opposite).status_code == 200
    assert call(fake_talk, "PUT", f"/room/{token}{suffix}", data=form).status_code == 200
    assert room.last_message is not None and room.last_message.system_message == kind
    posted = room.last_message.id
    assert call(fake_talk, "PUT", f"/room/{token}{suffix}", data=form).status_code == 200
    assert room.last_message.id == posted


def test_create_with_only_an_unknown_group_is_404_and_creates_nothing(
    fake_talk: FakeTalkServer,
) -> None:
    """As recorded (talk22-moderation/x-create-json-unknown-group-only-404.json)."""
    before = set(fake_talk.state.rooms)
    response = requests.post(
        f"{fake_talk.url}/ocs/v2.php/apps/spreed/api/v4/room",
        json={"roomType": 2, "roomName": "fx", "participants": {"groups": ["nosuchgroup"]}},
        auth=("admin", fake_talk.password_of("admin")),
        headers={"OCS-APIRequest": "true", "Accept": "application/json"},
        timeout=10,
    )
    assert response.status_code == 404
    assert response.json() == {
        "ocs": {
            "meta": {"status": "failure", "statuscode": 404, "message": ""},
            "data": {"error": "invite"},
        }
    }
    assert set(fake_talk.state.rooms) == before
