"""``talkctl export``, end to end on the fake server: the round trip (export, then apply
--dry-run reports every conversation unchanged) on a seeded set of conversations of mixed
kinds, what is skipped and why, passwords, the file's mode."""

from __future__ import annotations

import json
import random
import stat
import time
from pathlib import Path

import requests
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer

OWNER, MODERATOR, USER = 1, 2, 3
USERS = ("alice", "bob", "carol", "dave", "erin", "frank")
DESCRIPTIONS = ("", "Plain", 'Quotes " and \\ backslash', "Budget [draft]", "two\nlines", "café ✅")
EXPIRATIONS = (0, 45, 3600, 5400, 86400, 90000, 604800)


def add(srv: FakeTalkServer, token: str, source: str, who: str) -> None:
    """Add a participant through the API, as admin (e-mails get their hash as the server
    gives them)."""
    response = requests.post(
        f"{srv.url}/ocs/v2.php/apps/spreed/api/v4/room/{token}/participants",
        data={"newParticipant": who, "source": source},
        auth=("admin", srv.password_of("admin")),
        headers={"OCS-APIRequest": "true", "Accept": "application/json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def seed_mixed(srv: FakeTalkServer, seed: int = 15) -> dict[str, list[str]]:
    """At least 30 conversations: managed group and public ones with every setting varied,
    and the kinds export skips."""
    rng = random.Random(seed)
    srv.federation = True  # federated users are invited only where federation is on
    for user in USERS[2:]:
        srv.add_user(user)
    srv.add_group("class-6a", ["alice", "erin"])
    srv.add_group("staff", ["bob"])
    srv.add_team("team-x", ["dave"], "Team X")
    now = int(time.time())
    managed: list[str] = []
    for n in range(24):
        kind = 3 if n % 4 == 0 else 2
        members = {"admin": OWNER} | {
            u: rng.choice((USER, USER, MODERATOR)) for u in rng.sample(USERS, rng.randint(0, 4))
        }
        token = srv.add_room(
            name=f"Managed {n:02d} {rng.choice(('a', 'b'))}",
            type=kind,
            participants=members,
            description=rng.choice(DESCRIPTIONS),
            read_only=rng.randint(0, 1),
            listable=rng.randint(0, 2),
            password="Pass-word-2027" if kind == 3 and n % 8 == 0 else None,
            favorite_for=["admin"] if rng.random() < 0.3 else [],
            archived_for=["admin"] if rng.random() < 0.2 else [],
        )
        with srv.state.lock:
            room = srv.state.rooms[token]
            room.message_expiration = rng.choice(EXPIRATIONS)
            lobby = rng.choice(("off", "on", "until", "passed"))
            room.lobby_state = 0 if lobby == "off" else 1
            room.lobby_timer = {"until": now + 86400 * 3, "passed": now - 3600}.get(lobby, 0)
            me = room.attendee_of("admin")
            assert me is not None
            me.notification_level = rng.choice((0, 1, 2, 3))
        if n % 3 == 0:
            add(srv, token, "groups", rng.choice(("class-6a", "staff")))
        if n % 5 == 0:
            add(srv, token, "teams", "team-x")
        if n % 7 == 0:
            add(srv, token, "federated_users", f"user{n}@other.example")
        if kind == 3 and n % 8 == 4:
            add(srv, token, "emails", f"guest{n}@example.com")
        managed.append(token)
    skipped = [
        srv.add_room(type=1, name="bob", participants={"bob": OWNER}),
        srv.add_room(type=1, name="carol", participants={"carol": OWNER}),
        srv.add_room(name="Shared file", object_type="file", object_id="468"),
        srv.add_room(owner="bob", name="Bob's room", participants={"bob": OWNER, "admin": USER}),
        srv.add_room(owner="carol", name="Carol's", participants={"carol": OWNER, "admin": USER}),
    ]
    skipped += srv.seed_realistic("admin").values()  # changelog, note to self, sample (bound)
    return {"managed": managed, "skipped": skipped}


def test_export_all_then_apply_dry_run_reports_every_conversation_unchanged(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    tokens = seed_mixed(fake_talk)
    assert len(tokens["managed"]) + len(tokens["skipped"]) >= 30
    target = tmp_path / "talk.toml"
    exported = run("export", "--all", "-o", str(target))
    assert exported.code == 0, exported
    assert exported.stdout == ""
    managed, skipped = len(tokens["managed"]), len(tokens["skipped"])
    assert exported.stderr == (
        f"exported {managed} conversation(s) to {target}; "
        f"skipped {skipped} (the comments in the output say why)\n"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text("utf-8")
    assert "exclusive" not in text
    assert 'message_expiration = "90m"' in text and 'message_expiration = "25h"' in text
    assert '# password_env = "TALK_PASSWORD_' in text and "Pass-word-2027" not in text
    for reason in (
        "a one-to-one conversation",
        "bound to file 468",
        "bound to sample",
        "you do not moderate it",
        "the changelog conversation",
        "your note-to-self conversation",
    ):
        assert reason in text, reason
    assert text.count("[[conversation]]") == len(tokens["managed"])
    assert "guest4@example.com" in text and '"team-x"' in text

    fake_talk.clear_log()
    plan = run("apply", str(target), "--dry-run", "--json")
    assert plan.code == 0, plan
    records = json.loads(plan.stdout)
    assert len(records) == len(tokens["managed"])
    assert {r["action"] for r in records} == {"unchanged"}, [
        (r["name"], r["changes"]) for r in records if r["action"] != "unchanged"
    ]
    assert sorted(r["token"] for r in records) == sorted(tokens["managed"])
    assert fake_talk.changing_requests() == []

    applied = run("apply", str(target))
    assert applied.code == 0, applied
    assert fake_talk.changing_requests() == []


def test_export_named_conversations_without_participants_to_stdout(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(name="Town hall", type=3, password="Pass-word-2027")
    one = fake_talk.add_room(type=1, name="bob", participants={"bob": OWNER})
    result = run("export", "Town hall", one, "--no-participants")
    assert result.code == 0, result
    assert f'token = "{token}"' in result.stdout and "participants" not in result.stdout
    assert "moderators" not in result.stdout
    assert "# The password cannot be read back" in result.stdout
    assert f'# skipped "bob" ({one}): a one-to-one conversation' in result.stdout
    assert (
        result.stderr
        == "exported 1 conversation(s); skipped 1 (the comments in the output say why)\n"
    )
    assert not any("/participants" in r.path for r in fake_talk.requests)


def test_export_needs_conversations_or_all(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("export")
    assert result.code == 2, result
    assert result.stderr == "talkctl: error: give CONV arguments or --all (not both)\n"
    assert fake_talk.requests == []


def test_a_skipped_conversation_s_object_from_the_server_stays_in_its_comment(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # objectId and objectType are the server's text: a line break in them must not become
    # a table of the written file
    fake_talk.add_room(name="Plain", participants={"admin": OWNER})
    bound = fake_talk.add_room(
        name="Event", object_type="event\n[[conversation]]", object_id='1\nname = "Injected"'
    )
    result = run("export", "--all", "--no-participants")
    assert result.code == 0, result
    from talkctl.declarative.applyfile import load

    written = tmp_path / "talk.toml"
    written.write_text(result.stdout, "utf-8")
    assert [entry.name for entry in load(written, {})] == ["Plain"]
    notes = [line for line in result.stdout.splitlines() if bound in line]
    assert notes == [
        f'# skipped "Event" ({bound}): bound to "event\\n[[conversation]]" '
        '"1\\nname = \\"Injected\\"": Talk manages it with its object'
    ]


def test_protected_conversations_whose_names_read_alike_get_a_variable_each(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    # "Class 6a" and "class-6a" make the same TALK_PASSWORD_CLASS_6A: one variable set
    # would give both conversations the same password
    first = fake_talk.add_room(name="Class 6a", type=3, password="Pass-word-2027")
    second = fake_talk.add_room(name="class-6a", type=3, password="Other-pass-2027")
    third = fake_talk.add_room(name="Budget", type=3, password="Third-pass-2027")
    result = run("export", first, second, third, "--no-participants")
    assert result.code == 0, result
    variables = [
        line.split('"')[1] for line in result.stdout.splitlines() if "# password_env" in line
    ]
    assert variables == [
        f"TALK_PASSWORD_CLASS_6A_{first.upper()}",
        f"TALK_PASSWORD_CLASS_6A_{second.upper()}",
        "TALK_PASSWORD_BUDGET",
    ]


def test_a_conversation_named_twice_is_exported_once(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # by name and by token: two tables with one token would make apply refuse the file
    token = fake_talk.add_room(name="Town hall", participants={"admin": OWNER})
    result = run("export", "Town hall", token, "--no-participants")
    assert result.code == 0, result
    assert result.stdout.count("[[conversation]]") == 1
    assert result.stderr == "exported 1 conversation(s)\n"
    from talkctl.declarative.applyfile import load

    written = tmp_path / "talk.toml"
    written.write_text(result.stdout, "utf-8")
    assert [entry.token for entry in load(written, {})] == [token]


def test_an_export_of_nothing_still_round_trips(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # only a one-to-one: nothing to write, yet apply --dry-run on the file says nothing to do
    fake_talk.add_room(type=1, name="bob", participants={"bob": OWNER})
    target = tmp_path / "talk.toml"
    result = run("export", "--all", "-o", str(target))
    assert result.code == 0, result
    plan = run("apply", str(target), "--dry-run")
    assert plan.code == 0, plan
    assert plan.stderr == "dry run: nothing to do; nothing was sent\n"
