"""``talkctl participant ...`` end to end on the fake server: every verb, resolution, gates."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer

PARTS = "/participants"


def changing(srv: FakeTalkServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in srv.changing_requests()]


@pytest.fixture
def team(fake_talk: FakeTalkServer) -> str:
    """'Team chat' owned by admin with alice (moderator) and bob."""
    return fake_talk.add_room(owner="admin", name="Team chat", participants={"alice": 2, "bob": 3})


def test_list_table_json_role_and_fields(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    table = run("participant", "list", "Team chat")
    assert table.code == 0, table
    rows = [line.split("\t") for line in table.stdout.splitlines()]
    assert {(r[1], r[2], r[4]) for r in rows} == {
        ("user", "admin", "owner"),
        ("user", "alice", "moderator"),
        ("user", "bob", "user"),
    }
    listed = json.loads(run("participant", "list", team, "--json").stdout)
    assert {p["actorId"] for p in listed} == {"admin", "alice", "bob"}
    assert "attendeeId" in listed[0] and "permissions" in listed[0]
    mods = run("participant", "list", team, "--role", "moderator", "--role", "owner", "--json")
    assert {p["actorId"] for p in json.loads(mods.stdout)} == {"admin", "alice"}
    fields = run("participant", "list", team, "--fields", "actorId,participantType", "--json")
    assert sorted(json.loads(fields.stdout), key=lambda p: p["actorId"])[0] == {
        "actorId": "admin",
        "participantType": 1,
    }
    bad = run("participant", "list", team, "--fields", "nope")
    assert bad.code == 2 and "valid fields" in bad.stderr
    assert run("participant", "list", team, "--role", "boss").code == 2
    assert changing(fake_talk) == []


def test_list_unknown_conversation_is_3(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("participant", "list", "No such chat")
    assert result.code == 3, result
    gone = fake_talk.add_room(owner="alice", name="Left since", participants={"admin": 3})
    assert run("room", "list").code == 0  # caches the token
    room = fake_talk.state.rooms[gone]
    fake_talk.state.remove_attendee(room, room.attendee_of("admin"))  # type: ignore[arg-type]
    cached = run("participant", "list", gone)  # a cached token: the server says 404
    assert cached.code == 3 and "not a participant" in cached.stderr


def test_add_users_groups_and_unchanged(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    fake_talk.add_user("carol")
    result = run("participant", "add", "Team chat", "carol", "alice", "--json")
    assert result.code == 0, result
    records = json.loads(result.stdout)
    assert [(r["input"], r["action"], r["ok"]) for r in records] == [
        ("carol", "add", True),
        ("alice", "unchanged", True),
    ]
    assert result.stderr.splitlines()[-1] == "1 added, 1 unchanged"
    assert fake_talk.room(team)["participants"]["carol"] == 3
    assert len([r for r in changing(fake_talk) if r.endswith(PARTS)]) == 1
    group = run("participant", "add", team, "staff", "--group")
    assert group.code == 0, group
    assert "groups/staff" in fake_talk.room(team)["participants"]
    # every verb reads ONE participant listing
    assert fake_talk.count("GET", PARTS) == 2


def test_add_unknown_user_is_3(run: TalkctlRunner, fake_talk: FakeTalkServer, team: str) -> None:
    result = run("participant", "add", team, "nobody")
    assert result.code == 3, result
    assert "no user 'nobody' exists on the server" in result.stderr


def test_add_to_one_to_one_explains(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", type=1, participants={"alice": 1})
    result = run("participant", "add", token, "bob")
    assert result.code == 6, result
    assert "one-to-one" in result.stderr and "group conversation" in result.stderr
    assert "participants cannot be added there" in result.stderr


def test_email_on_group_needs_yes_and_turns_public(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    refused = run("participant", "add", team, "guest@example.com", "--email")
    assert refused.code == 2, refused
    assert "public" in refused.stderr and changing(fake_talk) == []
    done = run("participant", "add", team, "guest@example.com", "--email", "--yes")
    assert done.code == 0, done
    assert "public now" in done.stderr
    assert fake_talk.room(team)["type"] == 3
    listed = json.loads(run("participant", "list", team, "--json").stdout)
    assert any(p.get("invitedActorId") == "guest@example.com" for p in listed)
    # the invitee is found by address (its actorId is a hash)
    again = run("participant", "promote", team, "guest@example.com", "--email")
    assert again.code == 0, again


def test_email_warning_follows_the_servers_type_not_the_cache(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    """The cache saw it public; it is a group conversation again on the server by now."""
    token = fake_talk.add_room(owner="admin", name="Was public", type=3)
    assert run("room", "list").code == 0  # saves the token (as public) in the cache
    with fake_talk.state.lock:
        fake_talk.state.rooms[token].type = 2  # made private elsewhere
    refused = run("participant", "add", token, "guest@example.com", "--email")
    assert refused.code == 2, refused
    assert "makes Was public" in refused.stderr and changing(fake_talk) == []


@pytest.mark.parametrize(
    ("talk", "args"),
    [
        ("8", ["x@example.org", "--federated"]),
        ("18", ["x@example.org", "--federated"]),
        ("9", ["friends", "--team"]),
    ],
)
def test_kind_the_server_cannot_handle_is_6_without_requests(
    fake_talk_factory: Callable[..., FakeTalkServer],
    talkctl_home: object,
    talk: str,
    args: list[str],
) -> None:
    from pathlib import Path

    srv = fake_talk_factory(talk=talk)
    if talk == "9":
        srv.state.teams.clear()
    token = srv.add_room(owner="admin", name="g")
    runner = TalkctlRunner(
        Path(str(talkctl_home)),
        server=srv.url,
        user="admin",
        app_password=srv.new_app_password("admin"),
    )
    result = runner("participant", "add", token, *args)
    if talk == "9":  # Talk 9 knows circles (Talk 8+): the team is simply unknown
        assert result.code == 3, result
        return
    assert result.code == 6, result
    assert "not supported by this server" in result.stderr
    assert [r.path for r in srv.requests] == ["/ocs/v2.php/cloud/capabilities"]


def test_teams_and_federated_on_talk22(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    fake_talk.add_team("friends", ["bob"], "Friends")
    assert run("participant", "add", team, "friends", "--team").code == 0
    (post,) = [r for r in fake_talk.requests if r.method == "POST"]
    assert post.form == {"newParticipant": "friends", "source": "teams"}
    assert run("participant", "add", team, "zoe@far.example", "--federated").code == 0
    assert "federated_users/zoe@far.example" in fake_talk.room(team)["participants"]
    removed = run("participant", "remove", team, "Friends", "--circle", "--yes")
    assert removed.code == 0, removed
    assert "circles/friends" not in fake_talk.room(team)["participants"]


def test_resolution_attendee_display_name_unknown_ambiguous(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    fake_talk.add_user("sam1", display_name="Sam")
    fake_talk.add_user("sam2", display_name="Sam")
    fake_talk.add_user("dana", display_name="Dana Scully")
    token = fake_talk.add_room(
        owner="admin", name="Crowd", participants={"sam1": 3, "sam2": 3, "dana": 3}
    )
    dana = fake_talk.room(token)["attendeeIds"]["dana"]
    by_name = run("participant", "promote", token, "Dana Scully", "--json")
    assert by_name.code == 0, by_name
    assert json.loads(by_name.stdout)["participant"]["actorId"] == "dana"
    by_attendee = run("participant", "demote", token, f"attendee:{dana}")
    assert by_attendee.code == 0, by_attendee
    assert fake_talk.room(token)["participants"]["dana"] == 3
    ambiguous = run("participant", "promote", token, "Sam")
    assert ambiguous.code == 8, ambiguous
    assert "sam1" in ambiguous.stderr and "sam2" in ambiguous.stderr
    unknown = run("participant", "promote", token, "nobody")
    assert unknown.code == 3, unknown
    assert run("participant", "promote", token, "attendee:99999").code == 3
    assert run("participant", "promote", token, "attendee:x").code == 2
    moderators = f"/ocs/v2.php/apps/spreed/api/v4/room/{token}/moderators"
    assert changing(fake_talk) == [f"POST {moderators}", f"DELETE {moderators}"]


def test_user_and_group_of_the_same_name(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    fake_talk.add_user("staff")
    token = fake_talk.add_room(owner="admin", name="Same", participants={"staff": 3})
    assert run("participant", "add", token, "staff", "--group").code == 0
    user = run("participant", "remove", token, "staff", "--yes", "--json")
    assert user.code == 0, user
    assert json.loads(user.stdout)["participant"]["actorType"] == "users"
    participants = fake_talk.room(token)["participants"]
    assert "staff" not in participants and "groups/staff" in participants
    group = run("participant", "remove", token, "staff", "--group", "--yes", "--json")
    assert json.loads(group.stdout)["participant"]["actorType"] == "groups"
    assert "groups/staff" not in fake_talk.room(token)["participants"]


def test_remove_confirmation_self_owner_and_last_moderator(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    refused = run("participant", "remove", team, "bob")
    assert refused.code == 2 and "--yes" in refused.stderr
    assert changing(fake_talk) == []
    me = run("participant", "remove", team, "admin", "--yes")
    assert me.code == 2 and "room leave" in me.stderr
    owned = fake_talk.add_room(owner="alice", name="Alice's", participants={"admin": 2})
    owner = run("participant", "remove", owned, "alice", "--yes")
    assert owner.code == 5, owner
    assert "owner" in owner.stderr
    demote_owner = run("participant", "demote", owned, "alice")
    assert demote_owner.code == 5 and "owner" in demote_owner.stderr
    ok = run("participant", "remove", team, "bob", "--yes")
    assert ok.code == 0 and "bob" not in fake_talk.room(team)["participants"]


def test_promote_demote_unchanged(run: TalkctlRunner, fake_talk: FakeTalkServer, team: str) -> None:
    assert "unchanged" in run("participant", "promote", team, "alice").stderr
    assert "unchanged" in run("participant", "demote", team, "bob").stderr
    assert changing(fake_talk) == []
    assert run("participant", "promote", team, "bob").code == 0
    assert fake_talk.room(team)["participants"]["bob"] == 2


def test_bulk_stdin_and_dry_run(run: TalkctlRunner, fake_talk: FakeTalkServer, team: str) -> None:
    for user in ("u1", "u2"):
        fake_talk.add_user(user)
    plan = run(
        "participant", "add", team, "--stdin", "--dry-run", "--json", input="u1\nu2\nalice\nghost\n"
    )
    assert plan.code == 0, plan  # a dry run of add does not know whether ghost exists
    records = json.loads(plan.stdout)
    assert [r["action"] for r in records] == ["add", "add", "unchanged", "add"]
    assert all(r["dry_run"] for r in records) and changing(fake_talk) == []
    real = run("participant", "add", team, "--stdin", input="u1\nu2\nghost\n")
    assert real.code == 3, real
    assert real.stderr.splitlines()[-1] == "2 added, 1 failed"
    removal = run("participant", "remove", team, "u1", "nobody", "u2", "--dry-run")
    assert removal.code == 3, removal
    assert "would remove user u1" in removal.stdout and "nobody" in removal.stderr
    assert {"u1", "u2"} <= set(fake_talk.room(team)["participants"])


def test_not_a_moderator_is_5(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="alice", name="Theirs", participants={"admin": 3, "bob": 3})
    result = run("participant", "promote", token, "bob")
    assert result.code == 5 and "only moderators" in result.stderr
    # the listing shows admin's role: a dry run says the server would refuse, and exits 5
    plan = run("participant", "promote", token, "bob", "--dry-run", "--json")
    assert plan.code == 5, plan
    record = json.loads(plan.stdout)
    assert (record["ok"], record["exit_code"]) == (False, 5)
    assert (
        record["error"]
        == f"would be refused: only moderators can change the participants of Theirs ({token})"
    )
    bulk = run("participant", "remove", token, "bob", "admin", "--dry-run")
    assert bulk.code == 5, bulk  # bob's refusal comes first; admin is you: no refusal, exit 2
    assert bulk.stderr.splitlines()[-1] == "dry run: 1 would be refused, 1 failed; nothing was sent"


def test_old_api_addresses_users_by_id(
    fake_talk_factory: Callable[..., FakeTalkServer], talkctl_home: object
) -> None:
    from pathlib import Path

    srv = fake_talk_factory(talk="10")
    token = srv.add_room(owner="admin", name="Old", participants={"alice": 3})
    runner = TalkctlRunner(
        Path(str(talkctl_home)),
        server=srv.url,
        user="admin",
        app_password=srv.new_app_password("admin"),
    )
    assert runner("participant", "promote", token, "alice").code == 0
    (post,) = [r for r in srv.requests if r.method == "POST"]
    assert post.form == {"participant": "alice"} and "/api/v2/" in post.path
    assert runner("participant", "remove", token, "alice", "--yes").code == 0
    assert "alice" not in srv.room(token)["participants"]


def test_completion_uses_the_saved_list_only(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    assert run("participant", "list", team).code == 0
    fake_talk.clear_log()
    words = f"talkctl participant remove {team} a"
    env = {"_TALKCTL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "4"}
    result = run(env=env)
    assert result.code == 0, result
    assert "alice" in result.stdout.split() and "admin" in result.stdout.split()
    assert fake_talk.requests == []


def test_hostile_display_names_are_literal(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    hostile = "[bold]Eve[/bold]\tx\x1b[31m"
    fake_talk.add_user("eve", display_name=hostile)
    token = fake_talk.add_room(owner="admin", name="Hostile", participants={"eve": 3})
    listed = json.loads(run("participant", "list", token, "--json").stdout)
    assert {p["displayName"] for p in listed} == {"admin", hostile}
    rows = run("participant", "list", token).stdout.splitlines()
    assert all(len(row.split("\t")) == 7 for row in rows)  # a tab never breaks a row
    assert "[bold]Eve[/bold]\\tx" in "".join(rows)  # markup not interpreted, tab escaped
