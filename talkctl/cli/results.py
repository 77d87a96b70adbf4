"""The one result record of a change, and the one renderer of results.

Every command that changes something (the room verbs, ``room create``, ``room ensure``,
``apply``), real or ``--dry-run``, reports one ``Record`` per item. Its JSON keys (the
contract pinned by tests/test_result_contract.py and the README):

    input        what the user gave for this item (a CONV, a name), exactly
    token        the conversation's token, or null when the input did not resolve
    name         the conversation's name (after the change), null when unknown
    ok           false when the item failed (or, in a dry run, would be refused)
    action       create | update | delete | leave | unchanged | skip (conversations), add |
                 remove | promote | demote | unchanged (participant verbs), send (chat send,
                 with messageId and message), clear-history: what was done (or, with
                 dry_run, what would be done, or what failed); null when unresolved
    dry_run      true when nothing was sent
    changes      [{"field", "from", "to"}]: "from" is null when this run did not read it
    skipped      the reason an item was left alone on purpose (not a failure), else null
    error        the one-line error of a failed item, else null
    exit_code    the item's exit code (0 when ok)
    conversation the server's object after the change when it sent one, else null

``room create`` records add ``invalidParticipants`` (the invitees the server could not add);
participant verbs' records add ``participant`` (attendeeId, actorType, actorId, displayName),
and their ``changes`` are ``participants`` (from null to the added one, or from the removed
one to null, as ``apply`` says it) or ``role`` (the role before → after).
JSON: one object when the command names exactly one item (one CONV, ``room create``,
``room ensure``), an array whenever it takes a list (several CONVs, ``--stdin``, ``apply``);
``jsonl`` always prints one record a line. The exit code is that of the first failed item
in input order (0 when none failed; skipped items are not failures).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.models import Conversation
from talkctl.cli.context import Environment
from talkctl.cli.jsonout import write_json, write_jsonl
from talkctl.settings import FieldChange

RECORD_KEYS = (
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
)
DONE = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "leave": "left",
    "unchanged": "unchanged",
    "skip": "skipped",
    "add": "added",
    "remove": "removed",
    "promote": "promoted",
    "demote": "demoted",
    "send": "sent",
    "clear-history": "cleared the history",
}
MEMBER_PLACES = {"add": "to", "remove": "from", "promote": "in", "demote": "in"}


TEXT_FIELDS = ("name", "description")  # shown quoted in lines: the quotes show the edges


def change_json(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "from": change.before, "to": change.after}


def change_text(change: FieldChange) -> str:
    """``read-only off → on``; names and descriptions quoted (the quotes show the edges)."""
    quote = json_text if change.field in TEXT_FIELDS else str
    if change.before is None:
        return f"{change.field} {quote(change.after)}"
    if change.after is None:  # a removal: ``participants bob → none``
        return f"{change.field} {quote(change.before)} → none"
    return f"{change.field} {quote(change.before)} → {quote(change.after)}"


@dataclass
class Record:
    """One item's result (see the module docstring for the JSON contract)."""

    input: str | None
    token: str | None = None
    name: str | None = None
    action: str | None = "update"
    ok: bool = True
    changes: list[FieldChange] = field(default_factory=list)
    skipped: str | None = None
    error: str | None = None
    exit_code: int = 0
    dry_run: bool = False
    conversation: Conversation | None = field(default=None, repr=False)
    extra: dict[str, Any] = field(default_factory=dict)
    note: str | None = None  # a human remark for the line ("already public")
    member: str | None = None  # the participant a participant verb's record is about, in words

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "token": self.token,
            "name": self.name,
            "ok": self.ok,
            "action": self.action,
            "dry_run": self.dry_run,
            "changes": [change_json(c) for c in self.changes],
            "skipped": self.skipped,
            "error": self.error,
            "exit_code": self.exit_code,
            "conversation": self.conversation.to_json() if self.conversation else None,
            **self.extra,
        }

    @property
    def label(self) -> str:
        if self.token and self.name and self.name != self.token:
            return f"{self.name} ({self.token})"
        return self.token or self.name or self.input or "?"

    @property
    def item(self) -> str:
        """The item as lines name it: the ID given to a participant verb, else the conversation."""
        return (self.input or "?") if self.member is not None else self.label

    @property
    def outcome(self) -> str:
        """created / updated / ... / failed / refused / interrupted: for lines and counts."""
        if not self.ok:
            if self.exit_code in (129, 130, 143):
                return "interrupted"
            # a dry run's planned change the listing shows refused; unresolved input failed
            return "refused" if self.dry_run and self.action is not None else "failed"
        return DONE.get(self.action or "", self.action or "")

    @property
    def text(self) -> str:
        """What happened to the item, in words (one line, never cut)."""
        if not self.ok:
            return str(self.error)
        if self.member is not None:
            return self._member_text()
        if self.skipped:
            return f"skipped: {self.skipped}"
        if self.action == "unchanged":
            return f"unchanged ({self.note})" if self.note else "unchanged"
        words = ", ".join(change_text(c) for c in self.changes)
        if self.dry_run:
            verb = {
                "create": "would create",
                "delete": "would delete",
                "leave": "would leave",
                "send": "would send",
                "clear-history": "would clear the history",
            }
            head = verb.get(self.action or "", "would set")
            if self.action == "update":
                return f"{head} {words}"
            return f"{head}: {words}" if words else head
        head = DONE.get(self.action or "", self.action or "")
        return f"{head}: {words}" if words else head

    def _member_text(self) -> str:
        """``added bob``, ``would promote user bob (attendee:3), role user → moderator``."""
        note = f" ({self.note})" if self.note else ""
        if self.action == "unchanged":
            return f"unchanged: {self.member}{note}"
        action = self.action or ""
        head = f"would {action}" if self.dry_run else DONE.get(action, action)
        roles = "".join(f", {change_text(c)}" for c in self.changes if c.field == "role")
        return f"{head} {self.member}{roles}{note}"


def first_failure(records: list[Record]) -> int:
    """The exit code of the first failed item in input order; 0 when none failed."""
    return next((r.exit_code for r in records if not r.ok), 0)


@dataclass
class Results:
    """The records of one command run, and how to print them."""

    records: list[Record]
    single: bool = False  # the command named exactly one item: JSON is one object
    dry_run: bool = False
    interrupted: int | None = None  # the exit code of the signal that stopped the run

    @property
    def exit_code(self) -> int:
        return self.interrupted or first_failure(self.records)


def summary(results: Results) -> str:
    """``12 deleted, 1 skipped (bound to a file)`` / ``dry run: ...; nothing was sent``."""
    counts = Counter(r.outcome for r in results.records)
    order = ["created", "updated", "deleted", "left", "added", "removed", "promoted", "demoted"]
    order += ["unchanged", "skipped"]
    order += ["refused", "failed", "interrupted"]
    parts: list[str] = []
    for outcome in order:
        if not counts.get(outcome):
            continue
        text = f"{counts[outcome]} {outcome}"
        if outcome == "skipped":
            reasons = Counter(_gist(r.skipped) for r in results.records if r.skipped)
            text += f" ({'; '.join(reasons)})"
        if outcome == "refused":
            text = f"{counts[outcome]} would be refused"
        if outcome == "interrupted":
            text = f"{counts[outcome]} not sent (interrupted)"
        parts.append(text)
    if results.dry_run:
        words = ", ".join(p if p.startswith(("0 ",)) else _would(p) for p in parts)
        return f"dry run: {words or 'nothing to do'}; nothing was sent"
    return ", ".join(parts) or "nothing to do"


def _gist(reason: str | None) -> str:
    """A skip reason without its details: ``bound to a file (file 42): ...`` → ``bound to a
    file``, for the summary."""
    return (reason or "").split(" (", 1)[0].split(":", 1)[0]


def _would(part: str) -> str:
    count, _, rest = part.partition(" ")
    for done, would in (
        ("created", "to create"),
        ("updated", "to update"),
        ("deleted", "to delete"),
        ("left", "to leave"),
        ("added", "to add"),
        ("removed", "to remove"),
        ("promoted", "to promote"),
        ("demoted", "to demote"),
    ):
        if rest.startswith(done):
            return f"{count} {would}{rest[len(done) :]}"
    return part


CSV_KEYS = RECORD_KEYS[:-1]  # every key but the conversation object


def _cell(record: Record, key: str) -> str:
    if key == "changes":
        return "; ".join(change_text(c) for c in record.changes)
    value = record.to_json()[key]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ResultRenderer:
    """Prints results: JSON records, csv/tsv rows, or lines for people."""

    def __init__(self, environment: Environment, fmt: str = "table") -> None:
        self.env = environment
        self.fmt = fmt

    def render(self, results: Results) -> None:
        records = results.records
        env = self.env
        if self.fmt == "jsonl":
            write_jsonl(env, [r.to_json() for r in records])
        elif self.fmt == "json":
            objects = [r.to_json() for r in records]
            write_json(env, objects[0] if results.single and len(objects) == 1 else objects)
        elif self.fmt in ("csv", "tsv"):
            self._rows(records)
        elif results.dry_run:
            self._plan(records)
        else:
            self._lines(results)
        env.stdout.flush()
        if results.single:
            first = records[0] if records else None
            if first is not None and not first.ok:
                env.error(first.error or "failed")  # the one error line (cli/errors.py words it)
            elif first is not None and results.dry_run:
                env.message(summary(results))
            return
        if self.fmt != "table" or results.dry_run:
            for record in records:
                if not record.ok:
                    env.message(f"{record.outcome}\t{record.item}\t{record.error}")
        env.message(summary(results))

    def _rows(self, records: list[Record]) -> None:
        rows = [[_cell(r, k) for k in CSV_KEYS] for r in records]
        if self.fmt == "csv":
            writer = csv.writer(self.env.stdout, lineterminator="\n")
            writer.writerow(CSV_KEYS)
            writer.writerows(rows)
            return
        escape = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
        self.env.stdout.write("\t".join(CSV_KEYS) + "\n")
        for row in rows:
            self.env.stdout.write("\t".join(cell.translate(escape) for cell in row) + "\n")

    def _plan(self, records: list[Record]) -> None:
        """A dry run at a terminal: a table; on a pipe: TOKEN, NAME, PLAN rows."""
        rows = [[r.token or r.input or "", r.name or "", r.text] for r in records if r.ok]
        if self.env.stdout_isatty:
            from rich.table import Table
            from rich.text import Text

            table = Table(box=None, header_style="bold", pad_edge=False)
            for header in ("TOKEN", "NAME", "PLAN"):
                table.add_column(header, overflow="fold")
            for row in rows:
                table.add_row(*(Text(cell) for cell in row))
            self.env.console().print(table)  # literal: names from others are not markup
            return
        for row in rows:
            self.env.stdout.write("\t".join(" ".join(c.split()) for c in row) + "\n")

    def _lines(self, results: Results) -> None:
        """Real runs for people: one line per item on stderr, never cut off."""
        for record in results.records:
            if results.single:
                if record.ok:
                    self.env.message(_sentence(record))
                continue
            state = "ok" if record.ok and not record.skipped else record.outcome
            if record.skipped:
                state = "skipped"
            self.env.message(f"{state}\t{record.item}\t{record.text}")


def _sentence(record: Record) -> str:
    """One item, said as a sentence: ``Deleted Team (tok)``, ``Team (tok): name → 'x'``."""
    if record.member is not None and record.action in MEMBER_PLACES:
        action = record.action or ""
        said = f"{DONE[action].capitalize()} {record.member} {MEMBER_PLACES[action]} {record.label}"
        roles = "".join(f", {change_text(c)}" for c in record.changes if c.field == "role")
        return said + roles + (f": {record.note}" if record.note else "")
    if record.action == "delete":
        return f"Deleted {record.label}"
    if record.action == "leave":
        return f"Left {record.label}"
    if record.action == "create":
        kind = next((c.after for c in record.changes if c.field == "type"), "")
        rest = [change_text(c) for c in record.changes if c.field != "type"]
        head = f"Created {kind} conversation {record.label}".replace("  ", " ")
        return head + (f": {', '.join(rest)}" if rest else "")
    return f"{record.label}: {record.text}"


def json_text(value: Any) -> str:
    """A value as JSON text (names and descriptions in lines: quotes show the edges)."""
    return json.dumps(value, ensure_ascii=False)
