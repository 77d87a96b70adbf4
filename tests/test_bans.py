"""``talkctl ban`` end to end against the sandbox (which answers as recorded on Talk 22:
recordings/talk22-moderation/b-*, replayed by test_fake_fidelity_moderation.py), and the api
layer's requests with ``responses``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from api_support import api_for, base, ocs_body
from e2e_support import Factory, Session, start
from responses import matchers

from talkctl.api.bans import BansApi

USER, MODERATOR, PUBLIC = 3, 2, 3  # participantType, conversation type (constants.md)
RECORDED = Path(__file__).resolve().parent.parent / "talkctl/sandbox/recordings/talk22-moderation"


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def test_banning_a_member_removes_them_and_says_so(admin: Session) -> None:
    token = admin.srv.add_room(name="A", type=PUBLIC, participants={"bob": USER})
    dry = admin.run("ban", "add", token, "bob", "--dry-run")
    assert dry.code == 0, dry
    assert "would ban user bob" in dry.stdout and "removes them from A" in dry.stdout
    assert "bob" in admin.srv.room(token)["participants"]
    record = admin.json("ban", "add", token, "bob", "--note", "spamming")
    assert record["action"] == "ban" and record["ban"]["internalNote"] == "spamming"
    assert admin.forms("POST", f"/ban/{token}") == [
        {"actorType": "users", "actorId": "bob", "internalNote": "spamming"}
    ]
    assert "bob" not in admin.srv.room(token)["participants"]
    added = admin.run("participant", "add", token, "bob")
    assert added.code == 6, added  # recorded: 400 ban


def test_the_listing_and_lifting_by_id(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"bob": USER})
    admin.json("ban", "add", token, "bob", "198.51.100.0/24")
    listed = admin.json("ban", "list", token)
    assert [(b["bannedActorType"], b["bannedActorId"]) for b in listed] == [
        ("users", "bob"),
        ("ip", "198.51.100.0/24"),
    ]
    table = admin.run("ban", "list", token)
    assert table.code == 0 and "198.51.100.0/24" in table.stdout, table
    lifted = admin.json("ban", "remove", token, str(listed[0]["id"]))
    assert lifted["ok"] and lifted["action"] == "unban"
    assert [b["bannedActorId"] for b in admin.json("ban", "list", token)] == ["198.51.100.0/24"]
    assert "bob" not in admin.srv.room(token)["participants"]  # lifting does not bring back


@pytest.mark.parametrize(
    ("who", "code", "words"),
    [
        ("admin", 6, "you cannot ban yourself"),
        ("alice", 6, "is a moderator"),
        ("guest@example.com", 2, "attendee id"),
    ],
)
def test_refused_before_sending(admin: Session, who: str, code: int, words: str) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": MODERATOR})
    admin.srv.clear_log()
    result = admin.run("ban", "add", token, who)
    assert result.code == code, result
    assert words in result.stderr
    assert admin.srv.changing_requests() == []


def test_a_plain_participant_is_refused(fake_talk_factory: Factory, talkctl_home: Path) -> None:
    alice = start(fake_talk_factory, talkctl_home, "22", user="alice")
    token = alice.srv.add_room(name="A", participants={"alice": USER, "bob": USER})
    assert alice.run("ban", "list", token).code == 5
    result = alice.run("ban", "add", token, "bob")
    assert result.code == 5, result
    assert "bob" in alice.srv.room(token)["participants"]


def test_an_old_server_exits_6_sending_nothing(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    old = start(fake_talk_factory, talkctl_home, "19")
    token = old.srv.add_room(name="Old", participants={"bob": USER})
    old.srv.clear_log()
    result = old.run("ban", "add", token, "bob")
    assert result.code == 6, result
    assert "ban-v1" in result.stderr
    assert old.srv.changing_requests() == []


def test_a_bad_ban_id_is_exit_2(admin: Session) -> None:
    token = admin.srv.add_room(name="A")
    admin.srv.clear_log()
    result = admin.run("ban", "remove", token, "bob")
    assert result.code == 2, result
    assert admin.srv.requests == []


@responses.activate
def test_the_api_sends_v1_and_reads_the_recorded_answers() -> None:
    api = BansApi(api_for(4, ("ban-v1",)).client)
    ban = json.loads((RECORDED / "b-ban-ip-200.json").read_text())
    listed = json.loads((RECORDED / "b-ban-list-200.json").read_text())
    form = {"actorType": "ip", "actorId": "192.0.2.1", "internalNote": "fx: documentation address"}
    responses.post(
        base(1) + "/ban/tok", json=ban["body"], match=[matchers.urlencoded_params_matcher(form)]
    )
    responses.get(base(1) + "/ban/tok", json=listed["body"])
    responses.delete(base(1) + "/ban/tok/30", json=ocs_body(None))
    assert api.add("tok", "ip", "192.0.2.1", "fx: documentation address").id == 30
    assert [b.actor_id for b in api.list("tok")][:2] == ["bob", "192.0.2.1"]
    api.remove("tok", 30)
    assert len(responses.calls) == 3
