"""``room ensure`` and ``apply``, end to end against the fake server: create, update only
what differs, a second run sends no changing request, --dry-run sends none, invalid files
change nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from clirunner import TalkctlRunner

from talkctl.api.models import Conversation
from talkctl.cli.context import Environment
from talkctl.cli.output import Renderer
from talkctl.cli.results import RECORD_KEYS, Results
from talkctl.cli.room.ensure_run import planned
from talkctl.declarative.converge import Wanted, plan_for
from talkctl.sandbox import FakeTalkServer

PASSWORD = "Town-hall-pass-2027"
RESULT_KEYS = sorted(RECORD_KEYS)


def rooms_named(talk: FakeTalkServer, name: str) -> list[dict[str, Any]]:
    return [r for r in talk.rooms_of("admin") if r["name"] == name]


def changes(talk: FakeTalkServer) -> list[tuple[str, str]]:
    return [(r.method, r.path.split("/room", 1)[1]) for r in talk.changing_requests()]


# --- room ensure --------------------------------------------------------------------------


def test_ensure_twice_second_run_is_unchanged_and_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    args = ("room", "ensure", "Team", "--description", "Daily sync", "--favorite")
    first = run(*args, "--read-only", "on", "--notify", "never")
    assert first.code == 0, first
    (created,) = rooms_named(fake_talk, "Team")
    token = created["token"]
    assert first.stderr.startswith(f"Created group conversation Team ({token}): ")
    assert first.stdout.startswith(f"{token}\tTeam\tcreated: type group, ")  # the row of a pipe
    assert created["description"] == "Daily sync" and created["readOnly"] == 1
    assert created["favorite"] == ["admin"] and created["notificationLevel"]["admin"] == 3

    fake_talk.clear_log()
    second = run(*args, "--read-only", "on", "--notify", "never")
    assert second.code == 0, second
    assert second.stderr == f"Team ({token}): unchanged\n"
    assert fake_talk.changing_requests() == []
    assert len(rooms_named(fake_talk, "Team")) == 1


def test_ensure_changes_only_what_differs(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(name="Team", description="old", read_only=1)
    result = run(
        "room", "ensure", "Team", "--description", "new", "--read-only", "on", "--notify", "mention"
    )
    assert result.code == 0, result
    assert result.stderr == f'Team ({token}): updated: description "old" → "new"\n'
    assert changes(fake_talk) == [("PUT", f"/{token}/description")]


def test_ensure_json_contract(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("room", "ensure", "Team", "--no-favorite", "--json")
    assert result.code == 0, result
    obj = json.loads(result.stdout)
    assert sorted(obj) == RESULT_KEYS
    assert obj["action"] == "create" and obj["ok"] is True and obj["exit_code"] == 0
    assert obj["input"] == "Team" and obj["dry_run"] is False
    assert obj["conversation"]["token"] == obj["token"] and obj["conversation"]["name"] == "Team"
    again = json.loads(run("room", "ensure", "Team", "--json").stdout)
    assert again["action"] == "unchanged" and again["changes"] == []


def test_ensure_password_set_once_rotated_on_request(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    args = ("room", "ensure", "Town hall", "--type", "public", "--password-stdin")
    created = run(*args, input=PASSWORD + "\n")
    assert created.code == 0, created
    (room,) = rooms_named(fake_talk, "Town hall")
    assert room["type"] == 3 and room["password"] == PASSWORD
    assert PASSWORD not in created.stdout + created.stderr

    fake_talk.clear_log()
    same = run(*args, input="another-Password-99\n")
    assert same.code == 0 and "unchanged" in same.stderr
    assert fake_talk.changing_requests() == []  # hasPassword is true: nothing to do

    rotated = run(*args, "--rotate-password", input="another-Password-99\n")
    assert rotated.code == 0, rotated
    assert "updated: password set → new" in rotated.stderr
    assert fake_talk.room(str(room["token"]))["password"] == "another-Password-99"


def test_ensure_publishes_and_sets_a_missing_password(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    group = fake_talk.add_room(name="Hall")
    public = fake_talk.add_room(type=3, name="Open")
    result = run(
        "room", "ensure", "Hall", "--type", "public", "--password-stdin", input="Pw-12345-x\n"
    )
    assert result.code == 0, result
    assert "updated: type group → public, password none → set" in result.stderr
    assert fake_talk.room(group)["type"] == 3 and fake_talk.room(group)["password"] == "Pw-12345-x"
    no_type = run("room", "ensure", "Open", "--password-stdin", input="Pw-12345-y\n")
    assert "updated: password none → set" in no_type.stderr
    assert fake_talk.room(public)["password"] == "Pw-12345-y"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--type", "group", "--password-stdin"], "pw\n", "needs --type public"),
        (["--password-stdin"], "pw\n", "a password needs a public conversation"),
        (["--rotate-password"], "", "--rotate-password needs --password-stdin"),
        (["--type", "private"], "", "--type must be group or public"),
        (["--read-only", "yes"], "", "read-only must be on | off, not 'yes'"),
        (["--listable", "all"], "", "listable must be none | users | everyone, not 'all'"),
        (["--lobby", "2000-01-01T10:00"], "", "is in the past"),
        (["--message-expiration", "90x"], "", "message-expiration must be a whole duration"),
        (["--archived", "1"], "", "archived must be on | off"),
        (["--notify", "loud"], "", "notification level must be"),
    ],
)
def test_ensure_refuses_impossible_wishes_before_any_change(
    run: TalkctlRunner,
    fake_talk: FakeTalkServer,
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    result = run("room", "ensure", "New room", *args, input=stdin)
    assert result.code == 2, result
    assert message in result.stderr
    assert fake_talk.changing_requests() == []
    assert rooms_named(fake_talk, "New room") == []


def test_ensure_several_of_that_name_is_exit_8(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    fake_talk.add_room(name="Twin")
    fake_talk.add_room(type=3, name="Twin")
    result = run("room", "ensure", "Twin", "--favorite")
    assert result.code == 8, result
    assert "2 conversations are named 'Twin'" in result.stderr
    assert fake_talk.changing_requests() == []


def test_ensure_dry_run_sends_nothing(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(name="Team")
    result = run("room", "ensure", "Team", "--description", "x", "--favorite", "--dry-run")
    assert result.code == 0, result
    assert result.stdout.splitlines() == [
        f'{token}\tTeam\twould set description "" → "x", favorite off → on',
    ]
    create = run("room", "ensure", "Other", "--dry-run", "--json")
    assert json.loads(create.stdout) == {
        "input": "Other",
        "token": None,
        "name": "Other",
        "ok": True,
        "action": "create",
        "dry_run": True,
        "changes": [{"field": "type", "from": None, "to": "group"}],
        "skipped": None,
        "error": None,
        "exit_code": 0,
        "conversation": None,
    }
    assert fake_talk.changing_requests() == []


def test_ensure_on_talk_18_sends_one_request_per_change(
    fake_talk_factory: object, talkctl_home: Path
) -> None:
    talk = fake_talk_factory("18")  # type: ignore[operator]
    run = TalkctlRunner(
        talkctl_home, server=talk.url, user="admin", app_password=talk.new_app_password("admin")
    )
    token = talk.add_room(name="Old")
    result = run("room", "ensure", "Old", "--description", "d", "--json")
    assert result.code == 0, result
    record = json.loads(result.stdout)
    assert record["conversation"] is None  # Talk 18 answers data []: no extra request
    assert record["changes"] == [{"field": "description", "from": "", "to": "d"}]
    assert talk.room(token)["description"] == "d"


def test_plan_is_a_rich_table_on_a_terminal() -> None:
    out = io.StringIO()
    env = Environment(out, io.StringIO(), io.StringIO(), {"NO_COLOR": "1"}, stdout_isatty=True)
    current = Conversation(
        {"token": "tok1", "type": 2, "name": "Team", "displayName": "Team", "description": "a"}
    )
    plans = [
        plan_for(Wanted("Team", settings={"description": "b"}), [current]),
        plan_for(Wanted("New", settings={"favorite": True}), [current]),
        plan_for(Wanted("Team"), [current]),
    ]
    records = [planned(plan, dry_run=True) for plan in plans]
    Renderer(env, "table").results(Results(records, dry_run=True))
    text = out.getvalue()
    assert "TOKEN" in text and "PLAN" in text
    assert 'would set description "a" → "b"' in text
    assert "would create: type group, favorite on" in text
    assert "unchanged" in text
    assert "\x1b[" not in text  # NO_COLOR


def test_a_name_the_server_refuses_is_said_as_room_create_says_it(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    """ensure and apply create as room create does, and word the server's refusal alike
    (it said only 'rejected by the server (name)')."""
    long = "x" * 300
    expected = (
        "the server refused the name of the new conversation (too long? at most 255 "
        "characters); nothing was created"
    )
    created = run("room", "create", long)
    assert (created.code, created.stderr) == (6, f"talkctl: error: {expected}\n")
    ensured = run("room", "ensure", long, "--json")
    assert ensured.code == 6, ensured
    assert json.loads(ensured.stdout)["error"] == expected
    rooms = tmp_path / "rooms.toml"
    rooms.write_text(f'[[conversation]]\nname = "{long}"\n')
    applied = run("apply", str(rooms), "--json")
    assert applied.code == 6, applied
    assert [r["error"] for r in json.loads(applied.stdout)] == [expected]
    assert rooms_named(fake_talk, long) == []
