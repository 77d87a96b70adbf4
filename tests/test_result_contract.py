"""The one result record (README "The result record"): its keys, when a script gets an array,
and the behaviour of the one engine (issue 13 items 1-8, 15, 19; issue 12 signals and
deep --stdin), end to end through the installed talkctl on the fake server."""

from __future__ import annotations

import csv
import io
import json
import signal

import pytest
from clirunner import TalkctlRunner
from e2e_support import USER, stop_a_bulk_delete

from talkctl.cli.context import Environment
from talkctl.cli.engine.targets import read_refs
from talkctl.cli.prompts import conversations_asker as asker
from talkctl.errors import UsageError
from talkctl.resolve import Target
from talkctl.sandbox import FakeTalkServer

# the contract, spelled out: a change here is a change of the documented interface
KEYS = [
    "input",
    "token",
    "name",
    "ok",
    "action",
    "dry_run",
    "changes",
    "skipped",
    "error",
    "exit_code",
    "conversation",
]


def test_one_conv_gives_one_object_with_the_documented_keys(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(name="Team")
    result = run("room", "read-only", "Team", "on", "--json")
    assert result.code == 0, result
    record = json.loads(result.stdout)
    assert list(record) == KEYS
    assert record["input"] == "Team" and record["token"] == token and record["name"] == "Team"
    assert record["ok"] is True and record["action"] == "update" and record["dry_run"] is False
    # resolved by name: this run read the prior state, so "from" is known
    assert record["changes"] == [{"field": "read-only", "from": "off", "to": "on"}]
    assert (record["skipped"], record["error"], record["exit_code"]) == (None, None, 0)
    assert record["conversation"]["readOnly"] == 1


def test_from_is_null_when_the_run_did_not_read_the_prior_state(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(name="Team")
    run("room", "list")  # fills the cache: the token now resolves without a listing
    fake_talk.clear_log()
    record = json.loads(run("room", "rename", token, "Renamed", "--json").stdout)
    assert record["changes"] == [{"field": "name", "from": None, "to": "Renamed"}]
    assert [r.method for r in fake_talk.requests if r.is_spreed] == ["PUT"]  # one request


@pytest.mark.parametrize(
    "args",
    [
        ("room", "favorite", "A", "B", "--json"),
        ("room", "favorite", "--stdin", "--json"),
        ("room", "favorite", "A", "B", "--dry-run", "--json"),
    ],
)
def test_several_items_or_stdin_give_an_array(
    run: TalkctlRunner, fake_talk: FakeTalkServer, args: tuple[str, ...]
) -> None:
    a = fake_talk.add_room(name="A")
    fake_talk.add_room(name="B")
    result = run(*args, input=f"{a}\n")
    assert result.code == 0, result
    data = json.loads(result.stdout)
    assert isinstance(data, list) and all(list(item) == KEYS for item in data)


def test_jsonl_is_one_record_a_line(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    fake_talk.add_room(name="A")
    result = run("room", "favorite", "A", "--format", "jsonl")
    assert result.code == 0, result
    (line,) = result.stdout.splitlines()
    assert list(json.loads(line)) == KEYS


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_format_csv_and_tsv_on_change_commands_print_the_records(
    run: TalkctlRunner, fake_talk: FakeTalkServer, fmt: str
) -> None:
    token = fake_talk.add_room(name="Team")
    result = run("room", "rename", token, "Team\t2027", "--format", fmt)
    assert result.code == 0, result
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows[0] == KEYS[:-1]
        assert rows[1][:5] == [token, token, "Team\t2027", "true", "update"]
    else:
        header, row = result.stdout.splitlines()
        assert header.split("\t") == KEYS[:-1]
        assert row.split("\t")[2] == "Team\\t2027"  # escaped: one row, one line


def test_unresolved_input_is_never_reported_as_a_token(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    result = run("room", "read-only", "ux-nosuch", "on", "--json")
    assert result.code == 3, result
    record = json.loads(result.stdout)
    assert (record["input"], record["token"], record["ok"]) == ("ux-nosuch", None, False)
    assert result.stderr == "talkctl: error: no conversation matches 'ux-nosuch'\n"


# --- item 1: skipped is not failed ---------------------------------------------------------


def test_bound_to_an_object_is_skipped_not_failed(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = [fake_talk.add_room(name=f"Old {n}") for n in range(3)]
    sample = fake_talk.add_room(name="Let's get started!", object_type="file", object_id="468")
    result = run("room", "delete", *tokens, sample, "--yes", "--json")
    assert result.code == 0, result
    record = json.loads(result.stdout)[-1]
    assert (record["ok"], record["action"], record["exit_code"]) == (True, "skip", 0)
    assert record["skipped"].startswith("bound to a file (file 468)")
    assert result.stderr.splitlines()[-1] == "3 deleted, 1 skipped (bound to a file)"
    assert fake_talk.has_room(sample)


# --- item 2: a dry run says what the server will refuse ------------------------------------


def test_dry_run_says_would_be_refused_where_the_listing_shows_it(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    mine = fake_talk.add_room(name="Mine")
    theirs = fake_talk.add_room(owner="alice", name="Theirs", participants={"admin": USER})
    deleted = run("room", "delete", mine, theirs, "--dry-run", "--json")
    assert deleted.code == 5, deleted
    plan = json.loads(deleted.stdout)
    assert [p["ok"] for p in plan] == [True, False]
    assert plan[1]["error"] == f"would be refused: only moderators can delete Theirs ({theirs})"
    assert "1 to delete, 1 would be refused" in deleted.stderr
    renamed = run("room", "describe", theirs, "x", "--dry-run")
    assert renamed.code == 5, renamed
    assert "would be refused: only moderators can change Theirs" in renamed.stderr
    # personal settings are everybody's own: no refusal
    assert run("room", "favorite", theirs, "--dry-run").code == 0
    assert fake_talk.changing_requests() == []


# --- item 5: several conversations, one name -----------------------------------------------


def test_bulk_rename_to_one_plain_name_is_refused(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    a, b = fake_talk.add_room(name="a"), fake_talk.add_room(name="b")
    result = run("room", "rename", a, b, "Same")
    assert result.code == 2, result
    assert "cannot all be named 'Same'" in result.stderr
    piped = run("room", "rename", "--stdin", "Same", input=f"{a}\n{b}\n")
    assert piped.code == 2
    assert fake_talk.count(path_contains="/room") == 0


def test_bulk_rename_with_a_template_and_with_rows(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    a, b = fake_talk.add_room(name="a"), fake_talk.add_room(name="b")
    result = run("room", "rename", a, b, "{name} (2026, {token})")
    assert result.code == 0, result
    assert fake_talk.room(a)["name"] == f"a (2026, {a})"
    rows = run("room", "rename", "--stdin", input=f"{a}\tFirst\n{b}\tSecond\n")
    assert rows.code == 0, rows
    assert (fake_talk.room(a)["name"], fake_talk.room(b)["name"]) == ("First", "Second")
    bad = run("room", "rename", "--stdin", input=f"{a}\n")
    assert bad.code == 2 and "token<TAB>new name" in bad.stderr


def test_a_name_that_holds_a_template_key_is_kept_as_it_is(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    # the names were typed by other people: only NEW_NAME is a template, never {name}'s value
    a, b = fake_talk.add_room(name="{token} notes"), fake_talk.add_room(name="b {name}")
    result = run("room", "rename", a, b, "{name} (2026, {token})")
    assert result.code == 0, result
    assert fake_talk.room(a)["name"] == f"{{token}} notes (2026, {a})"
    assert fake_talk.room(b)["name"] == f"b {{name}} (2026, {b})"


# --- item 6: truthful messages --------------------------------------------------------------


def test_messages_say_what_the_server_has_now(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(name="Old name")
    run("room", "list")  # cached as "Old name"
    fake_talk.state.rooms[token].name = "Renamed elsewhere"  # the cache is now stale
    result = run("room", "rename", token, "Y")
    assert result.code == 0, result
    assert "Old name" not in result.stderr and "Renamed elsewhere" not in result.stderr
    assert result.stderr == f'Y ({token}): updated: name "Y"\n'
    same = run("room", "rename", "Y", "Y")  # by name: this run read the state
    assert same.stderr == f"Y ({token}): unchanged (already named Y)\n"
    public = fake_talk.add_room(type=3, name="Pub")
    again = run("room", "publish", "Pub")
    assert again.stderr == f"Pub ({public}): unchanged (already public)\n"
    dry = run("room", "publish", "Pub", "--dry-run")
    assert "unchanged (already public)" in dry.stdout


# --- items 7, 8, 15, 19 ---------------------------------------------------------------------


def test_bulk_lines_are_never_cut(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    a = fake_talk.add_room(name="ux-bulk-04")
    b = fake_talk.add_room(name="ux-bulk-05")
    result = run("room", "notify", a, b, "never")
    assert f"ok\tux-bulk-04 ({a})\tupdated: notify mention → never" in result.stderr


def test_rename_without_a_new_name_says_new_name_is_missing(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    result = run("room", "rename", "ux-Announcements")
    assert result.code == 2
    assert "NEW_NAME is missing" in result.stderr
    assert fake_talk.requests == []


def _env(stdin: str, tty: bool = True) -> tuple[Environment, io.StringIO]:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO(stdin), {}, stdin_isatty=tty)
    return env, err


def test_bulk_delete_prompt_lists_the_first_twenty_then_how_many_more() -> None:
    env, err = _env("y\n")
    targets = [Target(f"t{n}", f"tok{n}", f"Room {n}", 2) for n in range(23)]
    asker(env, "delete")(targets)
    text = err.getvalue()
    assert "  Room 0 (tok0)" in text and "  Room 19 (tok19)" in text
    assert "Room 20" not in text and "  and 3 more" in text
    assert "Delete these 23 conversations? [y/N]" in text
    env, _ = _env("n\n")
    with pytest.raises(UsageError, match="nothing was deleted"):
        asker(env, "delete")(targets[:2])


def test_stdin_at_a_terminal_says_what_it_reads() -> None:
    from talkctl.cli.engine.targets import read_stdin

    class _Factory:
        def __init__(self, environment: Environment) -> None:
            self.environment = environment

    env, err = _env("tok1\n", tty=True)
    assert read_stdin(_Factory(env)) == "tok1\n"  # type: ignore[arg-type]
    assert err.getvalue() == "reading conversations from stdin, one a line (Ctrl-D to end)\n"
    env, err = _env("tok1\n", tty=False)
    read_stdin(_Factory(env))  # type: ignore[arg-type]
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ('[{"token": "a"}, {"token": "b"}]', ["a", "b"]),
        ('[\n  {\n    "token": "a"\n  }\n]\n', ["a"]),  # jq's pretty print
        ('["a", "b"]', ["a", "b"]),
        ("[]", []),
        ('{"token": "a"}\n{"token": "b"}\n', ["a", "b"]),
        ("a\tTeam chat\tgroup\nb\tOther\n", ["a", "b"]),  # room list's rows on a pipe
        ("[draft] Budget\n{x} notes\n", ["[draft] Budget", "{x} notes"]),  # names, not JSON
    ],
)
def test_stdin_is_json_only_where_it_starts_as_json(text: str, refs: list[str]) -> None:
    assert read_refs(text) == refs


@pytest.mark.parametrize("text", ['[{"token": "a"', '{"token": }', '[{"name": "x"}]'])
def test_broken_json_on_stdin_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        read_refs(text)


def test_a_byte_order_mark_on_stdin_is_not_part_of_the_first_item(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    """A list saved by a Windows editor starts with U+FEFF: the first token still resolves,
    for conversations and for participant IDs alike."""
    token = fake_talk.add_room(owner="admin", name="Bom")
    result = run("room", "favorite", "--stdin", "--json", input=f"\ufeff{token}\n")
    assert result.code == 0, result
    assert [r["token"] for r in json.loads(result.stdout)] == [token]
    fake_talk.add_user("bob")
    added = run("participant", "add", token, "--stdin", "--json", input="\ufeffbob\n")
    assert added.code == 0, added
    assert [r["input"] for r in json.loads(added.stdout)] == ["bob"]


# --- issue 12: deep JSON, SIGTERM / SIGHUP ---------------------------------------------------


def test_stdin_json_nested_100000_deep_is_a_usage_error(run: TalkctlRunner) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(UsageError, match="nested too deeply"):
        read_refs(deep)
    result = run("room", "favorite", "--stdin", input=deep)
    assert result.code == 2, result
    assert result.stderr.count("\n") == 1 and "nested too deeply" in result.stderr


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_a_bulk_run_and_report_every_item(
    run: TalkctlRunner, fake_talk: FakeTalkServer, signum: int, code: int
) -> None:
    stopped = stop_a_bulk_delete(run, fake_talk, signum, rooms=8)
    tokens, stderr = stopped.tokens, stopped.stderr
    assert stopped.code == code, stderr
    assert "Traceback" not in stderr
    items = json.loads(stopped.stdout)
    assert [item["input"] for item in items] == tokens
    never = [item for item in items if item["error"] == "interrupted before it was sent"]
    assert never and {item["exit_code"] for item in never} == {code}
    assert all(item["ok"] for item in items if item not in never)
    remaining = {room["token"] for room in fake_talk.rooms_of("admin")}
    assert remaining == {item["token"] for item in never}
