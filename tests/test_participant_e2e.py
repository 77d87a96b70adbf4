"""``talkctl participant ...`` end to end on the fake server: every verb, resolution, gates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
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
    fake_talk.federation = True  # an administrator enabled it (recorded servers have it off)
    fake_talk.add_team("friends", ["bob"], "Friends")
    assert run("participant", "add", team, "friends", "--team").code == 0
    (post,) = [r for r in fake_talk.requests if r.method == "POST"]
    assert post.form == {"newParticipant": "friends", "source": "teams"}
    assert run("participant", "add", team, "zoe@far.example", "--federated").code == 0
    assert "federated_users/zoe@far.example" in fake_talk.room(team)["participants"]
    removed = run("participant", "remove", team, "friends", "--circle", "--yes")
    assert removed.code == 0, removed
    assert "circles/friends" not in fake_talk.room(team)["participants"]


def test_resolution_by_id_or_attendee_never_by_display_name(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    fake_talk.add_user("sam1", display_name="Sam")
    fake_talk.add_user("sam2", display_name="Sam")
    fake_talk.add_user("dana", display_name="Dana Scully")
    token = fake_talk.add_room(
        owner="admin", name="Crowd", participants={"sam1": 3, "sam2": 3, "dana": 3}
    )
    dana = fake_talk.room(token)["attendeeIds"]["dana"]
    by_id = run("participant", "promote", token, "dana", "--json")
    assert by_id.code == 0, by_id
    assert json.loads(by_id.stdout)["participant"]["actorId"] == "dana"
    by_attendee = run("participant", "demote", token, f"attendee:{dana}")
    assert by_attendee.code == 0, by_attendee
    assert fake_talk.room(token)["participants"]["dana"] == 3
    by_name = run("participant", "promote", token, "Dana Scully")
    assert by_name.code == 3, by_name
    assert f"display name of user dana 'Dana Scully' (attendee:{dana})" in by_name.stderr
    assert f"name them by id (dana or attendee:{dana})" in by_name.stderr
    shared = run("participant", "promote", token, "Sam")  # nobody's id: exit 3, not 8
    assert shared.code == 3, shared
    assert "user sam1 'Sam'" in shared.stderr and "user sam2 'Sam'" in shared.stderr
    unknown = run("participant", "promote", token, "nobody")
    assert unknown.code == 3, unknown
    assert run("participant", "promote", token, "attendee:99999").code == 3
    assert run("participant", "promote", token, "attendee:x").code == 2
    moderators = f"/ocs/v2.php/apps/spreed/api/v4/room/{token}/moderators"
    assert changing(fake_talk) == [f"POST {moderators}", f"DELETE {moderators}"]


def test_a_display_name_never_selects_another_account(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    """mallory set her display name to 'bob': add bob adds bob, promote bob promotes nobody."""
    fake_talk.add_user("mallory", display_name="bob")
    token = fake_talk.add_room(owner="admin", name="Team", participants={"mallory": 3})
    mallory = fake_talk.room(token)["attendeeIds"]["mallory"]
    promoted = run("participant", "promote", token, "bob")
    assert promoted.code == 3, promoted
    assert f"display name of user mallory 'bob' (attendee:{mallory})" in promoted.stderr
    assert fake_talk.room(token)["participants"]["mallory"] == 3
    removed = run("participant", "remove", token, "bob", "--yes")
    assert removed.code == 3, removed
    assert changing(fake_talk) == []
    added = run("participant", "add", token, "bob", "--json")
    assert added.code == 0, added
    record = json.loads(added.stdout)
    assert (record["action"], record["participant"]) == ("add", None)
    assert fake_talk.room(token)["participants"]["bob"] == 3


@pytest.mark.parametrize(
    "ref", ["attendee:\u00b2", "attendee:\u0661\u0660\u0662", "attendee:" + "9" * 5000]
)
def test_attendee_ids_are_ascii_digits(
    run: TalkctlRunner, fake_talk: FakeTalkServer, ref: str
) -> None:
    """attendee:² once crashed (exit 1) and attendee:١٠٢ was taken as attendee 102."""
    token = fake_talk.add_room(owner="admin", name="Team", participants={"bob": 3})
    fake_talk.state.rooms[token].attendee_of("bob").id = 102  # type: ignore[union-attr]
    result = run("participant", "remove", token, ref, "--yes")
    assert result.code == 2, result
    assert "ASCII digits" in result.stderr and "unexpected" not in result.stderr
    assert "bob" in fake_talk.room(token)["participants"]
    assert changing(fake_talk) == []


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


@pytest.mark.parametrize(("verb", "done"), [("demote", "demoted"), ("remove", "removed")])
def test_a_dry_run_says_the_owner_cannot_be_demoted_or_removed_as_the_real_run(
    run: TalkctlRunner, fake_talk: FakeTalkServer, verb: str, done: str
) -> None:
    token = fake_talk.add_room(owner="alice", name="Hers", participants={"admin": 2})
    extra = ["--yes"] if verb == "remove" else []
    plan = run("participant", verb, token, "alice", "--dry-run", "--json", *extra)
    real = run("participant", verb, token, "alice", "--json", *extra)
    assert plan.code == real.code == 5, (plan, real)
    planned, refused = json.loads(plan.stdout), json.loads(real.stdout)
    owner = f"user alice (attendee:{planned['participant']['attendeeId']})"
    assert planned["error"] == f"would be refused: {owner} owns Hers ({token}), and the owner " + (
        f"cannot be {done}"
    )
    assert refused["error"] == planned["error"].replace("would be refused", "the server refuses")
    assert fake_talk.room(token)["participants"]["alice"] == 1  # still the owner


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


def test_federated_invite_is_refused_before_sending_when_federation_is_off(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    """The recorded server (federation off) answers 501 and talkctl retried it, exit 7."""
    result = run("participant", "add", team, "zoe@far.example", "--federated")
    assert result.code == 6, result
    assert "federation is disabled on this server" in result.stderr
    assert changing(fake_talk) == [] and fake_talk.count("GET", PARTS) == 0
    # the sandbox answers a federated invite as the recorded server does
    secret = fake_talk.new_app_password("admin")
    answer = requests.post(
        f"{fake_talk.url}/ocs/v2.php/apps/spreed/api/v4/room/{team}/participants",
        data={"newParticipant": "zoe@far.example", "source": "federated_users"},
        auth=("admin", secret),
        headers={"OCS-APIRequest": "true", "Accept": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 501
    assert answer.json()["ocs"]["data"] == {"error": "federation"}
    assert "federated_users/zoe@far.example" not in fake_talk.room(team)["participants"]


def test_the_lobby_keeps_a_non_moderator_out_and_talkctl_says_so(
    fake_talk: FakeTalkServer, talkctl_home: Path, tmp_path: Path
) -> None:
    """With the lobby on, a plain participant gets the room but 412 for the participant list
    (recorded: l-participants-as-bob-412) and 403 for adding (l-add-participant-as-bob-403)."""
    token = fake_talk.add_room(owner="admin", name="Webinar", participants={"bob": 3})
    fake_talk.state.rooms[token].lobby_state = 1
    bob = TalkctlRunner(
        talkctl_home,
        server=fake_talk.url,
        user="bob",
        app_password=fake_talk.new_app_password("bob"),
    )
    assert bob("room", "show", "Webinar").code == 0  # the room itself: 200
    keeps_out = "the lobby keeps non-moderators out of"
    listed = bob("participant", "list", "Webinar")
    assert listed.code == 6, listed
    assert f"{keeps_out} Webinar ({token})" in listed.stderr
    for args in (("add", "Webinar", "alice"), ("add", "Webinar", "alice", "--dry-run")):
        result = bob("participant", *args)
        assert result.code == 6 and keeps_out in result.stderr, result
    exported = bob("export", token)
    assert exported.code == 6 and keeps_out in exported.stderr, exported
    path = tmp_path / "webinar.toml"
    path.write_text(
        f'[[conversation]]\nname = "Webinar"\ntoken = "{token}"\n'
        'participants = { users = ["alice"] }\n',
        "utf-8",
    )
    planned = bob("apply", str(path), "--dry-run")
    assert planned.code == 6 and keeps_out in planned.stderr + planned.stdout, planned
    assert fake_talk.changing_requests() == []
    secret = fake_talk.new_app_password("bob")
    added = requests.post(
        f"{fake_talk.url}/ocs/v2.php/apps/spreed/api/v4/room/{token}/participants",
        data={"newParticipant": "alice", "source": "users"},
        auth=("bob", secret),
        headers={"OCS-APIRequest": "true", "Accept": "application/json"},
        timeout=10,
    )
    assert added.status_code == 403 and added.json()["ocs"]["data"] == []
    admin = TalkctlRunner(
        talkctl_home,
        server=fake_talk.url,
        user="admin",
        app_password=fake_talk.new_app_password("admin"),
    )
    assert admin("participant", "list", "Webinar").code == 0  # moderators pass the lobby


def test_a_501_federation_answer_is_worded(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    """A server that does not say (no config.federation) answers 501 'federation' as
    recorded (a-add-federated-user-501): the error says federation is disabled."""
    fake_talk.federation = True  # the capabilities allow it; the answer refuses
    body = {
        "ocs": {
            "meta": {"status": "failure", "statuscode": 501, "message": ""},
            "data": {"error": "federation"},
        }
    }
    fake_talk.inject("POST", f"/room/{team}/participants", times=5, status=501, body=body)
    result = run("--retries", "0", "participant", "add", team, "zoe@far.example", "--federated")
    assert result.code != 0, result
    assert "federation is disabled on it" in result.stderr


@pytest.mark.parametrize("verb", ["add", "promote"])
def test_an_empty_id_is_refused_by_every_verb(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, verb: str
) -> None:
    result = run("participant", verb, team, " ")
    assert result.code == 2, result
    assert "must not be empty" in result.stderr
    assert changing(fake_talk) == []


def test_apply_and_create_refuse_federated_users_while_federation_is_off(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    path = tmp_path / "fed.toml"
    path.write_text(
        '[[conversation]]\nname = "Team chat"\n'
        'participants = { users = ["alice", "bob"], federated_users = ["zoe@far.example"] }\n',
        "utf-8",
    )
    applied = run("apply", str(path))
    assert applied.code == 6, applied
    assert "federation is disabled" in applied.stdout + applied.stderr
    created = run("room", "create", "Fed", "--invite", "zoe@far.example", "--source", "federated")
    assert created.code == 6 and "federation is disabled" in created.stderr, created
    assert changing(fake_talk) == []
