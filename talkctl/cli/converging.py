"""Runs ``room ensure`` and ``apply`` on the one engine: plan everything, check it, then
change what differs.

Every wish is planned against ONE listing and every problem (ambiguous name, password on a
group conversation, missing capability...) is found before the first changing request.
Each plan becomes one job of the engine (runner.py) and one record (results.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence

from talkctl.cli.context import Factory
from talkctl.cli.output import Renderer
from talkctl.cli.results import Record, Results
from talkctl.cli.runner import Job, run_jobs
from talkctl.declarative.converge import Plan, Wanted, execute, plan_for
from talkctl.settings import FieldChange

CREATE_LOCK = "create.lock"  # in the account's cache directory


@contextlib.contextmanager
def creating_lock(factory: Factory, *, dry_run: bool) -> Iterator[None]:
    """Held by a run that may create conversations (``apply``, ``room create``, ``room
    ensure``) from before it reads the listing until it is done: a second run for the same
    account waits (up to 30 s, then exit 2 as a held config lock) and then sees what the
    first one made. A dry run changes nothing and takes no lock."""
    from talkctl.accounts.locks import LockUnavailable, held
    from talkctl.errors import TalkctlError

    if dry_run:
        yield
        return
    try:
        cache = factory.cache
    except TalkctlError:  # no credentials: the command says so itself
        yield
        return
    environment = factory.environment

    def waiting(pid: str) -> None:
        by = f" (process {pid})" if pid else ""
        environment.message(
            f"waiting for another talkctl run creating conversations as {cache.user} on "
            f"{cache.server}{by}"
        )

    what = f"creating conversations as {cache.user} on {cache.server}"
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(held(cache.dir / CREATE_LOCK, what, waiting=waiting))
        except LockUnavailable as exc:  # an unwritable cache: go on, and say what it risks
            environment.warn(f"{exc}: a run at the same time could create the same again")
        yield


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


def lost_invitees(factory: Factory, plan: Plan) -> list[str]:
    """The e-mail invitees the server removes when ``plan`` unpublishes a conversation (one
    participant listing, only then)."""
    from talkctl.api.participants import ParticipantsApi
    from talkctl.declarative.addresses import email_invitees

    unpublishes = any(c.field == "type" and c.after == "group" for c in plan.changes)
    if plan.current is None or not unpublishes:
        return []
    participants = ParticipantsApi(factory.client).list(plan.current.token)
    return email_invitees(p.raw for p in participants)


def planned(plan: Plan, *, dry_run: bool, lost: Sequence[str] = ()) -> Record:
    """The record of a plan before anything is sent (``lost``: e-mail invitees it loses)."""
    current = plan.current
    return Record(
        plan.wanted.name,
        plan.token,
        current.display_name if current is not None else plan.wanted.name,
        plan.action,
        changes=[*plan.changes, *(FieldChange("participants", f"email {a}", None) for a in lost)],
        dry_run=dry_run,
    )


def job_for(factory: Factory, plan: Plan, *, dry_run: bool, lost: Sequence[str] = ()) -> Job:
    record = planned(plan, dry_run=dry_run, lost=lost)
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
    yes: bool = False,
) -> int:
    """Plan, then print the plan or execute it (losing e-mail invitees needs ``yes`` or an
    answer on a terminal). Returns the exit code."""
    from talkctl.cli.room.unpublishing import Loss, confirm_losses

    with creating_lock(factory, dry_run=dry_run):
        plans = plan_all(factory, wishes)
        lost = [lost_invitees(factory, plan) for plan in plans]
        if not dry_run and not yes:
            losses = [
                Loss(p.current.display_name, p.current.token, addresses)
                for p, addresses in zip(plans, lost, strict=True)
                if addresses and p.current is not None
            ]
            confirm_losses(factory.environment, losses)
        work = [
            job_for(factory, plan, dry_run=dry_run, lost=addresses)
            for plan, addresses in zip(plans, lost, strict=True)
        ]
        records, interrupted = run_jobs(
            factory.environment, work, workers=jobs, description="converging"
        )
    results = Results(records, single=single, dry_run=dry_run, interrupted=interrupted)
    Renderer(factory.environment, fmt).results(results)
    return results.exit_code
