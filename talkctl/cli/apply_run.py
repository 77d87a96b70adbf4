"""Runs ``apply``: plan every conversation of the file, then carry the plans out.

Planning reads (one room listing, participant and group listings) and sends nothing; a
conversation whose planning fails is reported and the others go on. Then each plan is carried
out, conversations in parallel (``--jobs``), steps of one conversation in order. The result is
one record per conversation, in file order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TypeVar

from talkctl.cli.context import Factory
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.progress import ProgressReporter
from talkctl.declarative.applyfile import Entry
from talkctl.declarative.applying import (
    ConversationPlan,
    MembershipIO,
    SharedGroups,
    execute,
    plan_entry,
)
from talkctl.exit_codes import ExitStatus

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Record:
    """The result of one conversation of the file (the JSON record of ``apply``)."""

    entry: Entry
    plan: ConversationPlan | None = None
    ok: bool = True
    error: str | None = None
    exit_code: int = 0
    done: list[str] = field(default_factory=list)  # steps carried out (real runs)
    token: str | None = None

    @property
    def action(self) -> str:
        return self.plan.action if self.plan is not None else "failed"

    @property
    def label(self) -> str:
        token = self.token or (self.plan.token if self.plan else None) or self.entry.token
        return f"{self.entry.name} ({token})" if token else self.entry.name

    def to_json(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "input": self.entry.name,
            "token": self.token or (plan.token if plan else None),
            "name": self.entry.name,
            "ok": self.ok,
            "action": self.action,
            "changes": plan.changes() if plan is not None else [],
            "notes": list(plan.membership.notes) if plan is not None else [],
            "skipped": False,
            "error": self.error,
            "exit_code": self.exit_code,
        }


def _fail(record: Record, exc: BaseException) -> Record:
    record.ok = False
    record.error = error_line(exc)
    record.exit_code = int(exit_status_for(exc))
    return record


def run_parallel(
    factory: Factory,
    items: Sequence[T],
    work: Callable[[T], R],
    interrupted: Callable[[T], R],
    jobs: int,
    description: str,
) -> tuple[list[R], bool]:
    """``work`` on every item, ``jobs`` at a time; after Ctrl-C the items not started are
    ``interrupted(item)`` and the second value is True."""
    results: list[R | None] = [None] * len(items)
    futures: dict[Future[R], int] = {}
    stopped = False
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        with ProgressReporter(factory.environment, len(items), description) as progress:
            futures = {pool.submit(work, item): i for i, item in enumerate(items)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                progress.advance()
    except KeyboardInterrupt:
        stopped = True  # what runs finishes; what is queued is never sent
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for future, index in futures.items():
        if results[index] is None and future.done() and not future.cancelled():
            results[index] = future.result()
    return [r if r is not None else interrupted(items[i]) for i, r in enumerate(results)], stopped


def apply_entries(
    factory: Factory,
    entries: Sequence[Entry],
    io: MembershipIO | None,
    *,
    dry_run: bool,
    jobs: int,
) -> tuple[list[Record], bool]:
    """Plan (and unless ``dry_run`` carry out) every entry. Returns the records in file order
    and whether Ctrl-C stopped the run."""
    api = factory.conversations
    force = factory.client.capabilities.force_passwords
    listing = factory.resolver.listing()
    me = factory.credentials.user
    groups = SharedGroups(io) if io is not None else None

    def plan(entry: Entry) -> Record:
        record = Record(entry)
        try:
            record.plan = plan_entry(entry, listing, io, groups, me, force_passwords=force)
            for operation in dict.fromkeys(record.plan.settings.requirements()):
                api.require(operation)
        except Exception as exc:
            return _fail(record, exc)
        return record

    def not_planned(entry: Entry) -> Record:
        return _fail(Record(entry), KeyboardInterrupt())

    records, stopped = run_parallel(factory, entries, plan, not_planned, jobs, "planning")
    if dry_run or stopped:
        return records, stopped

    def carry_out(record: Record) -> Record:
        plan = record.plan
        if not record.ok or plan is None or plan.action == "unchanged":
            return record
        try:
            done = execute(api, io, plan, record.done)
        except Exception as exc:
            return _fail(record, exc)
        record.token = done.token
        if plan.action != "unchanged":
            factory.cache.forget_room(done.token)
        return record

    def not_sent(record: Record) -> Record:
        if not record.ok or record.plan is None or record.plan.action == "unchanged":
            return record
        record.error = "interrupted before it was sent"
        record.ok, record.exit_code = False, int(ExitStatus.INTERRUPTED)
        return record

    return run_parallel(factory, records, carry_out, not_sent, jobs, "applying")
