"""The one engine's jobs (cli/engine/jobs.py): a signal at any moment of a run loses no
record of a job that ran, and never calls a job that was sent "not sent". Signals are
simulated where they would land (no real signal, no timing): while the jobs are still being
handed to the pool."""

from __future__ import annotations

import io
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from talkctl.cli.context import Environment
from talkctl.cli.engine import jobs as runner
from talkctl.cli.engine.jobs import Interrupted, Job, run_jobs
from talkctl.cli.results import Record


def environment() -> Environment:
    return Environment(io.StringIO(), io.StringIO(), io.StringIO(), {})


def jobs_of(count: int, sent: list[int]) -> list[Job]:
    def job(index: int) -> Job:
        planned = Record(f"c{index}", f"tok{index}", action="update")

        def send() -> Record:
            sent.append(index)
            return Record(f"c{index}", f"tok{index}", name="after", action="update")

        return Job(planned, send)

    return [job(i) for i in range(count)]


def test_a_signal_while_jobs_are_handed_to_the_pool_keeps_the_sent_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM lands after the first job was handed over and has run, before the second is."""
    handed: list[Future[Any]] = []

    class SignalOnSecondSubmit(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            if handed:
                handed[0].result(30)  # the first job has run
                raise Interrupted(143)
            handed.append(super().submit(fn, *args, **kwargs))
            return handed[0]

    monkeypatch.setattr(runner, "ThreadPoolExecutor", SignalOnSecondSubmit)
    sent: list[int] = []
    records, interrupted = run_jobs(environment(), jobs_of(4, sent), workers=1, description="x")
    assert interrupted == 143 and sent == [0]
    assert (records[0].ok, records[0].name) == (True, "after")  # sent: its real record
    assert [(r.ok, r.error, r.exit_code) for r in records[1:]] == [
        (False, "interrupted before it was sent", 143)
    ] * 3


def test_a_job_that_started_but_could_not_finish_may_have_been_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C once the first job is being sent, and again while it finishes: that job is
    "may have been sent", never "not sent"."""
    entered, release = threading.Event(), threading.Event()
    sent: list[int] = []
    jobs = jobs_of(2, sent)
    send = jobs[0].send
    assert send is not None

    def slow_send() -> Record:
        entered.set()
        release.wait(30)
        return send()

    jobs[0].send = slow_send

    class TwoSignals(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            super().submit(fn, *args, **kwargs)
            entered.wait(30)  # the first job is being sent
            raise Interrupted(130)

        def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
            raise Interrupted(130)  # the second Ctrl-C, before the started job is done

    monkeypatch.setattr(runner, "ThreadPoolExecutor", TwoSignals)
    try:
        records, interrupted = run_jobs(environment(), jobs, workers=1, description="x")
    finally:
        release.set()  # let the worker thread end
    assert interrupted == 130
    assert (records[0].ok, records[0].error) == (False, "interrupted (may have been sent)")
    assert records[1].error == "interrupted before it was sent"
