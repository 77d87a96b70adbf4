"""``Operation``: resolve → plan → send, the same shape for every noun's change verb.

The verb resolves its targets (what it acts on: ``Target`` conversations, participant IDs
of one listing, a file's entries, ensure's plans); a target that did not resolve, or that is
decided already (skipped), is its ``Record``. ``plan`` turns one target into a ``Job`` that
carries its planned record and, when something must be sent, what sends it. Everything else
is here and in jobs.py: a plan that raises fails its item alone, the same item given twice
is changed once, a question before anything is sent, ``--jobs``, progress, signals, what is
settled afterwards (caches), the records in input order and their rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from talkctl.cli.context import Environment
from talkctl.cli.engine.jobs import Job, failed, once_each, run_jobs
from talkctl.cli.results import Record, Results
from talkctl.errors import TalkctlError

T = TypeVar("T")


def by_token(record: Record) -> Hashable | None:
    """The same conversation: the key of a run over conversations."""
    return record.token


@dataclass
class Operation(Generic[T]):
    """What a change verb does, for any noun: how it plans one target, and the rest."""

    description: str  # the progress bar's words: "deleting", "adding participants"
    plan: Callable[[T], Job]  # one target → its job (raises TalkctlError: fails that one)
    dry_run: bool = False
    same: Callable[[Record], Hashable | None] | None = by_token  # an item given twice
    unplanned: Callable[[T], Record] | None = None  # the record of a target whose plan raised
    confirm: Callable[[list[T]], None] | None = None  # asked before anything is sent
    settle: Callable[[list[Record]], None] | None = None  # afterwards, in this thread
    in_this_thread: bool = False  # a job that undoes itself on Ctrl-C (room create)

    def planned(self, targets: Sequence[T | Record]) -> list[tuple[T | None, Job]]:
        """Every target's job before anything is sent (with the target it came from)."""
        out: list[tuple[T | None, Job]] = []
        for target in targets:
            if isinstance(target, Record):
                target.dry_run = self.dry_run
                out.append((None, Job(target)))
                continue
            try:
                out.append((target, self.plan(target)))
            except TalkctlError as exc:
                if self.unplanned is None:
                    raise
                record = self.unplanned(target)
                record.dry_run = self.dry_run
                out.append((target, Job(failed(record, exc))))
        if self.same is None:
            return out
        once = once_each([job for _, job in out], self.same)
        return [(target, job) for (target, _), job in zip(out, once, strict=True)]

    def perform(
        self, env: Environment, targets: Sequence[T | Record], *, workers: int, single: bool
    ) -> Results:
        """Plan every target, ask (real runs), send, settle: the results in input order."""
        planned = self.planned(targets)
        if self.confirm is not None and not self.dry_run:
            self.confirm([t for t, job in planned if t is not None and job.send is not None])
        return self.send(env, planned, workers=workers, single=single)

    def send(
        self,
        env: Environment,
        planned: Sequence[tuple[T | None, Job]],
        *,
        workers: int,
        single: bool,
    ) -> Results:
        """Send the jobs ``planned`` made, settle: the results in input order. ``perform`` is
        ``planned`` then ``confirm`` then this; a verb whose question (or warning, in a dry
        run too) needs the planned records calls ``planned``, asks, then this."""
        jobs = [job for _, job in planned]
        records, interrupted = run_jobs(
            env,
            jobs,
            workers=workers,
            description=self.description,
            in_this_thread=self.in_this_thread,
        )
        if self.settle is not None:
            self.settle(records)
        return Results(records, single=single, dry_run=self.dry_run, interrupted=interrupted)


def report(env: Environment, results: Results, fmt: str) -> int:
    """Render the results with the one renderer; the run's exit code."""
    from talkctl.cli.output import Renderer

    Renderer(env, fmt).results(results)
    return results.exit_code
