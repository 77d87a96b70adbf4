"""The one result record of a change, and the one renderer of results.

Every command that changes something (the room verbs, ``room create``, ``room ensure``,
``apply``), real or ``--dry-run``, reports one ``Record`` per item. Its JSON keys (the
contract pinned by tests/test_result_contract.py and the README):

    input        what the user gave for this item (a CONV, a name), exactly
    token        the conversation's token, or null when the input did not resolve
    name         the conversation's name (after the change), null when unknown
    ok           false when the item failed (or, in a dry run, would be refused)
    action       create | update | delete | leave | unchanged | skip (conversations), add |
                 remove | promote | demote | unchanged (participant verbs), hand-over | unchanged
                 | skip (participant hand-over), send (chat send, with messageId and message),
                 clear-history: what was done (or, with dry_run, what would be done, or what
                 failed); null when unresolved
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

The words of each action (``deleted``, ``would delete``, ``3 to delete``, ``Deleted X``,
``added bob to X``) are one row of ``ACTIONS``: a new verb adds one row. How records are
printed: talkctl/cli/output/records.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.models import Conversation
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


@dataclass(frozen=True)
class Action:
    """The words of one action, everywhere a result says it."""

    action: str  # the record's ``action``: "delete"
    done: str  # what a line and the summary say it did: "deleted"
    would: str = ""  # a dry run's line: "would delete"
    planned: str = ""  # a dry run's summary: "3 to delete"
    place: str = ""  # a participant verb's sentence: "added bob *to* Team"
    sentence: str = ""  # a real run's sentence for one item: "Deleted {label}"


ACTIONS: dict[str, Action] = {
    a.action: a
    for a in (  # in the order the summary counts them
        Action("create", "created", "would create", "to create"),
        Action("update", "updated", "would set", "to update"),
        Action("delete", "deleted", "would delete", "to delete", sentence="Deleted {label}"),
        Action("leave", "left", "would leave", "to leave", sentence="Left {label}"),
        Action("add", "added", "would add", "to add", place="to"),
        Action("remove", "removed", "would remove", "to remove", place="from"),
        Action("promote", "promoted", "would promote", "to promote", place="in"),
        Action("demote", "demoted", "would demote", "to demote", place="in"),
        Action("hand-over", "handed over", "would hand over", "to hand over"),
        Action("send", "sent", "would send", "to send"),
        Action("clear-history", "cleared the history", "would clear the history", "to clear"),
        Action("ban", "banned", "would ban", "to ban", place="from"),
        Action("unban", "lifted", "would lift", "to lift", place="in"),
        Action("resend", "invited again", "would invite again", "to invite again", place="to"),
        Action("delete-message", "deleted", "would delete", "to delete", place="in"),
        Action("edit-message", "edited", "would edit", "to edit", place="in"),
        Action("unchanged", "unchanged"),
        Action("skip", "skipped"),
    )
}
DONE = {action.action: action.done for action in ACTIONS.values()}


def words_of(action: str | None) -> Action:
    """The row of ``action``; an action without a row is said as itself."""
    name = action or ""
    return ACTIONS.get(name) or Action(name, name, f"would {name}", f"to {name}")


# shown quoted in lines: the quotes show the edges
TEXT_FIELDS = ("name", "description", "bots", "broadcast", "text")
MEMBER_FIELDS = ("role", "permissions")  # a participant's changes a line shows


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
        return words_of(self.action).done

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
        said = words_of(self.action)
        note = f" ({self.note})" if self.note else ""  # what else it does: "resets 2 ..."
        if self.dry_run and self.action == "update":
            return f"{said.would} {words}{note}"  # would set read-only off → on
        head = said.would if self.dry_run else said.done
        return (f"{head}: {words}" if words else head) + note

    def _member_text(self) -> str:
        """``added bob``, ``would promote user bob (attendee:3), role user → moderator``."""
        note = f" ({self.note})" if self.note else ""
        if self.action == "unchanged":
            return f"unchanged: {self.member}{note}"
        said = words_of(self.action)
        head = said.would if self.dry_run else said.done
        roles = "".join(f", {change_text(c)}" for c in self.changes if c.field in MEMBER_FIELDS)
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


def json_text(value: Any) -> str:
    """A value as JSON text (names and descriptions in lines: quotes show the edges)."""
    return json.dumps(value, ensure_ascii=False)
