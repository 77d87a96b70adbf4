"""One participant verb over the IDs of one conversation.

Resolves CONV, reads ONE participant listing (saved for completion), then decides each ID
against it (already in → unchanged, not found → exit 3, several → exit 8), sends what must
be sent in input order, and reports one record per ID. With exactly one ID the command
behaves like a single-object command; with several IDs or ``--stdin`` every ID gets a record
and a summary goes to stderr; the exit code is that of the first failed ID.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.errors import ApiError
from talkctl.api.models import ConversationType
from talkctl.api.participants import Participant, ParticipantsApi
from talkctl.cli.context import Factory
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.participant.resolve import ParticipantIndex, describe
from talkctl.errors import InContext, TalkctlError, UsageError
from talkctl.exit_codes import ExitStatus
from talkctl.resolve import Target

ONE_TO_ONE = (ConversationType.ONE_TO_ONE, ConversationType.FORMER_ONE_TO_ONE)
DONE = {"add": "added", "remove": "removed", "promote": "promoted", "demote": "demoted"}


@dataclass
class Item:
    """One ID's record (the keys of the one result record, plus ``participant``)."""

    input: str
    target: Target
    action: str | None  # add | remove | promote | demote | unchanged; None: unresolved
    participant: Participant | None = None
    ok: bool = True
    error: str | None = None
    exit_code: int = 0
    dry_run: bool = False
    note: str | None = None
    send: Callable[[], str | None] | None = field(default=None, repr=False)

    @property
    def who(self) -> str:
        return describe(self.participant) if self.participant is not None else self.input

    def to_json(self) -> dict[str, Any]:
        p = self.participant
        return {
            "input": self.input,
            "token": self.target.token,
            "name": self.target.name or None,
            "ok": self.ok,
            "action": self.action,
            "dry_run": self.dry_run,
            "changes": [],
            "skipped": None,
            "error": self.error,
            "exit_code": self.exit_code,
            "conversation": None,
            "participant": None
            if p is None
            else {
                "attendeeId": p.attendee_id,
                "actorType": p.actor_type,
                "actorId": p.actor_id,
                "displayName": p.display_name,
            },
        }

    def fail(self, exc: BaseException) -> None:
        self.ok, self.error = False, error_line(exc)
        self.exit_code = int(exit_status_for(exc))

    @property
    def text(self) -> str:
        if not self.ok:
            return self.error or "failed"
        if self.action == "unchanged":
            return f"unchanged: {self.who}" + (f" ({self.note})" if self.note else "")
        action = self.action or ""
        said = f"would {action}" if self.dry_run else DONE.get(action, action)
        return f"{said} {self.who}" + (f" ({self.note})" if self.note else "")


@dataclass
class Run:
    """What the verb needs: the factory, the conversation, the listing, who runs it."""

    factory: Factory
    target: Target
    api: ParticipantsApi
    index: ParticipantIndex
    me: str

    def is_me(self, participant: Participant) -> bool:
        return participant.actor_type == "users" and participant.actor_id == self.me

    @property
    def one_to_one(self) -> bool:
        return self.target.type in ONE_TO_ONE


Decide = Callable[[Run, str], Item]


def read_ids(factory: Factory, ids: Sequence[str], use_stdin: bool) -> tuple[list[str], bool]:
    """The IDs (``--stdin``: one a line) and whether this is a bulk run."""
    refs = list(ids)
    if use_stdin:
        environment = factory.environment
        if environment.stdin_isatty:
            environment.message("reading participant IDs from stdin, one a line (Ctrl-D to end)")
        refs += [line.strip() for line in environment.stdin.read().splitlines() if line.strip()]
    elif not refs:
        raise UsageError("no participant given: pass ID arguments or --stdin")
    return refs, use_stdin or len(refs) > 1


def open_run(factory: Factory, conv: str) -> Run:
    """Resolve CONV and read its one participant listing (saved for completion)."""
    from talkctl.cli.participant.cache import save_participants

    target = factory.resolver.resolve(conv)
    api = ParticipantsApi(factory.client)
    try:
        people = api.list(target.token)
    except ApiError as exc:
        if exc.status == 404:
            raise InContext(
                f"conversation {target.label} not found (or you are not a participant)", exc
            ) from exc
        raise
    save_participants(factory.cache, target.token, people)
    index = ParticipantIndex(people, target.label)
    return Run(factory, target, api, index, factory.credentials.user)


def run_items(
    run: Run,
    refs: list[str],
    decide: Decide,
    explain: Callable[[Run, Item, ApiError], str | None],
    *,
    dry_run: bool,
) -> list[Item]:
    """Decide every ID first (nothing sent yet), then send in input order."""
    items: list[Item] = []
    for ref in refs:
        try:
            item = decide(run, ref)
        except TalkctlError as exc:
            item = Item(ref, run.target, None, ok=False)
            item.fail(exc)
        item.dry_run = dry_run
        items.append(item)
    if dry_run:
        return items
    interrupted = False
    for item in items:
        if item.send is None or not item.ok:
            continue
        if interrupted:
            item.ok, item.error = False, "interrupted before it was sent"
            item.exit_code = int(ExitStatus.INTERRUPTED)
            continue
        try:
            item.note = item.send() or item.note
        except KeyboardInterrupt:
            interrupted = True
            item.ok, item.error = False, "interrupted (may have been sent)"
            item.exit_code = int(ExitStatus.INTERRUPTED)
        except ApiError as exc:
            item.fail(exc)
            item.error = explain(run, item, exc) or item.error
        except Exception as exc:
            item.fail(exc)
    return items


def render(run: Run, items: list[Item], *, bulk: bool, fmt: str) -> int:
    """Print the records; returns the exit code (the first failed item's)."""
    from talkctl.cli.jsonout import write_json, write_jsonl

    env = run.factory.environment
    code = next((i.exit_code for i in items if not i.ok), 0)
    if fmt == "jsonl":
        write_jsonl(env, [i.to_json() for i in items])
    elif fmt == "json":
        objects = [i.to_json() for i in items]
        write_json(env, objects if bulk else objects[0])
    elif fmt in ("csv", "tsv"):
        _rows(env, items, fmt)
    env.stdout.flush()
    if not bulk:
        item = items[0]
        if not item.ok:
            env.error(item.error or "failed")
        elif fmt == "table":
            env.message(f"{run.target.label}: {item.text}")
        return code
    for item in items:
        if fmt == "table" or not item.ok:
            state = "ok" if item.ok else ("interrupted" if item.exit_code == 130 else "failed")
            env.message(f"{state}\t{item.input}\t{item.text}")
    env.message(summary(items))
    return code


def summary(items: list[Item]) -> str:
    dry = any(i.dry_run for i in items)
    changed = sum(1 for i in items if i.ok and i.action != "unchanged")
    unchanged = sum(1 for i in items if i.ok and i.action == "unchanged")
    failed = sum(1 for i in items if not i.ok)
    text = f"{changed} {'to change' if dry else 'changed'}, {unchanged} unchanged, {failed} failed"
    return f"dry run: {text}; nothing was sent" if dry else text


def _rows(env: Any, items: list[Item], fmt: str) -> None:
    import csv

    keys = ["input", "token", "ok", "action", "error", "exit_code"]
    rows = [[_cell(i.to_json()[k]) for k in keys] for i in items]
    if fmt == "csv":
        writer = csv.writer(env.stdout, lineterminator="\n")
        writer.writerow(keys)
        writer.writerows(rows)
        return
    escape = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
    env.stdout.write("\t".join(keys) + "\n")
    for row in rows:
        env.stdout.write("\t".join(c.translate(escape) for c in row) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
