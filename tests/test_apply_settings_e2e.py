"""``apply`` with settings only, end to end against the fake server: create, update only what
differs, a second run sends no changing request, --dry-run sends none, invalid files change
nothing, one conversation's failure does not stop the others."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clirunner import Result, TalkctlRunner

from talkctl.declarative.applyfile import KEYS as APPLY_FILE_KEYS
from talkctl.sandbox import FakeTalkServer

PASSWORD = "Town-hall-pass-2027"
APPLY_KEYS = sorted(
    [
        *("input", "token", "name", "ok", "action", "dry_run", "changes", "notes"),
        *("skipped", "error", "exit_code", "conversation"),
    ]
)


def rooms_named(talk: FakeTalkServer, name: str) -> list[dict[str, Any]]:
    return [r for r in talk.rooms_of("admin") if r["name"] == name]


MIXED = """\
# rooms managed by the cron job
[[conversation]]
name = "Keep"

[[conversation]]
name = "Fix me"
description = "Right text"
read_only = true
favorite = true

[[conversation]]
name = "Brand new"
type = "group"
notify = "never"

[[conversation]]
name = "Town hall"
type = "public"
password_env = "TOWNHALL_PW"
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "rooms.toml"
    path.write_text(text, "utf-8")
    return str(path)


def test_apply_mixed_file_plan_then_apply_then_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    keep = fake_talk.add_room(name="Keep")
    fix = fake_talk.add_room(name="Fix me", description="Wrong text")
    untouched = fake_talk.add_room(name="Not in the file")
    path = write(tmp_path, MIXED)
    env = {"TOWNHALL_PW": PASSWORD}

    plan = run("apply", path, "--dry-run", env=env)
    assert plan.code == 0, plan
    assert plan.stdout.splitlines() == [
        f"Keep\t{keep}\tunchanged\t",
        f'Fix me\t{fix}\tupdate\tdescription "Wrong text" → "Right text"',
        f"Fix me\t{fix}\tupdate\tread-only off → on",
        f"Fix me\t{fix}\tupdate\tfavorite off → on",
        "Brand new\t\tcreate\ttype group",
        "Brand new\t\tcreate\tnotify never",
        "Town hall\t\tcreate\ttype public",
        "Town hall\t\tcreate\tpassword set",
    ]
    assert plan.stderr == "dry run: 2 to create, 1 to update, 1 unchanged; nothing was sent\n"
    assert PASSWORD not in plan.stdout + plan.stderr
    assert fake_talk.changing_requests() == []

    as_json = json.loads(run("apply", path, "--dry-run", "--json", env=env).stdout)
    assert [p["action"] for p in as_json] == ["unchanged", "update", "create", "create"]
    assert as_json[1]["changes"][0] == {
        "field": "description",
        "from": "Wrong text",
        "to": "Right text",
    }
    assert fake_talk.changing_requests() == []

    applied = run("apply", path, "--json", env=env)
    assert applied.code == 0, applied
    results = json.loads(applied.stdout)
    assert [sorted(r) for r in results] == [APPLY_KEYS] * 4
    assert [r["action"] for r in results] == ["unchanged", "update", "create", "create"]
    assert [c["field"] for c in results[1]["changes"]] == ["description", "read-only", "favorite"]
    assert applied.stderr.splitlines()[-1] == "2 created, 1 updated, 1 unchanged"
    fixed = fake_talk.room(fix)
    assert fixed["description"] == "Right text" and fixed["readOnly"] == 1
    (town,) = rooms_named(fake_talk, "Town hall")
    assert town["type"] == 3 and town["password"] == PASSWORD
    (new,) = rooms_named(fake_talk, "Brand new")
    assert new["notificationLevel"]["admin"] == 3
    assert fake_talk.has_room(untouched)  # never deletes what the file does not name

    fake_talk.clear_log()
    again = run("apply", path, env=env)
    assert again.code == 0, again
    assert fake_talk.changing_requests() == []
    assert again.stderr.splitlines()[-1] == "4 unchanged"


def test_apply_invalid_file_lists_every_problem_and_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        '[[conversation]]\nname = "A"\ntype = "private"\n\n'
        '[[conversation]]\nname = "B"\nfavourite = true\nnotify = 0\n',
    )
    result = run("apply", path)
    assert result.code == 2, result
    assert result.stderr.splitlines() == [
        f'{path}:3: type must be "group" or "public", not "private"',
        f"{path}:7: unknown key 'favourite' = true (valid: {', '.join(APPLY_FILE_KEYS)})",
        f'{path}:8: notify must be "default", "always", "mention", "never" or 1-3, not 0',
        f"talkctl: error: {path}: 3 problems; nothing was changed",
    ]
    assert result.stdout == ""
    assert fake_talk.requests == []  # not even a listing


def test_apply_toml_syntax_error(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    path = write(tmp_path, '[[conversation]]\nname = "A"\nread_only = yes\n')
    result = run("apply", path)
    assert result.code == 2, result
    assert result.stderr.startswith(f"{path}:3: invalid TOML: ")
    assert fake_talk.requests == []


def test_apply_missing_password_variable(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    result = run("apply", write(tmp_path, MIXED))
    assert result.code == 2
    assert ":19: password_env: environment variable TOWNHALL_PW is not set" in result.stderr
    assert fake_talk.requests == []


def test_apply_ambiguous_name_fails_that_conversation_only(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    twins = {fake_talk.add_room(name="Twin"), fake_talk.add_room(name="Twin")}
    path = write(tmp_path, '[[conversation]]\nname = "New"\n[[conversation]]\nname = "Twin"\n')
    result = run("apply", path)
    assert result.code == 8, result
    assert "Twin: failed: 2 conversations are named 'Twin'" in result.stderr
    assert not any(t in r.path for t in twins for r in fake_talk.changing_requests())
    assert len(rooms_named(fake_talk, "New")) == 1  # the others go on


def test_apply_failure_on_one_conversation_does_not_stop_the_others(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    fake_talk.add_room(owner="alice", name="Alice's", participants={"admin": 3})
    path = write(
        tmp_path,
        '[[conversation]]\nname = "Alice\'s"\ndescription = "mine now"\n'
        '[[conversation]]\nname = "Mine"\n',
    )
    result: Result = run("apply", path)
    assert result.code == 5, result
    assert "Alice's (" in result.stderr and ": failed: " in result.stderr
    assert result.stderr.splitlines()[-1] == "1 created, 1 failed"
    assert len(rooms_named(fake_talk, "Mine")) == 1
