"""What results of changes print: readable lines on a terminal and TSV on a pipe, the same
rows for real and dry runs, records that say what the server did, dry runs that give the
real run's reason, and `room show` in every format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from clirunner import TalkctlRunner

from talkctl.cli.context import Environment
from talkctl.cli.output import Renderer
from talkctl.cli.results import Record, Results
from talkctl.cli.room.remove import bound_to
from talkctl.sandbox import FakeTalkServer
from talkctl.settings import FieldChange


def listed(run: TalkctlRunner) -> list[dict[str, object]]:
    result = run("room", "list", "--json")
    assert result.code == 0, result
    rooms: list[dict[str, object]] = json.loads(result.stdout)
    return rooms


def bulk_results() -> Results:
    change = FieldChange("read-only", "off", "on")
    records = [
        Record("Bulk 1 (2026)", "j0xafhwb", "Bulk 1 (2026)", changes=[change]),
        Record("b\tc", "k1", "b\tc", ok=False, error="only moderators can change b c", exit_code=5),
    ]
    return Results(records)


def test_result_lines_are_readable_on_a_terminal() -> None:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO(), {}, stderr_isatty=True)
    Renderer(env, "table").results(bulk_results())
    lines = err.getvalue().splitlines()
    assert lines[0] == "ok  Bulk 1 (2026) (j0xafhwb)  updated: read-only off → on"
    assert lines[1] == "failed  b\\tc (k1)  only moderators can change b c"
    assert "\t" not in err.getvalue()


def test_result_lines_are_tsv_on_a_pipe() -> None:
    out, err = io.StringIO(), io.StringIO()
    Renderer(Environment(out, err, io.StringIO(), {}), "table").results(bulk_results())
    lines = err.getvalue().splitlines()
    assert lines[0] == "ok\tBulk 1 (2026) (j0xafhwb)\tupdated: read-only off → on"
    assert lines[1] == "failed\tb\\tc (k1)\tonly moderators can change b c"
    assert out.getvalue() == "j0xafhwb\tBulk 1 (2026)\tupdated: read-only off → on\n"


def test_room_show_csv_is_csv(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", name='Team, "A"\tB')
    result = run("room", "show", token, "--format", "csv")
    assert result.code == 0, result
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["field", "value"]
    assert ["token", token] in rows and ["name", 'Team, "A"\tB'] in rows
    tsv = run("room", "show", token, "--format", "tsv")
    assert 'name\tTeam, "A"\\tB\n' in tsv.stdout


def test_real_and_dry_runs_print_the_same_rows_on_a_pipe(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = [fake_talk.add_room(owner="admin", name=f"Bulk {n}") for n in (1, 2)]
    dry = run("room", "read-only", *tokens, "on", "--dry-run")
    real = run("room", "read-only", *tokens, "on")
    assert dry.code == real.code == 0, (dry, real)
    dry_rows = [line.split("\t") for line in dry.stdout.splitlines()]
    real_rows = [line.split("\t") for line in real.stdout.splitlines()]
    assert [row[:2] for row in real_rows] == [row[:2] for row in dry_rows]
    assert [row[:2] for row in real_rows] == [[tokens[0], "Bulk 1"], [tokens[1], "Bulk 2"]]
    assert real_rows[0][2] == "updated: read-only off → on"
    assert dry_rows[0][2] == "would set read-only off → on"


def test_room_create_prints_its_token_on_a_pipe_and_a_dry_run_no_name_as_token(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    dry = run("room", "create", "Fresh", "--dry-run")
    assert dry.code == 0, dry
    assert dry.stdout == "\tFresh\twould create: type group\n"
    made = run("room", "create", "Fresh")
    assert made.code == 0, made
    token, name, text = made.stdout.rstrip("\n").split("\t")
    assert (name, text) == ("Fresh", "created: type group")
    assert token == next(r["token"] for r in listed(run) if r["name"] == "Fresh")


def test_create_with_an_email_invitee_says_the_server_made_it_public(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    args = ("room", "create", "Mail", "--invite", "g@example.com", "--source", "emails", "--yes")
    dry = run(*args, "--dry-run", "--json")
    assert dry.code == 0, dry
    assert {"field": "type", "from": None, "to": "public"} in json.loads(dry.stdout)["changes"]
    result = run(*args)
    assert result.code == 0, result
    assert "Created public conversation Mail" in result.stderr
    assert "group" not in result.stderr.replace("group conversation PUBLIC", "")
    made = next(r for r in listed(run) if r["name"] == "Mail")
    assert made["type"] == 3


def test_a_one_to_one_delete_dry_run_gives_the_real_runs_reason(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(owner="admin", type=1, participants={"alice": 3})
    dry = run("room", "delete", token, "--dry-run", "--json")
    real = run("room", "delete", token, "--yes", "--json")
    assert dry.code == real.code == 6, (dry, real)
    planned, done = json.loads(dry.stdout), json.loads(real.stdout)
    assert planned["exit_code"] == done["exit_code"] == 6
    assert "one-to-one conversation and cannot be deleted" in done["error"]
    reason = done["error"].removeprefix(token)  # a single real run names it by its token
    assert planned["error"] == f"would be refused: alice ({token}){reason}"


@pytest.mark.parametrize("dry_run", [True, False])
def test_note_to_self_is_worded_as_a_person_would(
    run: TalkctlRunner, fake_talk: FakeTalkServer, dry_run: bool
) -> None:
    notes = fake_talk.add_room(
        owner="admin", type=6, name="Note to self", object_type="note_to_self", object_id="admin"
    )
    other = fake_talk.add_room(owner="admin", name="Old")
    mode = "--dry-run" if dry_run else "--yes"
    result = run("room", "delete", notes, other, mode, "--json")
    assert result.code == 0, result
    skipped = json.loads(result.stdout)[0]["skipped"]
    assert skipped == "your note-to-self conversation: --include-object-rooms deletes it"
    assert "(your note-to-self conversation)" in result.stderr
    assert "note_to_self" not in result.stderr


def test_every_object_kind_is_worded_without_doubled_parentheses() -> None:
    assert bound_to("file", 42) == "bound to a file (file 42): --include-object-rooms deletes it"
    assert bound_to("room", "abc").startswith("a breakout room (of conversation abc):")
    assert bound_to("instant_meeting", "x").startswith("bound to an object (instant_meeting x):")
    for kind in ("note_to_self", "sample", "phone", "event", "share:password", "other"):
        assert ") (" not in bound_to(kind, "id")
