"""How ``apply`` shows its plan: a Rich table on a terminal (text printed literally), rows on
a pipe."""

from __future__ import annotations

import io

from talkctl.api.models import Conversation
from talkctl.cli.apply_render import render
from talkctl.cli.apply_run import Record
from talkctl.cli.context import Environment
from talkctl.declarative.applyfile import Entry
from talkctl.declarative.applying import ConversationPlan
from talkctl.declarative.converge import Wanted, plan_for
from talkctl.declarative.membership import Declared, plan_membership

CURRENT = Conversation(
    {"token": "tok1", "type": 2, "name": "Budget [draft]", "displayName": "Budget [draft]"}
)


def records() -> list[Record]:
    entry = Entry(line=1, name="Budget [draft]", settings={"description": "b"})
    plan = ConversationPlan(entry, plan_for(Wanted("Budget [draft]", description="b"), [CURRENT]))
    declared = Declared({"users": ("alice",)}, moderators=("alice",), exclusive=True)
    current = [
        {"attendeeId": 1, "actorType": "users", "actorId": "admin", "participantType": 1},
        {"attendeeId": 2, "actorType": "users", "actorId": "bob", "participantType": 2},
    ]
    plan.membership = plan_membership(declared, current, "admin", None)
    new = Entry(line=5, name="x\x1b]0;pwned\x07")
    return [
        Record(entry, plan),
        Record(new, ConversationPlan(new, plan_for(Wanted(new.name), []))),
    ]


def test_plan_is_a_rich_table_on_a_terminal_with_names_printed_literally() -> None:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(out, err, io.StringIO(), {"NO_COLOR": "1"}, stdout_isatty=True)
    render(env, "table", records(), dry_run=True)
    text = out.getvalue()
    assert "CONVERSATION" in text and "Budget [draft] (tok1)" in text
    for line in ("+ alice", "moderator + alice", "- bob (not declared)"):
        assert line in text
    assert "(admin: the owner is never removed)" in text
    assert "x\\x1b]0;pwned\\x07" in text and "\x1b" not in text
    assert err.getvalue().endswith(
        "dry run: 1 to create, 1 to update, 0 unchanged, 0 failed; nothing was sent\n"
    )


def test_plan_rows_on_a_pipe() -> None:
    out = io.StringIO()
    env = Environment(out, io.StringIO(), io.StringIO(), {}, stdout_isatty=False)
    render(env, "table", records(), dry_run=True)
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    assert rows[0] == ["Budget [draft]", "tok1", "update", 'description: "" → "b"']
    assert ["Budget [draft]", "tok1", "update", "- bob (not declared)"] in rows
