"""The room verbs' side of the engine: CONVs (or ``--stdin``) → one job per conversation.

A ``Change`` says what a verb does to one conversation: the field it sets and the value it
sets it to, how to read the current value from a listed conversation (so a run that read
the listing says "unchanged" and sends nothing), and the request. Everything else — --jobs,
Ctrl-C, progress, records, the exit code — is the engine's (runner.py).

Messages say what the server answered: the name and state after a change come from the
server's answer when it sent one, a prior value only when this run read it (a listing:
bulk runs, dry runs, names) — never from the cache — and without an extra request.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import typer

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.kinds import MODERATOR_TYPES
from talkctl.api.models import Conversation
from talkctl.cli.context import Factory
from talkctl.cli.errors import error_line, exit_status_for, status_for_http
from talkctl.cli.options import ChangeOptions, factory_of, finish
from talkctl.cli.output import Renderer
from talkctl.cli.results import Record, Results
from talkctl.cli.runner import Job, once_each, run_jobs
from talkctl.errors import TalkctlError, UsageError
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


def read_refs(text: str) -> list[str]:
    """``--stdin``: tokens one per line, or the JSON array / JSON lines ``room list`` prints.

    A line holding tabs (the plain rows ``room list`` prints on a pipe) counts by its first
    column, the token. Blank lines are ignored; an empty input is an empty selection.
    """
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        data = _json(stripped, "--stdin: invalid JSON array")
        if not isinstance(data, list):  # pragma: no cover - starts with "["
            raise UsageError("--stdin: expected a JSON array")
        return [_ref_of(item, n) for n, item in enumerate(data, 1)]
    refs: list[str] = []
    for number, line in enumerate(stripped.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            refs.append(_ref_of(_json(line, f"--stdin line {number}: invalid JSON"), number))
        else:
            refs.append(line.split("\t", 1)[0])
    return refs


def _json(text: str, what: str) -> object:
    try:
        return json.loads(text)
    except RecursionError:
        raise UsageError(f"{what}: nested too deeply") from None
    except ValueError as exc:
        raise UsageError(f"{what}: {exc}") from None


def _ref_of(item: object, number: int) -> str:
    if isinstance(item, str) and item:
        return item
    if isinstance(item, dict) and isinstance(item.get("token"), str) and item["token"]:
        return str(item["token"])
    raise UsageError(f"--stdin item {number} has no 'token'")


def read_stdin(factory: Factory, what: str = "conversations") -> str:
    """All of stdin; at a terminal, first say that it is read (and how to end it)."""
    environment = factory.environment
    if environment.stdin_isatty:
        environment.message(f"reading {what} from stdin, one a line (Ctrl-D to end)")
    return environment.stdin.read()


def collect_refs(factory: Factory, convs: Sequence[str], use_stdin: bool) -> tuple[list[str], bool]:
    """The CONVs to act on and whether this is a bulk run (several CONVs or ``--stdin``)."""
    refs = list(convs)
    if use_stdin:
        refs.extend(read_refs(read_stdin(factory)))
    elif not refs:
        raise UsageError("no conversation given: pass CONV arguments or --stdin")
    return refs, use_stdin or len(refs) > 1


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


def resolve_all(factory: Factory, refs: list[str], need_state: bool) -> list[Target | Record]:
    """Each ref → its target, or a failed record (not found, ambiguous).

    A bulk run fetches the one listing first, outside the per-item handling: a run that
    cannot list (401, network down) fails as a whole instead of failing every item alike.
    """
    if refs and need_state:
        factory.resolver.listing()
    resolved: list[Target | Record] = []
    for ref in refs:
        try:
            resolved.append(factory.resolver.resolve(ref, need_state=need_state))
        except TalkctlError as exc:
            resolved.append(
                Record(
                    ref, None, None, None, ok=False, error=error_line(exc),
                    exit_code=int(exit_status_for(exc)),
                )
            )  # fmt: skip
    return resolved


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
    resolved = resolve_all(factory, refs, need_state)
    api = factory.conversations
    planned: list[Job] = []
    for item in resolved:
        if isinstance(item, Record):
            item.dry_run = dry_run
            planned.append(Job(item))
        else:
            planned.append(job_for(change, item, api, dry_run=dry_run))
    planned = once_each(planned, lambda record: record.token)
    if change.confirm is not None and not dry_run:
        targets = [t for t, j in zip(resolved, planned, strict=True) if j.send is not None]
        change.confirm([t for t in targets if isinstance(t, Target)])
    records, interrupted = run_jobs(
        factory.environment, planned, workers=jobs, description=change.description
    )
    if change.action in ("delete", "leave"):
        _forget(factory, [r.token for r in records if r.ok and r.token and not r.dry_run])
    results = Results(records, single=not bulk, dry_run=dry_run, interrupted=interrupted)
    Renderer(factory.environment, fmt).results(results)
    return results.exit_code


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
