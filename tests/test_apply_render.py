"""How ``apply`` shows its plan: a Rich table on a terminal (text printed literally), rows on
a pipe, and the one result record with membership in its changes."""

from __future__ import annotations

import io

from talkctl.api.models import Conversation
from talkctl.cli.apply.render import render
from talkctl.cli.apply.run import planned
from talkctl.cli.context import Environment
from talkctl.cli.results import Results
from talkctl.declarative.applyfile import Entry
from talkctl.declarative.applying import ConversationPlan
from talkctl.declarative.converge import Wanted, plan_for
from talkctl.declarative.membership import Declared, plan_membership

CURRENT = Conversation(
    {"token": "tok1", "type": 2, "name": "Budget [draft]", "displayName": "Budget [draft]"}
)


def results() -> Results:
    entry = Entry(line=1, name="Budget [draft]", settings={"description": "b"})
    wanted = Wanted("Budget [draft]", settings={"description": "b"})
    plan = ConversationPlan(entry, plan_for(wanted, [CURRENT]))
    declared = Declared({"users": ("alice",)}, moderators=("alice",), exclusive=True)
    current = [
        {"attendeeId": 1, "actorType": "users", "actorId": "admin", "participantType": 1},
        {"attendeeId": 2, "actorType": "users", "actorId": "bob", "participantType": 2},
    ]
    plan.membership = plan_membership(declared, current, "admin", None)
    new = Entry(line=5, name="x\x1b]0;pwned\x07")
    fresh = ConversationPlan(new, plan_for(Wanted(new.name), []))
    return Results(
        [planned(entry, plan, dry_run=True), planned(new, fresh, dry_run=True)], dry_run=True
    )


def test_plan_is_a_rich_table_on_a_terminal_with_names_printed_literally() -> None:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(out, err, io.StringIO(), {"NO_COLOR": "1"}, stdout_isatty=True)
    render(env, "table", results())
    text = out.getvalue()
    assert "CONVERSATION" in text and "Budget [draft] (tok1)" in text
    for line in ('description "" → "b"', "+ alice", "moderator + alice", "- bob (not declared)"):
        assert line in text
    assert "(admin: the owner is never removed)" in text
    assert "x\\x1b]0;pwned\\x07" in text and "\x1b" not in text
    assert err.getvalue() == "dry run: 1 to create, 1 to update; nothing was sent\n"


def test_plan_rows_on_a_pipe() -> None:
    out = io.StringIO()
    env = Environment(out, io.StringIO(), io.StringIO(), {}, stdout_isatty=False)
    render(env, "table", results())
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    assert rows[0] == ["Budget [draft]", "tok1", "update", 'description "" → "b"']
    assert ["Budget [draft]", "tok1", "update", "- bob (not declared)"] in rows


def test_the_record_lists_membership_in_its_changes() -> None:
    record = results().records[0].to_json()
    assert record["changes"] == [
        {"field": "description", "from": "", "to": "b"},
        {"field": "participants", "from": None, "to": "alice"},
        {"field": "moderators", "from": None, "to": "alice"},
        {"field": "participants", "from": "bob", "to": None},
    ]
    assert record["notes"] == [
        "moderator admin: the owner stays moderator",
        "admin: the owner is never removed",
    ]
    assert record["action"] == "update" and record["dry_run"] is True
