"""Runs one change over one or many conversations.

With exactly one CONV on the command line a command behaves like a single-object command
(prints the conversation after the change, fails with its own exit code). With several CONVs
or ``--stdin`` every item gets a result, in input order, and the exit code is that of the
first failed item.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.models import Conversation
from talkctl.cli.context import Factory
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.output import BatchResult, ConversationDetail, ItemResult, Removal, Renderer
from talkctl.errors import TalkctlError, UsageError
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


def read_refs(text: str) -> list[str]:
    """``--stdin``: tokens one per line, or the JSON array / JSON lines ``room list`` prints."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise UsageError(f"--stdin: invalid JSON array: {exc}") from None
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
            refs.append(line)
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
    if not refs:
        raise UsageError("no conversation given: pass CONV arguments or --stdin")
    return refs, use_stdin or len(refs) > 1


def explain_error(change: Change, exc: ApiError, target: Target) -> ApiError:
    """Replace the generic text of an API error by what it means for this command."""
    text = change.explain.get((exc.status, exc.error)) or change.explain.get((exc.status, None))
    if text is None and exc.status == 404:
        text = "conversation {label} not found (or you are not a participant)"
    if text is None and exc.status == 403:
        text = "only moderators can change {label}"
    if text is not None:
        message = text.format(label=target.label)
        if exc.server_message and exc.server_message not in message:
            message = f"{message}: {exc.server_message}"
        exc.message = message
        exc.args = (message,)
    return exc


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
        return _render_plan(factory, [target], change, renderer)
    conversation = apply_one(factory, change, target)
    message = f"{change.verb.capitalize()} {target.label}"
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


def _render_plan(
    factory: Factory, targets: list[Target], change: Change, renderer: Renderer
) -> int:
    items = []
    for target in targets:
        state = target.conversation
        unchanged = state is not None and change.already is not None and change.already(state)
        items.append(
            ItemResult(
                target.token,
                target.name,
                True,
                not unchanged,
                message="unchanged" if unchanged else f"would {change.describe(target)}",
            )
        )
    if renderer.fmt in ("json", "jsonl"):
        renderer.render(BatchResult(items, change.verb))
    else:
        for item in items:
            factory.environment.stdout.write(f"{item.token}\t{item.name}\t{item.message}\n")
        factory.environment.message(
            f"dry run: {sum(i.changed for i in items)} would change, nothing was sent"
        )
    return 0


def _run_bulk(
    factory: Factory,
    refs: list[str],
    change: Change,
    renderer: Renderer,
    dry_run: bool,
    jobs: int,
) -> int:
    resolved: list[Target | ItemResult] = []
    for ref in refs:
        try:
            target = factory.resolver.resolve(ref, need_state=True)
        except TalkctlError as exc:
            resolved.append(_failure(ref, None, exc))
            continue
        reason = change.guard(target) if change.guard else None
        if reason:
            resolved.append(
                ItemResult(
                    target.token,
                    target.name,
                    False,
                    False,
                    reason,
                    int(exit_status_for(UsageError(reason))),
                )
            )
        else:
            resolved.append(target)
    if dry_run:
        targets = [t for t in resolved if isinstance(t, Target)]
        _render_plan(factory, targets, change, renderer)
        failures = [r for r in resolved if isinstance(r, ItemResult)]
        for failure in failures:
            factory.environment.message(f"failed\t{failure.token or ''}\t{failure.error}")
        return failures[0].exit_code if failures else 0

    def work(entry: Target | ItemResult) -> ItemResult:
        if isinstance(entry, ItemResult):
            return entry
        state = entry.conversation
        changed = not (state is not None and change.already is not None and change.already(state))
        try:
            conversation = apply_one(factory, change, entry)
        except (Exception, KeyboardInterrupt) as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            return _failure(entry.token, entry.name, exc)
        if change.removal:
            factory.cache.forget_room(entry.token)
        return ItemResult(entry.token, entry.name, True, changed, conversation=conversation)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(work, resolved))
    batch = BatchResult(results, change.verb)
    renderer.render(batch)
    return batch.exit_code


def _failure(token: str | None, name: str | None, exc: BaseException) -> ItemResult:
    return ItemResult(token, name, False, False, error_line(exc), int(exit_status_for(exc)))
