"""Runs ``room ensure`` and ``apply`` on the one engine: plan everything, check it, then
change what differs.

Every wish is planned against ONE listing and every problem (ambiguous name, password on a
group conversation, missing capability...) is found before the first changing request.
Each plan becomes one job of the engine (runner.py) and one record (results.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from talkctl.cli.context import Factory
from talkctl.cli.output import Renderer
from talkctl.cli.results import Record, Results
from talkctl.cli.runner import Job, run_jobs
from talkctl.declarative.converge import Plan, Wanted, execute, plan_for


def plan_all(factory: Factory, wishes: Sequence[Wanted]) -> list[Plan]:
    """Plan every wish against one listing; the first problem raises (nothing was sent)."""
    api = factory.conversations
    force = factory.client.capabilities.force_passwords
    listing = factory.resolver.listing()
    plans = [plan_for(wish, listing, force_passwords=force) for wish in wishes]
    for operation in dict.fromkeys(op for plan in plans for op in plan.requirements()):
        api.require(operation)
    for plan in plans:
        plan.check(factory.client.capabilities)
    return plans


def planned(plan: Plan, *, dry_run: bool) -> Record:
    """The record of a plan before anything is sent."""
    current = plan.current
    return Record(
        plan.wanted.name,
        plan.token,
        current.display_name if current is not None else plan.wanted.name,
        plan.action,
        changes=list(plan.changes),
        dry_run=dry_run,
    )


def job_for(factory: Factory, plan: Plan, *, dry_run: bool) -> Job:
    record = planned(plan, dry_run=dry_run)
    if dry_run or plan.action == "unchanged":
        return Job(record)

    def send() -> Record:
        outcome = execute(factory.conversations, plan)
        factory.cache.forget_room(outcome.token)  # the next listing refreshes it
        done = dataclasses.replace(record, token=outcome.token, conversation=outcome.conversation)
        if outcome.conversation is not None:
            done.name = outcome.conversation.display_name
        return done

    return Job(record, send)


def converge(
    factory: Factory,
    wishes: Sequence[Wanted],
    *,
    dry_run: bool,
    fmt: str,
    single: bool,
    jobs: int = 1,
) -> int:
    """Plan, then print the plan or execute it. Returns the exit code."""
    plans = plan_all(factory, wishes)
    work = [job_for(factory, plan, dry_run=dry_run) for plan in plans]
    records, interrupted = run_jobs(
        factory.environment, work, workers=jobs, description="converging"
    )
    results = Results(records, single=single, dry_run=dry_run, interrupted=interrupted)
    Renderer(factory.environment, fmt).results(results)
    return results.exit_code
