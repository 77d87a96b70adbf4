"""Changing many conversations: several CONVs, --stdin, --jobs, the bulk JSON contract,
partial failures, the object-room guard and --yes; end to end against the fake server."""

from __future__ import annotations

import json
import signal
import time
from typing import Any

import pytest
from clirunner import Result, TalkctlRunner
from e2e_support import stop_a_bulk_delete

from talkctl.cli.results import RECORD_KEYS
from talkctl.sandbox import FakeTalkServer

DAY = 86400
BULK_KEYS = sorted(RECORD_KEYS)


def rooms(talk: FakeTalkServer, n: int, prefix: str = "Room", **kwargs: object) -> list[str]:
    return [talk.add_room(name=f"{prefix} {i:02d}", **kwargs) for i in range(n)]  # type: ignore[arg-type]


def items(result: Result) -> list[dict[str, Any]]:
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    for item in data:
        assert sorted(item) == BULK_KEYS
    return data


def test_cron_pipeline_list_inactive_groups_into_delete(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    old = int(time.time()) - 120 * DAY
    stale = rooms(fake_talk, 5, "Stale", last_activity=old)
    fresh = rooms(fake_talk, 3, "Fresh")
    public_stale = fake_talk.add_room(type=3, name="Old town hall", last_activity=old)
    file_chat = fake_talk.add_room(
        name="budget.ods", object_type="file", object_id="42", last_activity=old
    )

    listed = run("room", "list", "--inactive", "90d", "--type", "group", "--json")
    assert listed.code == 0
    fake_talk.clear_log()
    result = run("room", "delete", "--stdin", "--yes", "--json", input=listed.stdout)

    assert result.code == 0, result  # the file's chat was skipped: a skip is not a failure
    by_token = {item["token"]: item for item in items(result)}
    assert [item["token"] for item in items(result)] == [
        c["token"] for c in json.loads(listed.stdout)
    ]
    for token in stale:
        assert by_token[token]["ok"] is True and by_token[token]["action"] == "delete"
        assert not fake_talk.has_room(token)
    skipped = by_token[file_chat]
    assert skipped["ok"] is True and skipped["exit_code"] == 0 and skipped["action"] == "skip"
    assert skipped["error"] is None
    assert "--include-object-rooms" in str(skipped["skipped"])
    assert "bound to a file (file 42)" in str(skipped["skipped"])
    assert fake_talk.has_room(file_chat) and fake_talk.has_room(public_stale)
    assert all(fake_talk.has_room(t) for t in fresh)
    deletes = [r for r in fake_talk.changing_requests() if r.method == "DELETE"]
    assert sorted(r.path.rsplit("/", 1)[1] for r in deletes) == sorted(stale)
    assert result.stderr.splitlines()[-1] == "5 deleted, 1 skipped (bound to a file)"


def test_include_object_rooms_deletes_them_too(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    plain = fake_talk.add_room(name="plain")
    file_chat = fake_talk.add_room(name="a.txt", object_type="file", object_id="7")
    result = run("room", "delete", plain, file_chat, "--yes", "--include-object-rooms", "--json")
    assert result.code == 0, result
    assert [i["ok"] for i in items(result)] == [True, True]
    assert not fake_talk.has_room(plain) and not fake_talk.has_room(file_chat)


def test_object_rooms_can_be_filtered_out_before_the_pipe(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    old = int(time.time()) - 120 * DAY
    stale = rooms(fake_talk, 2, "Stale", last_activity=old)
    fake_talk.add_room(name="c.txt", object_type="file", object_id="1", last_activity=old)
    listed = run("room", "list", "--inactive", "90d", "--object-type", "", "--json")
    result = run("room", "delete", "--stdin", "--yes", input=listed.stdout)
    assert result.code == 0, result
    assert "2 deleted" in result.stderr
    # without --json, a pipe gets a row per item (token, name, what was done)
    assert sorted(result.stdout.splitlines()) == sorted(
        f"{t}\tStale 0{n}\tdeleted" for n, t in enumerate(stale)
    )
    assert not any(fake_talk.has_room(t) for t in stale)


def test_partial_failure_one_403_among_ten(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    mine = rooms(fake_talk, 9, "Mine")
    theirs = fake_talk.add_room(owner="alice", name="Alice's", participants={"admin": 3})
    order = [*mine[:4], theirs, *mine[4:]]
    result = run("room", "delete", *order, "--yes", "--json", "--jobs", "3")

    assert result.code == 5, result
    data = items(result)
    assert [i["token"] for i in data] == order
    failed = data[4]
    assert failed == {
        "input": theirs,
        "token": theirs,
        "name": "Alice's",
        "ok": False,
        "action": "delete",
        "dry_run": False,
        "changes": [],
        "skipped": None,
        "error": failed["error"],
        "exit_code": 5,
        "conversation": None,
    }
    assert "only moderators can delete Alice's" in str(failed["error"])
    assert all(
        i["ok"] and i["action"] == "delete" and not i["error"] for i in data if i is not failed
    )
    assert all(i["exit_code"] == 0 for i in data if i is not failed)
    assert not any(fake_talk.has_room(t) for t in mine)
    assert fake_talk.has_room(theirs)
    assert result.stderr.splitlines()[-1] == "9 deleted, 1 failed"


def test_exit_code_is_the_first_failure_in_input_order(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    mine = rooms(fake_talk, 2)
    theirs = fake_talk.add_room(owner="alice", name="Alice's", participants={"admin": 3})
    result = run("room", "rename", "no such room", theirs, *mine, "Renamed {name}", "--json")
    assert result.code == 3, result  # not found (3) comes before forbidden (5)
    data = items(result)
    assert [i["exit_code"] for i in data] == [3, 5, 0, 0]
    assert data[0]["input"] == "no such room"  # an input that did not resolve is no token
    assert data[0]["token"] is None and data[0]["name"] is None and data[0]["action"] is None
    assert [fake_talk.room(t)["name"] for t in mine] == ["Renamed Room 00", "Renamed Room 01"]


def test_one_item_on_stdin_is_still_an_array(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(name="Solo")
    result = run("room", "favorite", "--stdin", "--json", input=f"{token}\n")
    assert result.code == 0, result
    (item,) = items(result)
    assert item["input"] == token and item["token"] == token and item["name"] == "Solo"
    assert item["ok"] is True and item["action"] == "update" and item["error"] is None
    assert item["changes"] == [{"field": "favorite", "from": "off", "to": "on"}]
    fake_talk.clear_log()
    again = run("room", "favorite", "--stdin", "--json", input=f"{token}\n")
    assert items(again)[0]["action"] == "unchanged"  # already a favorite, as the listing showed
    assert items(again)[0]["changes"] == []
    assert again.stderr.splitlines()[-1] == "1 unchanged"
    assert fake_talk.changing_requests() == []  # known unchanged: nothing sent


@pytest.mark.parametrize("form", ["tokens", "json", "jsonl", "tsv"])
def test_stdin_accepts_what_room_list_prints(
    run: TalkctlRunner, fake_talk: FakeTalkServer, form: str
) -> None:
    tokens = rooms(fake_talk, 3, "Pick")
    fake_talk.add_room(name="Other")
    if form == "tokens":
        text = "\n".join(tokens) + "\n\n"
    else:
        fmt = {"json": "json", "jsonl": "jsonl", "tsv": "table"}[form]
        text = run("room", "list", "--name", "Pick *", "--format", fmt).stdout
    result = run("room", "favorite", "--stdin", "--json", input=text)
    assert result.code == 0, result
    assert sorted(i["token"] for i in items(result)) == sorted(tokens)
    assert all(fake_talk.room(t)["favorite"] == ["admin"] for t in tokens)


def test_empty_stdin_is_an_empty_selection(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    listed = run("room", "list", "--inactive", "3650d", "--json")
    assert json.loads(listed.stdout) == []
    result = run("room", "delete", "--stdin", "--yes", "--json", input=listed.stdout)
    assert result.code == 0, result
    assert json.loads(result.stdout) == []
    assert "nothing to do" in result.stderr
    assert fake_talk.changing_requests() == []


def test_no_conversation_at_all_is_a_usage_error(run: TalkctlRunner) -> None:
    result = run("room", "favorite")
    assert result.code == 2 and "no conversation given" in result.stderr


@pytest.mark.parametrize("jobs", ["1", "8"])
def test_jobs_keep_input_order(run: TalkctlRunner, fake_talk: FakeTalkServer, jobs: str) -> None:
    tokens = rooms(fake_talk, 12)
    shuffled = tokens[::2] + tokens[1::2]
    result = run("room", "read-only", *shuffled, "on", "--jobs", jobs, "--json")
    assert result.code == 0, result
    assert [i["token"] for i in items(result)] == shuffled
    assert all(fake_talk.room(t)["readOnly"] == 1 for t in tokens)
    assert fake_talk.count("PUT", "/read-only") == 12


@pytest.mark.parametrize("many", [False, True])
def test_delete_refuses_without_yes_when_stdin_is_not_a_terminal(
    run: TalkctlRunner, fake_talk: FakeTalkServer, many: bool
) -> None:
    tokens = rooms(fake_talk, 2 if many else 1)
    result = run("room", "delete", *tokens)
    assert result.code == 2
    assert "refusing to delete without --yes" in result.stderr
    piped = run("room", "delete", "--stdin", input="\n".join(tokens))
    assert piped.code == 2
    assert fake_talk.count(path_contains="/room") == 0  # refused before any request
    assert all(fake_talk.has_room(t) for t in tokens)


def test_a_failing_listing_fails_the_whole_run(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = rooms(fake_talk, 3)
    fake_talk.inject("GET", "/api/v4/room?", status=503, times=5)
    result = run("--retries", "0", "room", "favorite", *tokens, "--json")
    assert result.code == 7, result
    assert result.stdout == ""
    assert result.stderr.count("talkctl: error:") == 1
    assert fake_talk.changing_requests() == []


def test_summary_and_per_item_lines_on_stderr(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = rooms(fake_talk, 2, "Sum")
    result = run("room", "notify", *tokens, "never")
    assert result.code == 0, result
    assert result.stdout.splitlines()[0] == f"{tokens[0]}\tSum 00\tupdated: notify mention → never"
    lines = result.stderr.splitlines()
    assert lines[-1] == "2 updated"
    assert f"ok\tSum 00 ({tokens[0]})\tupdated: notify mention → never" in lines  # whole
    unchanged = run("room", "notify", *tokens, "never")
    assert unchanged.stderr.splitlines()[-1] == "2 unchanged"


def test_ctrl_c_in_a_bulk_run_sends_no_queued_item_and_reports_each(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    stopped = stop_a_bulk_delete(run, fake_talk, signal.SIGINT, rooms=10)
    tokens, stderr = stopped.tokens, stopped.stderr
    assert stopped.code == 130, (stderr, stopped.signals)
    assert "Traceback" not in stderr
    items = json.loads(stopped.stdout)
    assert [item["token"] for item in items] == tokens  # every item, in input order
    sent = fake_talk.count("DELETE")
    assert 1 <= sent < len(tokens)
    done = [item for item in items if item["ok"]]
    never = [item for item in items if item["error"] == "interrupted before it was sent"]
    assert len(done) + len(never) == len(tokens)
    assert {item["exit_code"] for item in never} == {130}
    remaining = {room["token"] for room in fake_talk.rooms_of("admin")}
    assert remaining == {item["token"] for item in never}


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry-run"])
def test_a_conversation_named_twice_is_changed_once(
    run: TalkctlRunner, fake_talk: FakeTalkServer, dry_run: bool
) -> None:
    """By token and by name, or twice alike: one request, the later input skipped."""
    token = fake_talk.add_room(name="Twice")
    other = fake_talk.add_room(name="Other")
    flags = ["--dry-run"] if dry_run else []
    result = run("room", "favorite", token, "Twice", other, token, "--json", *flags)
    assert result.code == 0, result
    data = items(result)
    assert [(i["input"], i["action"], i["ok"]) for i in data] == [
        (token, "update", True),
        ("Twice", "skip", True),
        (other, "update", True),
        (token, "skip", True),
    ]
    assert data[1]["skipped"] == f'given twice (as "{token}" before)' and data[1]["changes"] == []
    sent = sorted(r.path for r in fake_talk.changing_requests())  # --jobs 4: in any order
    assert sent == (
        []
        if dry_run
        else sorted(f"/ocs/v2.php/apps/spreed/api/v4/room/{t}/favorite" for t in (token, other))
    )
    summary = "2 to update" if dry_run else "2 updated"
    assert f"{summary}, 2 skipped (given twice)" in result.stderr.splitlines()[-1]


def test_a_conversation_named_twice_is_deleted_once(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(name="Gone")
    result = run("room", "delete", token, token, "--yes")
    assert result.code == 0, result  # not "no such conversation" for the second
    assert [r.method for r in fake_talk.changing_requests()] == ["DELETE"]
    assert result.stderr.splitlines()[-1] == "1 deleted, 1 skipped (given twice)"
