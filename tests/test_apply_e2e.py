"""``talkctl apply`` with settings and membership, end to end on the fake server: the plan, the
run, the second run that sends nothing, group members, exclusive, rights, partial failures,
invalid files and Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from clirunner import TalkctlRunner, talkctl_executable
from e2e_support import session, signal_on_request

from talkctl.sandbox import FakeTalkServer

OWNER, MODERATOR, USER = 1, 2, 3


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "talk.toml"
    path.write_text(text, "utf-8")
    return str(path)


def members_of(srv: FakeTalkServer, token: str) -> dict[tuple[str, str], int]:
    with srv.state.lock:
        room = srv.state.rooms[token]
        return {(a.actor_type, a.actor_id): a.participant_type for a in room.attendees.values()}


def reads(srv: FakeTalkServer) -> list[str]:
    """Every GET talkctl sent, as path below the API base (capabilities left out)."""
    found = []
    for r in srv.requests:
        if r.method == "GET" and "capabilities" not in r.path:
            found.append(r.path.split("/api/v4", 1)[-1].split("/ocs/v2.php", 1)[-1])
    return found


MIXED = """\
[defaults]
notify = "mention"

[[conversation]]
name = "Class 6a"
description = "Class chat, school year 2026/27"
listable = "users"
message_expiration = "4w"
participants = { users = ["alice", "carol"], groups = ["class-6a"] }
moderators = ["alice"]
exclusive = true

[[conversation]]
name = "Staff room"
read_only = true
participants = { users = ["bob", "carol"] }
moderators = ["carol"]

[[conversation]]
name = "Untouched by membership"
favorite = true
"""


def seed(srv: FakeTalkServer) -> dict[str, str]:
    for user in ("carol", "dave", "erin"):
        srv.add_user(user)
    srv.add_group("class-6a", ["erin"])
    return {
        "class": srv.add_room(
            name="Class 6a",
            participants={"admin": OWNER, "alice": USER, "bob": MODERATOR, "dave": USER},
        ),
        "plain": srv.add_room(name="Untouched by membership", participants={"admin": OWNER}),
    }


def test_plan_apply_and_a_second_run_that_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    tokens = seed(fake_talk)
    path = write(tmp_path, MIXED)

    plan = run("apply", path, "--dry-run")
    assert plan.code == 0, plan
    rows = [line.split("\t") for line in plan.stdout.splitlines()]
    class_rows = [row[3] for row in rows if row[0] == "Class 6a"]
    assert class_rows[:3] == [
        'description "" → "Class chat, school year 2026/27"',
        "listable none → users",
        "message-expiration off → 4w",
    ]
    assert "+ carol" in class_rows and "+ group class-6a" in class_rows
    assert "moderator + alice" in class_rows and "moderator - bob" not in class_rows
    assert "- bob (not declared)" in class_rows and "- dave (not declared)" in class_rows
    staff = [row for row in rows if row[0] == "Staff room"]
    assert {row[2] for row in staff} == {"create"}
    assert "+ bob" in [row[3] for row in staff] and "moderator + carol" in [row[3] for row in staff]
    assert plan.stderr == "dry run: 1 to create, 2 to update; nothing was sent\n"
    assert fake_talk.changing_requests() == []

    as_json = json.loads(run("apply", path, "--dry-run", "--json").stdout)
    assert [r["action"] for r in as_json] == ["update", "create", "update"]
    changes = as_json[0]["changes"]
    assert {"field": "participants", "from": None, "to": "group class-6a"} in changes
    assert {"field": "participants", "from": "dave", "to": None} in changes
    assert {"field": "moderators", "from": None, "to": "alice"} in changes

    applied = run("apply", path, "--json")
    assert applied.code == 0, applied
    assert applied.stderr.splitlines()[-1] == "1 created, 2 updated"
    klass = members_of(fake_talk, tokens["class"])
    assert klass == {
        ("users", "admin"): OWNER,
        ("users", "alice"): MODERATOR,
        ("users", "carol"): USER,
        ("groups", "class-6a"): USER,
        ("users", "erin"): USER,  # came with the group: declared through it, kept
    }
    (staff_token,) = [r["token"] for r in fake_talk.rooms_of("admin") if r["name"] == "Staff room"]
    assert members_of(fake_talk, staff_token) == {
        ("users", "admin"): OWNER,
        ("users", "bob"): USER,
        ("users", "carol"): MODERATOR,
    }
    assert fake_talk.room(staff_token)["readOnly"] == 1

    fake_talk.clear_log()
    again = run("apply", path)
    assert again.code == 0, again
    assert fake_talk.changing_requests() == []
    assert again.stderr.splitlines()[-1] == "3 unchanged"
    got = reads(fake_talk)
    assert sorted(got) == sorted(
        [
            "/room",
            f"/room/{tokens['class']}/participants",
            f"/room/{staff_token}/participants",
            "/cloud/groups/class-6a/users",
        ]
    ), got


def test_exclusive_with_groups_without_the_right_fails_that_conversation_only(
    fake_talk: FakeTalkServer, talkctl_home: Path, tmp_path: Path
) -> None:
    fake_talk.add_user("carol")
    fake_talk.add_group("class-6a", ["carol"])
    guarded = fake_talk.add_room(
        owner="alice", name="Guarded", participants={"alice": OWNER, "bob": USER}
    )
    other = fake_talk.add_room(owner="alice", name="Other", participants={"alice": OWNER})
    alice = session(fake_talk, talkctl_home, "alice")
    path = write(
        tmp_path,
        '[[conversation]]\nname = "Guarded"\ndescription = "new"\n'
        'participants = { users = [], groups = ["class-6a"] }\nexclusive = true\n\n'
        '[[conversation]]\nname = "Other"\ndescription = "changed"\n',
    )
    result = alice.run("apply", path)
    assert result.code == 5, result
    assert "cannot read the members of group 'class-6a'" in result.stderr
    assert "admin or the group's sub-admin" in result.stderr
    assert members_of(fake_talk, guarded) == {("users", "alice"): OWNER, ("users", "bob"): USER}
    assert fake_talk.room(guarded)["description"] == ""
    assert fake_talk.room(other)["description"] == "changed"  # the others go on
    assert not any(guarded in r.path for r in fake_talk.changing_requests())


def test_token_before_name_rename_and_a_vanished_token(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    token = fake_talk.add_room(name="Renamed on the server")
    path = write(
        tmp_path,
        f'[[conversation]]\nname = "Class 6a"\ntoken = "{token}"\n\n'
        '[[conversation]]\nname = "Gone"\ntoken = "zzzz9999"\n',
    )
    result = run("apply", path)
    assert result.code == 3, result
    assert fake_talk.room(token)["name"] == "Class 6a"
    assert "no conversation of yours has the token zzzz9999" in result.stderr
    assert not [r for r in fake_talk.rooms_of("admin") if r["name"] == "Gone"]


def test_partial_failure_among_ten_conversations(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    tokens = [fake_talk.add_room(name=f"Room {n}") for n in range(10)]
    # admin is a plain participant of room 3 and room 7: the server refuses (403)
    for n in (3, 7):
        attendee = fake_talk.state.rooms[tokens[n]].attendee_of("admin")
        assert attendee is not None
        attendee.participant_type = USER
    text = "".join(f'[[conversation]]\nname = "Room {n}"\nread_only = true\n\n' for n in range(10))
    result = run("apply", write(tmp_path, text), "--jobs", "3", "--json")
    assert result.code == 5, result
    records = json.loads(result.stdout)
    assert [r["name"] for r in records] == [f"Room {n}" for n in range(10)]
    assert [r["ok"] for r in records] == [n not in (3, 7) for n in range(10)]
    assert {r["exit_code"] for r in records if not r["ok"]} == {5}
    for n, token in enumerate(tokens):
        assert fake_talk.room(token)["readOnly"] == (0 if n in (3, 7) else 1)
    assert result.stderr.splitlines()[-1] == "8 updated, 2 failed"


def test_invalid_file_every_problem_with_its_line_nothing_sent(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        '[[conversation]]\nname = "A"\ntype = ["group"]\npassword = "hunter2"\n\n'
        '[[conversation]]\nname = "B"\nparticipants = { users = ["bob"], teams = ["t"] }\n'
        'moderators = ["carol"]\nexclusive = true\nlobby = "tomorrow"\n',
    )
    result = run("apply", path)
    assert result.code == 2, result
    assert result.stdout == "" and "hunter2" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        f"{path}:{n}" for n in (3, 4, 9, 10, 11)
    ]
    assert lines[-1] == f"talkctl: error: {path}: 5 problems; nothing was changed"
    assert fake_talk.requests == []


def test_deeply_nested_file_is_one_line_exit_2(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    path = write(tmp_path, "x = " + "[" * 50000 + "]" * 50000 + "\n")
    result = run("apply", path)
    assert result.code == 2, result
    assert result.stderr.splitlines() == [
        f"{path}:1: invalid TOML: arrays or tables nested too deeply",
        f"talkctl: error: {path}: 1 problem; nothing was changed",
    ]
    assert fake_talk.requests == []


def test_ctrl_c_in_the_middle_reports_what_was_done_and_a_rerun_converges(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    tokens = [fake_talk.add_room(name=f"Room {n}") for n in range(8)]
    text = "".join(
        f'[[conversation]]\nname = "Room {n}"\ndescription = "managed"\n'
        'participants = { users = ["bob"] }\n\n'
        for n in range(8)
    )
    path = write(tmp_path, text)
    fake_talk.inject(method="PUT", path="/description", delay=0.4, times=8)
    process = subprocess.Popen(
        [talkctl_executable(), "apply", path, "--jobs", "1", "--json"],
        env=run.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while fake_talk.count("PUT", "/description") < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    records = json.loads(stdout)
    assert [r["name"] for r in records] == [f"Room {n}" for n in range(8)]
    done = [r for r in records if r["ok"]]
    never = [r for r in records if r["error"] == "interrupted before it was sent"]
    assert done and never and len(done) + len(never) == 8
    for record, token in zip(records, tokens, strict=True):
        state = fake_talk.room(token)
        bob = ("users", "bob") in members_of(fake_talk, token)
        if record["ok"]:  # a conversation started is finished: settings and members
            assert state["description"] == "managed" and bob
        else:
            assert state["description"] == "" and not bob
    fake_talk.clear_faults()
    rerun = run("apply", path)
    assert rerun.code == 0, rerun
    assert rerun.stderr.splitlines()[-1] == f"{len(never)} updated, {len(done)} unchanged"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_planning_reports_every_planned_change_not_sent(
    run: TalkctlRunner,
    fake_talk: FakeTalkServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    signum: int,
    code: int,
) -> None:
    # the first entry's planning finishes after the signal: it was planned, never carried
    # out, so its record must not say "updated"
    tokens = [fake_talk.add_room(name=f"Room {n}") for n in range(4)]
    text = "".join(
        f'[[conversation]]\nname = "Room {n}"\ndescription = "managed"\n'
        'participants = { users = ["bob"] }\n\n'
        for n in range(4)
    )
    path = write(tmp_path, text)
    result = signal_on_request(
        fake_talk,
        monkeypatch,
        ["apply", path, "--jobs", "1", "--json"],
        run.env,
        signum=signum,
        method="GET",
        path_part="/participants",
        hold=1.0,
        times=4,  # every entry's read held: planning cannot end before the signal lands
    )
    assert result.code == code, result.stderr
    assert "Traceback" not in result.stderr
    records = json.loads(result.stdout)
    assert [r["name"] for r in records] == [f"Room {n}" for n in range(4)]
    assert [(r["ok"], r["error"], r["exit_code"]) for r in records] == [
        (False, "interrupted before it was sent", code)
    ] * 4
    assert result.stderr.splitlines()[-1] == "4 not sent (interrupted)"
    assert all(fake_talk.room(token)["description"] == "" for token in tokens)
    assert not [r for r in fake_talk.requests if r.method != "GET"]


def test_one_conversation_named_by_two_entries_is_refused_before_anything_is_sent(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # by name, then by token: the file validation cannot see it, the planned records can
    token = fake_talk.add_room(name="Team chat")
    path = write(
        tmp_path,
        '[[conversation]]\nname = "Team chat"\ndescription = "a"\n\n'
        f'[[conversation]]\ntoken = "{token}"\nname = "Team chat"\ndescription = "b"\n',
    )
    for dry in ([], ["--dry-run"]):  # the dry run says what the real run does
        result = run("apply", path, "--json", *dry)
        assert result.code == 2, result
        assert result.stdout == ""
        assert result.stderr == (
            f"talkctl: error: the entries at lines 1 and 5 are the same conversation ({token}): "
            "give it one [[conversation]]; nothing was changed\n"
        )
    assert fake_talk.room(token)["description"] == ""
    assert not [r for r in fake_talk.requests if r.method != "GET"]


def test_emails_match_on_the_address_not_the_hash_and_converge(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    token = fake_talk.add_room(name="Open day", type=3)
    path = write(
        tmp_path,
        '[[conversation]]\nname = "Open day"\ntype = "public"\n'
        'participants = { users = ["admin"], emails = ["guest@example.com"] }\nexclusive = true\n',
    )
    first = run("apply", path)
    assert first.code == 0, first
    assert "+ email guest@example.com" in first.stderr
    fake_talk.clear_log()
    again = run("apply", path, "--dry-run", "--json")
    assert again.code == 0, again
    (record,) = json.loads(again.stdout)
    assert record["action"] == "unchanged" and record["changes"] == []
    emails = [k for k in members_of(fake_talk, token) if k[0] == "emails"]
    assert len(emails) == 1


def test_moderator_without_a_participants_table_must_be_in_the_conversation(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    token = fake_talk.add_room(name="Team", participants={"admin": OWNER, "bob": USER})
    path = write(
        tmp_path,
        '[[conversation]]\nname = "Team"\nmoderators = ["bob"]\n\n'
        '[[conversation]]\nname = "Other"\nmoderators = ["carol"]\n',
    )
    result = run("apply", path)
    assert result.code == 2, result
    assert "moderator 'carol' is not a participant" in result.stderr
    assert members_of(fake_talk, token)[("users", "bob")] == MODERATOR
    assert not [r for r in fake_talk.rooms_of("admin") if r["name"] == "Other"]
