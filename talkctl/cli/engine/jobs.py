"""The jobs of a run (operation.py plans them): sent ``workers`` at a time, safe to stop.

An item is a ``Job``: its planned ``Record`` (what it is, what would change) and, when
something must be sent, a ``send`` that does it and returns the final record. The engine
runs the jobs ``workers`` at a time over the one connection pool, shows progress on a
terminal, words failures as records, and stops sending on Ctrl-C, SIGTERM or SIGHUP: items
already sent finish, the others are reported "not sent", and the run exits 130, 143 or 129.
Records come back in input order; the exit code is that of the first failed item.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from types import FrameType
from typing import Any

from talkctl.cli.context import Environment
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.progress import ProgressReporter
from talkctl.cli.results import Record, json_text
from talkctl.exit_codes import ExitStatus

HANGUP = [signal.SIGHUP] if hasattr(signal, "SIGHUP") else []
Handler = Callable[[int, FrameType | None], Any]


class Interrupted(KeyboardInterrupt):
    """A signal that stops a run like Ctrl-C does; ``code`` is its exit code."""

    def __init__(self, code: int) -> None:
        super().__init__()
        self.code = code


@contextlib.contextmanager
def signals_stop_the_run() -> Iterator[None]:
    """While a run sends changes, SIGTERM and SIGHUP act like Ctrl-C (in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        code = ExitStatus.TERMINATED if signum == signal.SIGTERM else ExitStatus.HANGUP
        raise Interrupted(int(code))

    with _handled_by(stop, [signal.SIGTERM, *HANGUP]):
        yield


@contextlib.contextmanager
def _handled_by(handler: Handler, signums: list[signal.Signals]) -> Iterator[dict[int, Any]]:
    """``handler`` for ``signums`` during the block; yields the handlers it replaced."""
    previous: dict[int, Any] = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield previous
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP that come during the block take effect as it ends.

    Handing jobs to the pool starts threads; a signal that interrupted that half-way
    (``Thread.start`` waits for the new thread) could leave a job running in a thread the
    pool does not wait for, its record lost. In the main thread only (where Python runs
    signal handlers; elsewhere the block is not held).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        came.append(signum)

    with _handled_by(hold, [signal.SIGINT, signal.SIGTERM, *HANGUP]) as previous:
        yield
    for number in dict.fromkeys(came):  # now, as it would have then
        then = previous[number]
        if callable(then):
            then(number, None)
        elif then == signal.SIG_DFL:
            signal.raise_signal(number)


def interrupt_code(exc: KeyboardInterrupt) -> int:
    return exc.code if isinstance(exc, Interrupted) else int(ExitStatus.INTERRUPTED)


def failed(record: Record, exc: BaseException, text: str | None = None) -> Record:
    """``record`` failed with ``exc``: ``text`` or the exception's one-line error, and its
    exit code."""
    return dataclasses.replace(
        record, ok=False, error=text or error_line(exc), exit_code=int(exit_status_for(exc))
    )


@dataclass
class Job:
    """One item: its planned record, and what sends it (None: nothing to send)."""

    record: Record
    send: Callable[[], Record] | None = None
    explain: Callable[[BaseException], str | None] | None = None

    def failed(self, exc: BaseException) -> Record:
        return failed(self.record, exc, self.explain(exc) if self.explain is not None else None)

    def interrupted(self, code: int, *, started: bool) -> Record:
        """The record of a job a signal stopped: never started, or cut off while sending."""
        error = "interrupted (may have been sent)" if started else "interrupted before it was sent"
        return dataclasses.replace(self.record, ok=False, error=error, exit_code=code)

    def run(self) -> Record:
        if self.send is None:
            return self.record
        try:
            return self.send()
        except Exception as exc:
            return self.failed(exc)


def once_each(jobs: list[Job], key: Callable[[Record], Hashable | None]) -> list[Job]:
    """The same item named twice in one run is changed once: a later job whose record has
    the ``key`` of an earlier one (the same conversation, the same participant) is skipped,
    "given twice", so nothing is sent twice and no record contradicts another. Failed
    records and those without a key stay as they are."""
    first: dict[Hashable, str] = {}
    out: list[Job] = []
    for job in jobs:
        record = job.record
        mark = key(record) if record.ok else None
        if mark is None or mark not in first:
            if mark is not None:
                first[mark] = record.input or ""
            out.append(job)
            continue
        reason = f"given twice (as {json_text(first[mark])} before)"
        again = dataclasses.replace(record, action="skip", skipped=reason, changes=[], note=None)
        out.append(Job(again))
    return out


def run_jobs(
    env: Environment,
    jobs: list[Job],
    *,
    workers: int,
    description: str,
    in_this_thread: bool = False,
) -> tuple[list[Record], int | None]:
    """Run every job; returns the records in input order and the interrupting exit code.

    Each job writes its own record as it finishes (in its worker thread), so a signal at any
    moment — even while jobs are still being handed to the pool — loses no record of a job
    that ran: the ones that never started are "not sent", one that started but could not
    finish (a second signal) "may have been sent". ``in_this_thread``: one after another in
    the calling thread, where Ctrl-C arrives, for a job that undoes its own half-made work
    when interrupted (``room create``).
    """
    results: list[Record | None] = [job.record if job.send is None else None for job in jobs]
    started = [False] * len(jobs)
    interrupted: int | None = None
    if in_this_thread:
        return _one_by_one(env, jobs, results, started, description)

    def run_one(index: int) -> None:
        started[index] = True
        results[index] = jobs[index].run()

    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        with (
            signals_stop_the_run(),
            ProgressReporter(env, sum(1 for job in jobs if job.send), description) as progress,
        ):
            with signals_held():
                futures = [pool.submit(run_one, i) for i, job in enumerate(jobs) if job.send]
            for future in as_completed(futures):
                future.result()
                progress.advance()
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: stop sending
        interrupted = interrupt_code(exc)
    finally:
        with signals_stop_the_run():  # a second signal while the sent ones finish
            try:
                pool.shutdown(wait=True, cancel_futures=True)
            except KeyboardInterrupt as exc:  # pragma: no cover - a second Ctrl-C
                interrupted = interrupted or interrupt_code(exc)
    code = interrupted or int(ExitStatus.INTERRUPTED)
    final = [
        record if record is not None else jobs[i].interrupted(code, started=started[i])
        for i, record in enumerate(results)
    ]
    return final, interrupted


def _one_by_one(
    env: Environment,
    jobs: list[Job],
    results: list[Record | None],
    started: list[bool],
    description: str,
) -> tuple[list[Record], int | None]:
    """The jobs in the calling thread: a signal reaches the one being sent (which may undo
    what it made and fail with its own record) or stops the run before the next one."""
    interrupted: int | None = None
    try:
        with (
            signals_stop_the_run(),
            ProgressReporter(env, sum(1 for job in jobs if job.send), description) as progress,
        ):
            for index, job in enumerate(jobs):
                if job.send is None:
                    continue
                started[index] = True
                results[index] = job.run()
                progress.advance()
    except KeyboardInterrupt as exc:
        interrupted = interrupt_code(exc)
    code = interrupted or int(ExitStatus.INTERRUPTED)
    final = [
        record if record is not None else jobs[i].interrupted(code, started=started[i])
        for i, record in enumerate(results)
    ]
    return final, interrupted
