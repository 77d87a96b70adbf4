"""``room ensure``'s run: plan everything, check it, then change what differs.

Every wish is planned against ONE listing and every problem (ambiguous name, password on a
group conversation, missing capability...) is found before the first changing request.
The plans are the targets of an ``Operation`` (cli/engine/): one job and one record each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from talkctl.cli.context import Factory
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.locks import creating_lock
from talkctl.cli.engine.operation import Operation, report
from talkctl.cli.results import Record
from talkctl.declarative.converge import Plan, Wanted, execute, plan_for
from talkctl.settings import FieldChange


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

    if plan.current is None:  # it creates: the server's refusal said as room create says it
        from talkctl.cli.room.create_run import refused_create

        return Job(record, send, refused_create)
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
        lost = {id(plan): lost_invitees(factory, plan) for plan in plans}

        def confirm(sending: list[Plan]) -> None:
            if yes:
                return
            losses = [
                Loss(p.current.display_name, p.current.token, lost[id(p)])
                for p in sending
                if lost[id(p)] and p.current is not None
            ]
            confirm_losses(factory.environment, losses)

        run = Operation[Plan](
            "converging",
            lambda plan: job_for(factory, plan, dry_run=dry_run, lost=lost[id(plan)]),
            dry_run=dry_run,
            same=None,
            confirm=confirm,
        )
        results = run.perform(factory.environment, plans, workers=jobs, single=single)
    return report(factory.environment, results, fmt)
