"""``participant permissions`` end to end against the sandbox (which answers as recorded on
Talk 22, replayed by test_fake_fidelity_moderation.py), its request with ``responses``, and
permissions by name in ``participant list``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from api_support import api_for, base
from e2e_support import Factory, Session, start
from responses import matchers

from talkctl.api.participants import Participant, ParticipantsApi

USER, MODERATOR = 3, 2  # participantType (constants.md)
RECORDED = Path(__file__).resolve().parent.parent / "talkctl/sandbox/recordings/talk22-moderation"


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def own(session: Session, token: str, user: str) -> int:
    return int(session.srv.room(token)["attendeePermissions"].get(user, 0))


def test_set_by_name_for_several_participants(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER, "bob": USER})
    records = admin.json("participant", "permissions", token, "alice", "bob", "chat")
    assert [r["changes"] for r in records] == [
        [{"field": "permissions", "from": "default", "to": "chat"}]
    ] * 2
    ids = admin.srv.room(token)["attendeeIds"]
    assert admin.forms("PUT", "/attendees/permissions") == [
        {"attendeeId": str(ids[user]), "method": "set", "permissions": "128"}
        for user in ("alice", "bob")
    ]
    assert (own(admin, token, "alice"), own(admin, token, "bob")) == (129, 129)
    listed = admin.run("participant", "list", token)
    assert listed.code == 0, listed
    assert "chat (own)" in listed.stdout and "129" not in listed.stdout


def test_add_without_own_permissions_starts_from_the_effective_ones(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER})
    admin.json("room", "permissions", token, "chat,join-call")
    record = admin.json("participant", "permissions", token, "alice", "audio", "--add")
    assert record["changes"] == [
        {"field": "permissions", "from": "default", "to": "chat,join-call,audio"}
    ]
    sent = admin.forms("PUT", "/attendees/permissions")[-1]
    assert (sent["method"], sent["permissions"]) == ("set", str(128 | 4 | 16 | 1))
    assert own(admin, token, "alice") == 149


def test_add_and_remove_with_own_permissions_are_the_servers(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER})
    admin.json("participant", "permissions", token, "alice", "chat")
    admin.json("participant", "permissions", token, "alice", "audio", "--add")
    record = admin.json("participant", "permissions", token, "alice", "chat", "--remove")
    assert record["changes"] == [{"field": "permissions", "from": "chat,audio", "to": "audio"}]
    methods = [f["method"] for f in admin.forms("PUT", "/attendees/permissions")]
    assert methods == ["set", "add", "remove"]
    assert own(admin, token, "alice") == 17  # as recorded: 129 -> 145 -> 17


def test_already_so_is_unchanged_and_sends_nothing(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER})
    admin.json("participant", "permissions", token, "alice", "chat")
    admin.srv.clear_log()
    record = admin.json("participant", "permissions", token, "alice", "chat")
    assert record["action"] == "unchanged"
    assert admin.srv.changing_requests() == []


def test_a_moderator_is_refused_before_sending(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"bob": MODERATOR})
    admin.srv.clear_log()
    result = admin.run("participant", "permissions", token, "bob", "chat")
    assert result.code == 5, result
    assert "may do everything" in result.stderr
    assert admin.srv.changing_requests() == []


def test_an_unknown_name_and_both_modes_are_exit_2(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER})
    admin.srv.clear_log()
    bad = admin.run("participant", "permissions", token, "alice", "sing")
    assert bad.code == 2 and "unknown permission 'sing'" in bad.stderr, bad
    both = admin.run("participant", "permissions", token, "alice", "chat", "--add", "--remove")
    assert both.code == 2, both
    assert admin.srv.requests == []


def test_a_plain_participant_is_refused(fake_talk_factory: Factory, talkctl_home: Path) -> None:
    alice = start(fake_talk_factory, talkctl_home, "22", user="alice")
    token = alice.srv.add_room(name="A", participants={"alice": USER, "bob": USER})
    result = alice.run("participant", "permissions", token, "bob", "chat")
    assert result.code == 5, result
    assert "only moderators" in result.stderr
    assert own(alice, token, "bob") == 0


def test_an_old_server_exits_6_sending_nothing(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    old = start(fake_talk_factory, talkctl_home, "11")
    token = old.srv.add_room(name="Old", participants={"alice": USER})
    old.srv.clear_log()
    result = old.run("participant", "permissions", token, "alice", "chat")
    assert result.code == 6, result
    assert old.srv.changing_requests() == []


@responses.activate
def test_the_request_and_the_recorded_answer() -> None:
    api = ParticipantsApi(api_for(4, ("conversation-permissions",)).client)
    recorded = json.loads((RECORDED / "a-attendee-permissions-set-200.json").read_text())
    responses.put(
        base(4) + "/room/tok/attendees/permissions",
        json=recorded["body"],
        match=[
            matchers.urlencoded_params_matcher(
                {"attendeeId": "652", "method": "set", "permissions": "128"}
            )
        ],
    )
    alice = Participant({"attendeeId": 652, "actorType": "users", "actorId": "alice"})
    answer = api.set_permissions("tok", alice, "set", 128)
    assert answer is not None and answer.raw["attendeePermissions"] == 129
