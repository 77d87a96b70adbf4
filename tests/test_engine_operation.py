"""The one engine front (cli/engine/operation.py): what every noun's change verb gets from it.

Plain jobs, no server: a plan function over string targets, as a new noun would write it."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable

import pytest

from talkctl.cli.context import Environment
from talkctl.cli.engine.jobs import Interrupted, Job
from talkctl.cli.engine.operation import Operation, report
from talkctl.cli.results import Record
from talkctl.errors import NotFound


def environment() -> Environment:
    return Environment(io.StringIO(), io.StringIO(), io.StringIO(), {})


def plan_of(sent: list[str], threads: list[str] | None = None) -> Callable[[str], Job]:
    """A noun's whole plan function: ``missing`` does not exist, ``same-*`` are one item."""

    def plan(target: str) -> Job:
        if target == "missing":
            raise NotFound("item", target)
        token = "same" if target.startswith("same") else target
        record = Record(target, token, target, "update")

        def send() -> Record:
            sent.append(target)
            if threads is not None:
                threads.append(threading.current_thread().name)
            return Record(target, token, target.upper(), "update")

        return Job(record, send)

    return plan


def test_each_target_is_planned_sent_and_reported_in_input_order() -> None:
    sent: list[str] = []
    operation = Operation[str]("changing", plan_of(sent))
    results = operation.perform(environment(), ["b", "a", "c"], workers=2, single=False)
    assert [r.name for r in results.records] == ["B", "A", "C"]
    assert sorted(sent) == ["a", "b", "c"]
    assert results.exit_code == 0


def test_a_plan_that_raises_fails_its_item_alone_with_its_exit_code() -> None:
    sent: list[str] = []
    operation = Operation[str](
        "changing", plan_of(sent), unplanned=lambda ref: Record(ref, None, None, None)
    )
    results = operation.perform(environment(), ["a", "missing", "b"], workers=1, single=False)
    failed = results.records[1]
    assert (failed.ok, failed.input, failed.exit_code) == (False, "missing", 3)
    assert failed.error is not None and "no item matches 'missing'" in failed.error
    assert sent == ["a", "b"]
    assert results.exit_code == 3  # the first failure's


def test_without_unplanned_a_plan_that_raises_stops_the_run_before_anything_is_sent() -> None:
    sent: list[str] = []
    operation = Operation[str]("changing", plan_of(sent))
    with pytest.raises(NotFound):
        operation.perform(environment(), ["a", "missing"], workers=1, single=False)
    assert sent == []


def test_a_target_that_is_a_record_already_passes_through_marked_as_the_run_is() -> None:
    sent: list[str] = []
    unresolved = Record("nope", None, None, None, ok=False, error="not found", exit_code=3)
    operation = Operation[str]("changing", plan_of(sent), dry_run=True)
    results = operation.perform(environment(), [unresolved, "a"], workers=1, single=False)
    assert results.records[0] is unresolved and unresolved.dry_run
    assert results.dry_run and results.exit_code == 3


def test_the_same_item_given_twice_is_sent_once_and_the_second_says_so() -> None:
    sent: list[str] = []
    operation = Operation[str]("changing", plan_of(sent))
    results = operation.perform(environment(), ["same-1", "same-2"], workers=2, single=False)
    assert sent == ["same-1"]
    second = results.records[1]
    assert second.action == "skip" and second.skipped == 'given twice (as "same-1" before)'


def test_same_none_keeps_every_item() -> None:
    sent: list[str] = []
    operation = Operation[str]("changing", plan_of(sent), same=None)
    operation.perform(environment(), ["same-1", "same-2"], workers=1, single=False)
    assert sent == ["same-1", "same-2"]


def test_confirm_sees_the_targets_with_something_to_send_and_may_stop_everything() -> None:
    sent: list[str] = []
    asked: list[list[str]] = []

    def confirm(targets: list[str]) -> None:
        asked.append(targets)
        raise KeyboardInterrupt  # "no": nothing may be sent

    operation = Operation[str]("changing", plan_of(sent), confirm=confirm)
    with pytest.raises(KeyboardInterrupt):
        operation.perform(environment(), ["a", "same-1", "same-2"], workers=1, single=False)
    assert asked == [["a", "same-1"]]  # the one given twice sends nothing
    assert sent == []


def test_a_dry_run_asks_nothing() -> None:
    asked: list[list[str]] = []
    operation = Operation[str]("changing", plan_of([]), dry_run=True, confirm=asked.append)
    operation.perform(environment(), ["a"], workers=1, single=True)
    assert asked == []


def test_settle_gets_the_final_records_in_the_calling_thread() -> None:
    settled: list[tuple[list[str | None], str]] = []

    def settle(records: list[Record]) -> None:
        settled.append(([r.name for r in records], threading.current_thread().name))

    operation = Operation[str]("changing", plan_of([]), settle=settle)
    operation.perform(environment(), ["a", "b"], workers=2, single=False)
    assert settled == [(["A", "B"], threading.current_thread().name)]


def test_in_this_thread_sends_in_the_calling_thread_and_a_signal_stops_the_rest() -> None:
    sent: list[str] = []
    threads: list[str] = []
    plan = plan_of(sent, threads)

    def terminated() -> Record:
        raise Interrupted(143)  # SIGTERM while this one is being sent

    def interrupting(target: str) -> Job:
        job = plan(target)
        if target == "b":
            job.send = terminated
        return job

    operation = Operation[str]("creating", interrupting, in_this_thread=True)
    results = operation.perform(environment(), ["a", "b", "c"], workers=4, single=False)
    assert threads == [threading.current_thread().name]
    assert sent == ["a"]
    assert [r.error for r in results.records] == [
        None,
        "interrupted (may have been sent)",
        "interrupted before it was sent",
    ]
    assert results.exit_code == 143


def test_report_renders_with_the_one_renderer_and_returns_the_exit_code() -> None:
    env = environment()
    operation = Operation[str](
        "changing", plan_of([]), unplanned=lambda ref: Record(ref, None, None, None)
    )
    results = operation.perform(env, ["missing"], workers=1, single=True)
    assert report(env, results, "json") == 3
    printed = json.loads(env.stdout.getvalue())  # type: ignore[attr-defined]
    assert (printed["input"], printed["ok"], printed["exit_code"]) == ("missing", False, 3)
    assert "no item matches 'missing'" in env.stderr.getvalue()  # type: ignore[attr-defined]


def test_planned_then_send_is_perform_and_nothing_is_sent_before_send() -> None:
    """A verb whose question needs the planned records (participant add/remove) plans, asks,
    then sends: the same records as ``perform``."""

    def unplanned(ref: str) -> Record:
        return Record(ref, None, None, None)

    sent: list[str] = []
    operation = Operation[str]("changing", plan_of(sent), unplanned=unplanned)
    targets = ["a", "missing", "same-1", "same-2"]
    planned = operation.planned(targets)
    assert sent == []  # a question can come in between
    assert [job.record.input for _, job in planned if job.send is not None] == ["a", "same-1"]
    results = operation.send(environment(), planned, workers=1, single=False)
    again: list[str] = []
    performed = Operation[str]("changing", plan_of(again), unplanned=unplanned).perform(
        environment(), targets, workers=1, single=False
    )
    assert sent == again == ["a", "same-1"]
    shape = [(r.input, r.ok, r.name, r.skipped, r.exit_code) for r in results.records]
    assert shape == [(r.input, r.ok, r.name, r.skipped, r.exit_code) for r in performed.records]
    assert [r.ok for r in results.records] == [True, False, True, True]
    assert results.records[3].skipped is not None and results.exit_code == 3
