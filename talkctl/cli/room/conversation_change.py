"""What a room verb does to one conversation (``Change``) and its plan: the room verbs'
``Operation`` (engine/operation.py), CONVs (or ``--stdin``) → one job per conversation.

A ``Change`` says what a verb does to one conversation: the field it sets and the value it
sets it to, how to read the current value from a listed conversation (so a run that read
the listing says "unchanged" and sends nothing), and the request. Everything else — --jobs,
Ctrl-C, progress, records, the exit code — is the engine's (cli/engine/).

Messages say what the server answered: the name and state after a change come from the
server's answer when it sent one, a prior value only when this run read it (a listing:
bulk runs, dry runs, names) — never from the cache — and without an extra request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import typer

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.kinds import MODERATOR_TYPES
from talkctl.api.models import Conversation
from talkctl.cli.context import Factory
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import Operation, report
from talkctl.cli.engine.targets import collect_refs, resolve_all
from talkctl.cli.errors import status_for_http
from talkctl.cli.options import ChangeOptions, factory_of, finish
from talkctl.cli.results import Record
from talkctl.resolve import Target
from talkctl.settings import FieldChange

ONE_TO_ONE = (1, 5)  # conversation types one-to-one, former one-to-one (constants.md)
Send = Callable[[ConversationsApi, Target], Conversation | None]


@dataclass
class Change:
    """What a verb does to one conversation."""

    action: str  # update | delete | leave
    send: Send
    field: str | None = None  # the field it sets (update): "name", "read-only", ...
    value: Callable[[Target], str] | None = None  # the value shown after the change
    current: Callable[[Conversation], str] | None = None  # the value shown now (a listing)
    moderator_only: bool = True
    explain: dict[tuple[int, str | None], str] = dataclasses.field(default_factory=dict)
    guard: Callable[[Target], str | None] | None = None  # a reason to skip an item
    note: Callable[[str], str] | None = None  # "already public" for an unchanged value
    confirm: Callable[[list[Target]], None] | None = None  # asks before sending anything
    description: str = "changing"  # the progress bar's words
    needs_state: bool = False  # read the listing even for one CONV (e.g. a {name} template)
    also: Callable[[Target], list[FieldChange]] | None = None  # what the server changes too
    remark: Callable[[Target], str | None] | None = None  # what else a change does ("resets")


def explain(change: Change, exc: BaseException, target: Target, known: bool) -> str | None:
    """The words for an API error in this command (the exception itself is left alone)."""
    if not isinstance(exc, ApiError):
        return None
    message = _words(change, exc.status, exc.error, target, known)
    if message is None:
        return None
    if exc.server_message and exc.server_message not in message:
        message = f"{message}: {exc.server_message}"
    return message


def _words(
    change: Change, status: int, error: str | None, target: Target, known: bool
) -> str | None:
    """What an answer ``status`` (``error``) to this change means, as the run says it."""
    text = change.explain.get((status, error)) or change.explain.get((status, None))
    if text is None and status == 404:
        text = "conversation {label} not found (or you are not a participant)"
    if text is None and status == 403:
        text = "only moderators can change {label}"
    return None if text is None else text.format(label=_label(target, known))


def _label(target: Target, known: bool) -> str:
    """The conversation as this run knows it: its name only when this run read it."""
    return target.label if known else target.token


def _refusal(change: Change, target: Target) -> tuple[int, str] | None:
    """The answer the listing shows the server will give this change (as the server checks:
    moderators first, then what the conversation's type allows), in the real run's words,
    and the exit code the real run would have."""
    state = target.conversation
    if state is None:
        return None
    moderator = state.participant_type in MODERATOR_TYPES
    status: int | None = None
    if change.moderator_only and "participantType" in state.raw and not moderator:
        status = 403
    elif change.action == "delete" and state.raw.get("type") in ONE_TO_ONE:
        status = 400  # conversation.md: a one-to-one cannot be deleted (the recorded answer)
    elif change.action == "delete" and state.raw.get("canDeleteConversation") is False:
        status = 403
    if status is None:
        return None
    words = _words(change, status, None, target, True) or f"the server would answer {status}"
    return int(status_for_http(status)), words


def job_for(change: Change, target: Target, api: ConversationsApi, *, dry_run: bool) -> Job:
    """The planned record of one conversation, and what sends the change."""
    state = target.conversation
    known = state is not None
    record = Record(
        target.ref,
        target.token,
        target.name if known else None,
        change.action,
        dry_run=dry_run,
    )
    if change.guard is not None and (reason := change.guard(target)):
        record.action, record.skipped = "skip", reason
        return Job(record)
    after = change.value(target) if change.value is not None else None
    before = change.current(state) if state is not None and change.current else None
    if change.field is not None and after is not None:
        if before is not None and before == after:
            record.action = "unchanged"
            record.note = change.note(after) if change.note else f"{change.field} {after}"
            return Job(record)
        record.changes = [FieldChange(change.field, before, after)]
        record.changes += change.also(target) if change.also is not None else []
    if change.remark is not None:
        record.note = change.remark(target)
    if dry_run:
        refusal = _refusal(change, target)
        if refusal is not None:
            record.ok, record.exit_code = False, refusal[0]
            record.error = f"would be refused: {refusal[1]}"
        return Job(record)

    def send() -> Record:
        answer = change.send(api, target)
        done = Record(**{**record.__dict__, "changes": list(record.changes)})
        if answer is not None:
            done.conversation = answer
            done.name = answer.display_name
            if change.field is not None and change.current is not None:
                now = change.current(answer)
                done.changes = [FieldChange(change.field, before, now), *record.changes[1:]]
        return done

    return Job(record, send, lambda exc: explain(change, exc, target, known))


def operation(
    change: Change, api: ConversationsApi, factory: Factory, dry_run: bool
) -> Operation[Target]:
    """The room verb's ``Operation``: one job per conversation (engine/operation.py)."""

    def settle(records: list[Record]) -> None:
        if change.action in ("delete", "leave"):
            _forget(factory, [r.token for r in records if r.ok and r.token and not r.dry_run])

    return Operation(
        change.description,
        lambda target: job_for(change, target, api, dry_run=dry_run),
        dry_run=dry_run,
        confirm=change.confirm,
        settle=settle,
    )


def run_change(
    factory: Factory,
    refs: list[str],
    change: Change,
    *,
    fmt: str,
    bulk: bool,
    dry_run: bool = False,
    jobs: int = 4,
) -> int:
    """Resolve, plan, (maybe) send, render. Returns the exit code."""
    need_state = bulk or dry_run or change.guard is not None or change.needs_state
    targets = resolve_all(factory, refs, need_state)
    run = operation(change, factory.conversations, factory, dry_run)
    results = run.perform(factory.environment, targets, workers=jobs, single=not bulk)
    return report(factory.environment, results, fmt)


def _forget(factory: Factory, tokens: list[str]) -> None:
    """Drop removed conversations from the cache: once, from this thread (no write races)."""
    gone = set(tokens)
    if not gone:
        return
    cache = factory.cache
    cache.save_rooms(
        Conversation(room) for room in cache.load_rooms() if room.get("token") not in gone
    )


def run_verb(ctx: typer.Context, convs: list[str], change: Change, options: ChangeOptions) -> None:
    """A verb's whole run: resolve, apply (or plan), render, exit with the code."""
    factory = factory_of(ctx)
    refs, bulk = collect_refs(factory, convs, options.stdin)
    code = run_change(
        factory,
        refs,
        change,
        fmt=options.output,
        bulk=bulk,
        dry_run=options.dry_run,
        jobs=options.jobs,
    )
    finish(code)
