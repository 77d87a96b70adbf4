"""Runs one change over one or many conversations.

With exactly one CONV on the command line a command behaves like a single-object command
(prints the conversation after the change, fails with its own exit code). With several CONVs
or ``--stdin`` every item gets a result, in input order, and the exit code is that of the
first failed item.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import typer

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.models import Conversation
from talkctl.cli.context import Factory
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.options import factory_of, finish
from talkctl.cli.output import ConversationDetail, choose_format
from talkctl.cli.progress import ProgressReporter
from talkctl.cli.results import BatchResult, ItemResult, Plan, Removal
from talkctl.cli.results import ResultRenderer as Renderer
from talkctl.errors import InContext, TalkctlError, UsageError
from talkctl.exit_codes import ExitStatus
from talkctl.resolve import Target

Apply = Callable[[ConversationsApi, Target], Conversation | None]


@dataclass
class Change:
    """What a mutating command does to one conversation."""

    verb: str  # past tense for messages: "renamed"
    apply: Apply
    describe: Callable[[Target], str]  # "rename 'a' to 'b'" (dry-run and messages)
    already: Callable[[Conversation], bool] | None = None  # the goal state already holds
    removal: str | None = None  # "deleted" / "left": the item is gone afterwards
    explain: dict[tuple[int, str | None], str] = field(default_factory=dict)
    guard: Callable[[Target], str | None] | None = None  # reason to refuse an item
    done: str | None = None  # message after the change; "{label}" stands for the conversation

    def done_message(self, target: Target) -> str:
        template = self.done or f"{self.verb.capitalize()} {{label}}"
        return template.replace("{label}", target.label)


def read_refs(text: str) -> list[str]:
    """``--stdin``: tokens one per line, or the JSON array / JSON lines ``room list`` prints.

    A line holding tabs (the plain rows ``room list`` prints on a pipe) counts by its first
    column, the token. Blank lines are ignored; an empty input is an empty selection.
    """
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise UsageError(f"--stdin: invalid JSON array: {exc}") from None
        if not isinstance(data, list):  # pragma: no cover - starts with "["
            raise UsageError("--stdin: expected a JSON array")
        return [_ref_of(item, n) for n, item in enumerate(data, 1)]
    refs: list[str] = []
    for number, line in enumerate(stripped.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                refs.append(_ref_of(json.loads(line), number))
            except ValueError as exc:
                raise UsageError(f"--stdin line {number}: invalid JSON: {exc}") from None
        else:
            refs.append(line.split("\t", 1)[0])
    return refs


def _ref_of(item: object, number: int) -> str:
    if isinstance(item, str) and item:
        return item
    if isinstance(item, dict) and isinstance(item.get("token"), str) and item["token"]:
        return str(item["token"])
    raise UsageError(f"--stdin item {number} has no 'token'")


def collect_refs(factory: Factory, convs: Sequence[str], use_stdin: bool) -> tuple[list[str], bool]:
    """The CONVs to act on and whether this is a bulk run (several CONVs or ``--stdin``)."""
    refs = list(convs)
    if use_stdin:
        refs.extend(read_refs(factory.environment.stdin.read()))
    elif not refs:
        raise UsageError("no conversation given: pass CONV arguments or --stdin")
    return refs, use_stdin or len(refs) > 1


def explain_error(change: Change, exc: ApiError, target: Target) -> TalkctlError:
    """What an API error means for this command, as a wrapper (the error is not changed)."""
    text = change.explain.get((exc.status, exc.error)) or change.explain.get((exc.status, None))
    if text is None and exc.status == 404:
        text = "conversation {label} not found (or you are not a participant)"
    if text is None and exc.status == 403:
        text = "only moderators can change {label}"
    if text is None:
        return exc
    message = text.format(label=target.label)
    if exc.server_message and exc.server_message not in message:
        message = f"{message}: {exc.server_message}"
    return InContext(message, exc)


def apply_one(factory: Factory, change: Change, target: Target) -> Conversation | None:
    try:
        return change.apply(factory.conversations, target)
    except ApiError as exc:
        raise explain_error(change, exc, target) from None


def run_change(
    factory: Factory,
    convs: Sequence[str],
    change: Change,
    *,
    fmt: str,
    use_stdin: bool = False,
    dry_run: bool = False,
    jobs: int = 4,
) -> int:
    """Resolve, (maybe) apply, render. Returns the exit code."""
    refs, bulk = collect_refs(factory, convs, use_stdin)
    renderer = Renderer(factory.environment, fmt)
    if not bulk:
        return _run_single(factory, refs[0], change, renderer, dry_run)
    return _run_bulk(factory, refs, change, renderer, dry_run, max(1, jobs))


def _run_single(
    factory: Factory, ref: str, change: Change, renderer: Renderer, dry_run: bool
) -> int:
    target = factory.resolver.resolve(ref, need_state=dry_run or change.guard is not None)
    if change.guard is not None and (reason := change.guard(target)):
        raise UsageError(reason)
    if dry_run:
        renderer.render(Plan([_planned(change, target)], bulk=False))
        return 0
    conversation = apply_one(factory, change, target)
    message = change.done_message(target)
    if change.removal:
        factory.cache.forget_room(target.token)
        renderer.render(Removal(target.token, target.name, change.removal))
        return 0
    if renderer.fmt in ("json", "jsonl"):
        if conversation is None:
            conversation = factory.conversations.get(target.token)
        renderer.render(ConversationDetail(conversation, message))
    else:
        factory.environment.message(message)
    return 0


def _differs(change: Change, target: Target) -> bool:
    """Whether the state differed before, as the listing showed it."""
    state = target.conversation
    return not (state is not None and change.already is not None and change.already(state))


def _planned(change: Change, target: Target) -> ItemResult:
    differs = _differs(change, target)
    return ItemResult(
        target.token,
        target.name,
        True,
        differs,
        message=f"would {change.describe(target)}" if differs else "unchanged",
    )


def _resolve_all(factory: Factory, refs: list[str], change: Change) -> list[Target | ItemResult]:
    """Each ref → its target, or a failed item (not found, ambiguous, refused by the guard).

    The one listing is fetched first, outside the per-item handling: a run that cannot list
    (401, network down) fails as a whole instead of failing every item the same way.
    """
    if refs:
        factory.resolver.listing()
    resolved: list[Target | ItemResult] = []
    for ref in refs:
        try:
            target = factory.resolver.resolve(ref, need_state=True)
        except TalkctlError as exc:
            resolved.append(_failure(ref, None, exc))
            continue
        reason = change.guard(target) if change.guard else None
        if reason:
            status = int(exit_status_for(UsageError(reason)))
            resolved.append(
                ItemResult(target.token, target.name, False, False, reason, status, skipped=True)
            )
        else:
            resolved.append(target)
    return resolved


def _run_bulk(
    factory: Factory,
    refs: list[str],
    change: Change,
    renderer: Renderer,
    dry_run: bool,
    jobs: int,
) -> int:
    resolved = _resolve_all(factory, refs, change)
    if dry_run:
        items = [r if isinstance(r, ItemResult) else _planned(change, r) for r in resolved]
        plan = Plan(items, bulk=True)
        renderer.render(plan)
        return plan.exit_code

    def work(target: Target) -> ItemResult:
        changed = _differs(change, target)
        try:
            conversation = apply_one(factory, change, target)
        except Exception as exc:
            return _failure(target.token, target.name, exc)
        return ItemResult(target.token, target.name, True, changed, conversation=conversation)

    results: list[ItemResult | None] = [r if isinstance(r, ItemResult) else None for r in resolved]
    pending = {i: r for i, r in enumerate(resolved) if isinstance(r, Target)}
    interrupted = False
    futures: dict[Future[ItemResult], int] = {}
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        with ProgressReporter(factory.environment, len(pending), change.verb) as progress:
            futures = {pool.submit(work, target): i for i, target in pending.items()}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                progress.advance()
    except KeyboardInterrupt:
        interrupted = True  # items already sent finish; queued ones are never sent
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for future, index in futures.items():
        if results[index] is None and future.done() and not future.cancelled():
            results[index] = future.result()
    final = [
        r
        if r is not None
        else ItemResult(
            pending[i].token, pending[i].name, False, False, "interrupted before it was sent", 130
        )
        for i, r in enumerate(results)
    ]
    if change.removal:
        _forget(factory, [r.token for r in final if r.ok and r.token])
    batch = BatchResult(final, change.verb)
    renderer.render(batch)
    return int(ExitStatus.INTERRUPTED) if interrupted else batch.exit_code


def _forget(factory: Factory, tokens: list[str]) -> None:
    """Drop removed conversations from the cache: once, from this thread (no write races)."""
    if not tokens:
        return
    gone = set(tokens)
    cache = factory.cache
    cache.save_rooms(
        Conversation(room) for room in cache.load_rooms() if room.get("token") not in gone
    )


def _failure(token: str | None, name: str | None, exc: BaseException) -> ItemResult:
    return ItemResult(token, name, False, False, error_line(exc), int(exit_status_for(exc)))


def run_verb(
    ctx: typer.Context,
    convs: list[str],
    change: Change,
    json_: bool,
    fmt: str | None,
    stdin: bool,
    dry_run: bool,
    jobs: int,
) -> None:
    """A verb's whole run: resolve, apply (or plan), render, exit with the code."""
    finish(
        run_change(
            factory_of(ctx),
            convs,
            change,
            fmt=choose_format(json_, fmt),
            use_stdin=stdin,
            dry_run=dry_run,
            jobs=jobs,
        )
    )
