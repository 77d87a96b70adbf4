"""``mention-permissions``, the setting added as one entry of the settings table: the sandbox
answers as recorded on Talk 22 (recordings/talk22-moderation/), and the verb, the
create/ensure flags, ``room show``, the gate and the apply/export round trip work end to end
on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Factory, Session, start
from test_fake_fidelity import Replayer, Step

from talkctl.sandbox import FakeTalkServer

RECORDED = Path(__file__).resolve().parent.parent / "talkctl/sandbox/recordings/talk22-moderation"
NAMES = [
    "a-mention-permissions-1-200.json",
    "a-mention-permissions-0-200.json",
    "a-mention-permissions-bad-400.json",
    "a-mention-permissions-as-alice-403.json",
]
USER = 3  # participantType of a plain user (constants.md)


@pytest.fixture(scope="module")
def replayed() -> Iterator[dict[str, Step]]:
    with FakeTalkServer(talk="22", seed=22) as srv:
        token = srv.add_room(name="fx-moderation", participants={"alice": USER})
        replayer = Replayer(srv, RECORDED)
        replayer.ids["zvbbwzz2"] = token
        steps: dict[str, Step] = {}
        for name in NAMES:
            steps[name] = replayer.send(name)
            steps[name].recorded["state"] = srv.room(token)["mentionPermissions"]
        yield steps


@pytest.mark.parametrize("name", NAMES)
def test_the_sandbox_answers_as_recorded(replayed: dict[str, Step], name: str) -> None:
    step = replayed[name]
    recorded = step.recorded["body"]["ocs"]
    assert step.status == step.recorded["status"]
    assert step.body["ocs"]["meta"] == recorded["meta"]
    data, fake = recorded["data"], step.body["ocs"]["data"]
    if isinstance(data, dict) and "token" in data:
        assert set(fake) == set(data)
        assert fake["mentionPermissions"] == data["mentionPermissions"]
    else:
        assert fake == data  # {"error": "value"}, []


def test_a_refused_change_changes_nothing(replayed: dict[str, Step]) -> None:
    states = [replayed[name].recorded["state"] for name in NAMES]
    assert states == [1, 0, 0, 0]


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def test_the_verb_sets_it_and_room_show_shows_it(admin: Session) -> None:
    a, b = admin.srv.add_room(name="A"), admin.srv.add_room(name="B")
    records = admin.json("room", "mention-permissions", a, b, "moderators")
    assert [r["changes"] for r in records] == [
        [{"field": "mention-permissions", "from": "everyone", "to": "moderators"}]
    ] * 2
    assert admin.forms("PUT", "/mention-permissions") == [{"mentionPermissions": "1"}] * 2
    assert admin.srv.room(a)["mentionPermissions"] == 1
    shown = admin.run("room", "show", a)
    assert shown.code == 0, shown
    assert "mention permissions" in shown.stdout and "moderators" in shown.stdout
    admin.srv.clear_log()
    again = admin.json("room", "mention-permissions", a, b, "moderators")
    assert [r["action"] for r in again] == ["unchanged", "unchanged"]
    assert admin.srv.changing_requests() == []


def test_a_bad_value_is_exit_2_before_any_request(admin: Session) -> None:
    admin.srv.add_room(name="A")
    admin.srv.clear_log()
    result = admin.run("room", "mention-permissions", "A", "all")
    assert result.code == 2, result
    assert "mention-permissions must be everyone | moderators, not 'all'" in result.stderr
    assert admin.srv.requests == []


def test_a_participant_who_is_no_moderator_is_refused(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    alice = start(fake_talk_factory, talkctl_home, "22", user="alice")
    token = alice.srv.add_room(name="Theirs", participants={"alice": USER})
    result = alice.run("room", "mention-permissions", token, "moderators")
    assert result.code == 5, result
    assert "only moderators can change" in result.stderr
    assert alice.srv.room(token)["mentionPermissions"] == 0


def test_a_server_without_it_exits_6_sending_nothing(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    old = start(fake_talk_factory, talkctl_home, "19")
    token = old.srv.add_room(name="Old")
    old.srv.clear_log()
    result = old.run("room", "mention-permissions", token, "moderators")
    assert result.code == 6, result
    assert "mention permissions" in result.stderr and "not supported" in result.stderr
    assert old.srv.changing_requests() == []


def test_create_and_ensure_take_the_flag(admin: Session) -> None:
    made = admin.json("room", "create", "Made", "--mention-permissions", "moderators")
    posts = [r for r in admin.srv.requests if r.method == "POST" and r.path.endswith("/room")]
    assert posts[-1].json["mentionPermissions"] == 1  # with the creation, in one request
    assert admin.srv.room(made["token"])["mentionPermissions"] == 1
    ensured = admin.json("room", "ensure", "Made", "--mention-permissions", "everyone")
    assert ensured["changes"] == [
        {"field": "mention-permissions", "from": "moderators", "to": "everyone"}
    ]
    assert admin.srv.room(made["token"])["mentionPermissions"] == 0


def test_apply_then_export_then_apply_round_trip(admin: Session, tmp_path: Path) -> None:
    rooms = tmp_path / "rooms.toml"
    rooms.write_text('[[conversation]]\nname = "Town hall"\nmention_permissions = "moderators"\n')
    applied = admin.run("apply", str(rooms), "--json")
    assert applied.code == 0, applied
    (record,) = json.loads(applied.stdout)
    assert admin.srv.room(record["token"])["mentionPermissions"] == 1
    exported = admin.run("export", "Town hall")
    assert exported.code == 0, exported
    assert 'mention_permissions = "moderators"' in exported.stdout
    again = tmp_path / "again.toml"
    again.write_text(exported.stdout)
    admin.srv.clear_log()
    plan: Any = admin.run("apply", str(again), "--json")
    assert plan.code == 0, plan
    assert [r["action"] for r in json.loads(plan.stdout)] == ["unchanged"]
    assert admin.srv.changing_requests() == []


def test_a_breakout_room_refusal_says_so(admin: Session) -> None:
    token = admin.srv.add_room(name="Group 1", object_type="room", object_id="parent")
    result = admin.run("room", "mention-permissions", token, "moderators")
    assert result.code == 6, result  # a 400 the server explains
    assert "is a breakout room" in result.stderr
    assert admin.srv.room(token)["mentionPermissions"] == 0


def test_a_dry_run_as_a_participant_says_it_would_be_refused(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    alice = start(fake_talk_factory, talkctl_home, "22", user="alice")
    token = alice.srv.add_room(name="Theirs", participants={"alice": USER})
    result = alice.run("room", "mention-permissions", token, "moderators", "--dry-run")
    assert result.code == 5, result
    assert "would be refused: only moderators can change" in result.stderr
    assert alice.srv.changing_requests() == []
