"""The sandbox follows the rules Talk's own integration suite states (Talk 22.0.0's Behat
scenarios in ../shared/spec/talk22-features/) where they concern what talkctl manages:
conversation-3/one-to-one.feature (who sees a new one-to-one and when, what a one-to-one
allows) and conversation-3/group-participants.feature (members who came through a group, when
the group or their membership goes). Each test names the scenario it follows."""

from __future__ import annotations

from typing import Any

import requests
from fake_http import H, call, data

from talkctl.sandbox import FakeTalkServer
from talkctl.sandbox.limits import password_policy
from talkctl.sandbox.state import USER_SELF_JOINED


def one_to_one(srv: FakeTalkServer, user: str, other: str) -> requests.Response:
    return call(srv, "POST", "/room", user, data={"roomType": 1, "invite": other})


def attendees(srv: FakeTalkServer, token: str, user: str = "admin") -> set[tuple[str, str, int]]:
    listed = data(call(srv, "GET", f"/room/{token}/participants", user))
    return {(p["actorType"], p["actorId"], p["participantType"]) for p in listed}


def attendee_id(srv: FakeTalkServer, token: str, actor_id: str) -> int:
    listed = data(call(srv, "GET", f"/room/{token}/participants"))
    (found,) = [p["attendeeId"] for p in listed if p["actorId"] == actor_id]
    return int(found)


def provisioning(srv: FakeTalkServer, method: str, path: str, **kwargs: Any) -> None:
    resp = requests.request(
        method,
        f"{srv.url}/ocs/v2.php/cloud{path}",
        auth=("admin", srv.password_of("admin")),
        headers=H,
        timeout=10,
        **kwargs,
    )
    assert resp.status_code == 200, resp.text


def group_room(srv: FakeTalkServer, group: str) -> str:
    """'Owner start a chat with a group': roomType 2, source group, invite the group."""
    resp = call(srv, "POST", "/room", data={"roomType": 2, "source": "groups", "invite": group})
    assert resp.status_code == 201
    return str(data(resp)["token"])


def add(srv: FakeTalkServer, token: str, source: str, who: str) -> None:
    resp = call(
        srv, "POST", f"/room/{token}/participants", data={"newParticipant": who, "source": source}
    )
    assert resp.status_code == 200, resp.text


# -- one-to-one.feature ------------------------------------------------------------
def test_the_invitee_is_in_a_one_to_one_once_they_open_it(fake_talk: FakeTalkServer) -> None:
    """'User1 invites user2 to a one2one room and user3 is not part of it', '... twice, it's
    the same room'."""
    created = one_to_one(fake_talk, "admin", "bob")
    assert created.status_code == 201
    token = data(created)["token"]
    assert call(fake_talk, "GET", f"/room/{token}", "bob").status_code == 404
    assert token not in {r["token"] for r in data(call(fake_talk, "GET", "/room", "bob"))}
    again = one_to_one(fake_talk, "admin", "bob")
    assert (again.status_code, data(again)["token"]) == (200, token)
    assert attendees(fake_talk, token) == {("users", "admin", 1)}
    opened = one_to_one(fake_talk, "bob", "admin")
    assert (opened.status_code, data(opened)["token"]) == (200, token)
    assert attendees(fake_talk, token) == {("users", "admin", 1), ("users", "bob", 1)}
    assert call(fake_talk, "GET", f"/room/{token}", "alice").status_code == 404


def test_inviting_yourself_to_a_one_to_one_is_forbidden(fake_talk: FakeTalkServer) -> None:
    assert one_to_one(fake_talk, "admin", "admin").status_code == 403


def test_a_one_to_one_refuses_what_makes_it_something_else(fake_talk: FakeTalkServer) -> None:
    """'... tries to delete it / remove user2 / rename it / make it public / invite user3 /
    promote / demote user2' (400) and '... promote non-invited user' (404)."""
    token = data(one_to_one(fake_talk, "admin", "bob"))["token"]
    one_to_one(fake_talk, "bob", "admin")
    bob = attendee_id(fake_talk, token, "bob")
    refused = [
        call(fake_talk, "DELETE", f"/room/{token}"),
        call(fake_talk, "DELETE", f"/room/{token}/attendees", data={"attendeeId": bob}),
        call(fake_talk, "PUT", f"/room/{token}", data={"roomName": "new name"}),
        call(fake_talk, "POST", f"/room/{token}/public"),
        call(fake_talk, "POST", f"/room/{token}/participants", data={"newParticipant": "alice"}),
        call(fake_talk, "POST", f"/room/{token}/moderators", data={"attendeeId": bob}),
        call(fake_talk, "DELETE", f"/room/{token}/moderators", data={"attendeeId": bob}),
    ]
    assert [r.status_code for r in refused] == [400] * 7
    assert data(refused[5]) is None and data(refused[6]) is None  # recorded: data null
    stranger = call(fake_talk, "POST", f"/room/{token}/moderators", data={"attendeeId": 99999})
    assert stranger.status_code == 404
    assert attendees(fake_talk, token) == {("users", "admin", 1), ("users", "bob", 1)}
    room = fake_talk.room(token)
    assert (room["type"], room["name"]) == (1, "admin\nbob")


def test_leaving_a_one_to_one_nobody_else_opened_deletes_it(fake_talk: FakeTalkServer) -> None:
    """'User1 invites user2 to a one2one room and leaves it'."""
    token = data(one_to_one(fake_talk, "admin", "bob"))["token"]
    assert call(fake_talk, "DELETE", f"/room/{token}/participants/self").status_code == 200
    assert not fake_talk.has_room(token)
    assert data(call(fake_talk, "GET", "/room", "bob")) == []


def test_reopening_a_one_to_one_after_leaving_is_the_same_room(fake_talk: FakeTalkServer) -> None:
    """'User1 invites user2 to a one2one room, leaves and does it again, it's the same room'."""
    token = data(one_to_one(fake_talk, "admin", "bob"))["token"]
    one_to_one(fake_talk, "bob", "admin")
    assert call(fake_talk, "DELETE", f"/room/{token}/participants/self").status_code == 200
    assert attendees(fake_talk, token, "bob") == {("users", "bob", 1)}
    again = one_to_one(fake_talk, "admin", "bob")
    assert (again.status_code, data(again)["token"]) == (200, token)
    assert attendees(fake_talk, token, "bob") == {("users", "admin", 1), ("users", "bob", 1)}


# -- conversation-5/delete-user.feature ----------------------------------------------
def test_deleting_a_user_leaves_a_former_one_to_one(fake_talk: FakeTalkServer) -> None:
    """'delete user who is in a one-to-one room' and '... who left a one-to-one room'."""
    fake_talk.add_user("carol", display_name="Carol C.")
    fake_talk.add_user("dave", display_name="Dave D.")
    stayed = data(one_to_one(fake_talk, "admin", "carol"))["token"]
    one_to_one(fake_talk, "carol", "admin")
    left = data(one_to_one(fake_talk, "admin", "dave"))["token"]
    one_to_one(fake_talk, "dave", "admin")
    assert call(fake_talk, "DELETE", f"/room/{left}/participants/self", "dave").status_code == 200
    provisioning(fake_talk, "DELETE", "/users/carol")
    provisioning(fake_talk, "DELETE", "/users/dave")
    rooms = {r["token"]: r for r in data(call(fake_talk, "GET", "/room"))}
    for token, name in ((stayed, "Carol C."), (left, "Dave D.")):
        seen = rooms[token]
        assert (seen["type"], seen["readOnly"], seen["name"], seen["displayName"]) == (
            5,
            1,
            name,
            name,
        )
    assert attendees(fake_talk, stayed) == {("users", "admin", 1)}


# -- group-participants.feature ---------------------------------------------------------
def test_adding_a_group_adds_its_members_and_says_group_added(fake_talk: FakeTalkServer) -> None:
    """'Owner invites a group'; the system messages as recorded (g-chat-after-group-add)."""
    fake_talk.add_group("group1", ["alice"])
    token = fake_talk.add_room(owner="admin", type=3, name="room")
    add(fake_talk, token, "groups", "group1")
    assert attendees(fake_talk, token) == {
        ("users", "admin", 1),
        ("groups", "group1", 3),
        ("users", "alice", 3),
    }
    last = data(call(fake_talk, "GET", f"/room/{token}"))["lastMessage"]
    assert (last["systemMessage"], last["messageParameters"]["user"]["id"]) == (
        "user_added",
        "alice",
    )
    fake_talk.add_group("group2", ["alice"])  # nobody new: group_added is the last message
    add(fake_talk, token, "groups", "group2")
    last = data(call(fake_talk, "GET", f"/room/{token}"))["lastMessage"]
    assert last["systemMessage"] == "group_added"
    assert last["message"] == "You added group {group}"
    assert last["messageParameters"]["group"] == {
        "type": "group",
        "id": "group2",
        "name": "group2",
        "mention-id": "user-group/group2",
    }


def test_a_user_added_to_a_member_group_joins(fake_talk: FakeTalkServer) -> None:
    """'User is added to a group which is a member of a chat'."""
    fake_talk.add_group("group1", ["alice"])
    token = group_room(fake_talk, "group1")
    provisioning(fake_talk, "POST", "/users/bob/groups", data={"groupid": "group1"})
    assert ("users", "bob", 3) in attendees(fake_talk, token)


def test_a_new_user_created_into_a_member_group_joins(fake_talk: FakeTalkServer) -> None:
    """The same rule when the provisioning API creates the user with their groups."""
    fake_talk.add_group("group1", ["alice"])
    token = group_room(fake_talk, "group1")
    new = {"userid": "erin", "password": "a-long-enough-secret", "groups": ["group1"]}
    provisioning(fake_talk, "POST", "/users", json=new)
    assert ("users", "erin", 3) in attendees(fake_talk, token)


def test_a_user_removed_from_a_member_group_leaves(fake_talk: FakeTalkServer) -> None:
    """'User is removed from a group which is a member of a chat'; '... but has a second
    group'; 'Moderator is removed from a group ... but stays in the chat'."""
    fake_talk.add_group("group1", ["alice", "bob"])
    fake_talk.add_group("group2", ["bob"])
    token = group_room(fake_talk, "group1")
    add(fake_talk, token, "groups", "group2")
    provisioning(fake_talk, "DELETE", "/users/alice/groups", data={"groupid": "group1"})
    provisioning(fake_talk, "DELETE", "/users/bob/groups", data={"groupid": "group1"})
    assert attendees(fake_talk, token) == {
        ("users", "admin", 1),
        ("groups", "group1", 3),
        ("groups", "group2", 3),
        ("users", "bob", 3),
    }
    last = data(call(fake_talk, "GET", f"/room/{token}"))["lastMessage"]
    assert (last["systemMessage"], last["messageParameters"]["user"]["id"]) == (
        "user_removed",
        "alice",
    )
    provisioning(fake_talk, "POST", "/users/alice/groups", data={"groupid": "group1"})
    call(
        fake_talk,
        "POST",
        f"/room/{token}/moderators",
        data={"attendeeId": attendee_id(fake_talk, token, "alice")},
    )
    provisioning(fake_talk, "DELETE", "/users/alice/groups", data={"groupid": "group1"})
    assert ("users", "alice", 2) in attendees(fake_talk, token)


def test_a_member_added_by_name_goes_with_the_group_membership(fake_talk: FakeTalkServer) -> None:
    """'User that was already a member is removed from a group which is a member of a chat':
    Talk keeps no record that alice had been added by name."""
    fake_talk.add_group("group1", ["alice"])
    token = fake_talk.add_room(owner="admin", type=3, name="room")
    add(fake_talk, token, "users", "alice")
    add(fake_talk, token, "groups", "group1")
    provisioning(fake_talk, "DELETE", "/users/alice/groups", data={"groupid": "group1"})
    assert attendees(fake_talk, token) == {("users", "admin", 1), ("groups", "group1", 3)}


def test_removing_a_group_takes_the_members_only_it_kept_in(fake_talk: FakeTalkServer) -> None:
    """'User is removed from when their last group which is a member of a chat is removed',
    'User is not removed ... when one group is removed but has a second group', 'Group of a
    moderator is removed from a chat but moderator stays in the chat'."""
    fake_talk.add_group("group1", ["alice", "bob"])
    fake_talk.add_group("group2", ["bob"])
    fake_talk.add_user("carol")
    fake_talk.add_group("group3", ["carol"])
    token = group_room(fake_talk, "group1")
    add(fake_talk, token, "groups", "group2")
    add(fake_talk, token, "groups", "group3")
    carol = attendee_id(fake_talk, token, "carol")
    call(fake_talk, "POST", f"/room/{token}/moderators", data={"attendeeId": carol})
    for group in ("group1", "group3"):
        removed = call(
            fake_talk,
            "DELETE",
            f"/room/{token}/attendees",
            data={"attendeeId": attendee_id(fake_talk, token, group)},
        )
        assert removed.status_code == 200
    assert attendees(fake_talk, token) == {
        ("users", "admin", 1),
        ("groups", "group2", 3),
        ("users", "bob", 3),
        ("users", "carol", 2),
    }


def test_deleting_a_group_removes_it_and_its_members(fake_talk: FakeTalkServer) -> None:
    """Talk's GroupDeletedListener removes the group's attendee, as removing it would."""
    fake_talk.add_group("group1", ["alice"])
    token = group_room(fake_talk, "group1")
    provisioning(fake_talk, "DELETE", "/groups/group1")
    assert attendees(fake_talk, token) == {("users", "admin", 1)}


def test_a_self_joined_user_becomes_a_plain_member_with_their_group(
    fake_talk: FakeTalkServer,
) -> None:
    """'User that was self-joined has their group added to a chat'."""
    fake_talk.add_group("group1", ["bob"])
    token = fake_talk.add_room(
        owner="admin", type=3, name="room", participants={"bob": USER_SELF_JOINED}
    )
    add(fake_talk, token, "groups", "group1")
    assert ("users", "bob", 3) in attendees(fake_talk, token)


# -- the password policy (recorded: room-password-weak-400, u-password-weak-400) ----------
def test_the_password_policy_refuses_as_the_real_one_did() -> None:
    both = (
        "Password is among the 1,000,000 most common ones. Please make it unique. "
        "Password needs to be at least 10 characters long."
    )
    assert password_policy("123") == password_policy("abc") == both
    assert password_policy("q7Z!x2Lp") == "Password needs to be at least 10 characters long."
    assert (
        password_policy("1234567890")
        == "Password is among the 1,000,000 most common ones. Please make it unique."
    )
    assert password_policy("correct-horse-battery") is None
