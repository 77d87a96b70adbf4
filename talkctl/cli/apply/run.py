"""Runs ``apply`` on the one engine (cli/engine/): plan every conversation of the file,
then carry the plans out.

Planning reads (one room listing, participant and group listings) and sends nothing; a
conversation whose planning fails is reported and the others go on. Then each plan is carried
out, ``--jobs`` conversations at a time, the steps of one conversation in order. The result is
one record (results.py) per conversation, in file order, with its membership changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from talkctl.cli.context import Factory
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import Operation
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.results import Record, Results
from talkctl.declarative.applyfile import Entry
from talkctl.declarative.applying import (
    ConversationPlan,
    MembershipIO,
    SharedGroups,
    execute,
    plan_entry,
)
from talkctl.declarative.bots import BotIO
from talkctl.declarative.membership import MemberChange
from talkctl.errors import UsageError
from talkctl.settings.permissions import resets_words


@dataclass
class ApplyRecord(Record):
    """The result record of one conversation of the file: its settings' ``changes`` and,
    in JSON, its membership changes after them (field ``participants`` / ``moderators``,
    ``from`` null for an addition, ``to`` null for a removal) and the ``notes`` on what was
    left alone."""

    membership: list[MemberChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)  # steps carried out (real runs)
    plan: ConversationPlan | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["changes"] += [change.to_change() for change in self.membership]
        data["notes"] = list(self.notes)
        return data


def planned(entry: Entry, plan: ConversationPlan, *, dry_run: bool) -> ApplyRecord:
    current = plan.current
    return ApplyRecord(
        entry.name,
        plan.token,
        current.display_name if current is not None else entry.name,
        plan.action,
        changes=plan.changes(),
        dry_run=dry_run,
        membership=list(plan.membership.changes),
        notes=[
            *entry.notes,
            *plan.membership.notes,
            *plan.bots.notes,
            *_resets(plan),
            *(own.note for own in plan.permissions if own.again),
        ],
        plan=plan,
    )


def _resets(plan: ConversationPlan) -> list[str]:
    if not plan.resets:
        return []
    return [f"default permissions: {resets_words(len(plan.resets))} ({', '.join(plan.resets)})"]


def is_planned(record: Record) -> TypeGuard[ApplyRecord]:
    """The record of an entry planned without a problem (it holds its plan)."""
    return isinstance(record, ApplyRecord) and record.ok and record.plan is not None


def planned_records(records: Sequence[Record]) -> list[ApplyRecord]:
    return [record for record in records if is_planned(record)]


def asks_first(records: Sequence[Record]) -> list[str]:
    """What the real run of these plans asks before sending (refused without --yes where
    nobody can answer): a dry run says it, so a script learns it before the real run."""
    plans = [r.plan for r in planned_records(records) if r.plan is not None]
    lost = sum(len(plan.membership.of("drop")) for plan in plans)
    resets = sum(len(plan.resets) for plan in plans)
    reasons = []
    if lost:
        reasons.append(f"unpublishing removes {lost} e-mail invitee{'' if lost == 1 else 's'}")
    if resets:
        reasons.append(f"setting the default permissions {resets_words(resets)}")
    return reasons


def confirm_resets(factory: Factory, records: Sequence[Record]) -> None:
    """Before anything is sent: a plan whose new default permissions reset participants' own
    permissions the file does not set again is asked on a terminal, refused without --yes
    elsewhere (as ``room permissions``)."""
    total = sum(len(record.plan.resets) for record in planned_records(records) if record.plan)
    if not total:
        return
    words = resets_words(total)
    environment = factory.environment
    if not environment.stdin_isatty:
        raise UsageError(
            f"refusing without --yes: setting the default permissions {words}; nothing was changed"
        )
    from talkctl.cli.prompts import confirm

    if not confirm(environment, f"Setting the default permissions {words}. Continue?"):
        raise UsageError("not confirmed: nothing was changed")


def confirm_losses(factory: Factory, records: Sequence[Record]) -> None:
    """Before anything is sent: a plan that unpublishes a conversation with e-mail invitees
    (the server removes them) is asked on a terminal and refused without --yes elsewhere."""
    from talkctl.cli.room.unpublishing import Loss
    from talkctl.cli.room.unpublishing import confirm_losses as confirm

    losses = [
        Loss(record.name or "", record.token or "", [c.actor_id for c in lost])
        for record in planned_records(records)
        if record.plan is not None and (lost := record.plan.membership.of("drop"))
    ]
    confirm(factory.environment, losses)


def apply_entries(
    factory: Factory,
    entries: Sequence[Entry],
    io: MembershipIO | None,
    *,
    dry_run: bool,
    jobs: int,
    yes: bool = False,
    bot_io: BotIO | None = None,
) -> Results:
    """Plan (and unless ``dry_run`` carry out) every entry: the records in file order.

    Two operations (cli/engine/): planning, whose jobs read and plan one entry each, then
    carrying out, whose targets are the entries planned (a failed or unchanged one passes
    through as its record)."""
    env = factory.environment
    planning = Operation[Entry](
        "planning", planner(factory, io, bot_io, dry_run=dry_run), dry_run=dry_run, same=None
    )
    results = planning.perform(env, entries, workers=jobs, single=False)
    if not results.interrupted:
        refuse_twice(results.records)
    if dry_run:
        return results
    if results.interrupted:  # what was planned was never carried out: not sent
        code = results.interrupted
        records = [
            Job(record).interrupted(code, started=False) if _to_send(record) else record
            for record in results.records
        ]
        return dataclasses.replace(results, records=records)

    def confirm(sending: list[Planned]) -> None:
        if not yes:
            confirm_losses(factory, [record for record, _ in sending])
            confirm_resets(factory, [record for record, _ in sending])

    carrying_out = Operation[Planned](
        "applying", carrier(factory, io, bot_io), same=None, confirm=confirm
    )
    planned = [
        (record, record.plan) if _to_send(record) and isinstance(record, ApplyRecord)
        and record.plan is not None else record
        for record in results.records
    ]  # fmt: skip
    return carrying_out.perform(env, planned, workers=jobs, single=False)


def refuse_twice(records: Sequence[Record]) -> None:
    """Two entries of the file that found the same conversation (by name and by token):
    their plans contradict each other, and every run would change it again. Exit 2 before
    anything is sent, as for a name given twice in the file."""
    first: dict[str, Entry] = {}
    for record in records:
        if not isinstance(record, ApplyRecord) or record.plan is None or record.token is None:
            continue
        entry = record.plan.entry
        earlier = first.setdefault(record.token, entry)
        if earlier is not entry:
            raise UsageError(
                f"the entries at lines {earlier.line} and {entry.line} are the same "
                f"conversation ({record.token}): give it one [[conversation]]; nothing was "
                "changed"
            )


def _to_send(record: Record) -> bool:
    """A planned entry that changes something (a failed or unchanged one passes through)."""
    return is_planned(record) and record.plan is not None and record.plan.action != "unchanged"


Planned = tuple["ApplyRecord", ConversationPlan]  # an entry's record and its plan


def planner(
    factory: Factory, io: MembershipIO | None, bot_io: BotIO | None, *, dry_run: bool
) -> Callable[[Entry], Job]:
    """The planning job of one entry: it reads (participants, groups, bots) and sends nothing;
    a problem fails that entry alone."""
    api = factory.conversations
    force = factory.client.capabilities.force_passwords
    listing = factory.resolver.listing()
    me = factory.me  # the user id: the login name may differ (ADMIN, an e-mail)
    groups = SharedGroups(io) if io is not None else None

    def planning(entry: Entry) -> Job:
        unplanned = ApplyRecord(entry.name, entry.token, entry.name, None, dry_run=dry_run)

        def plan() -> Record:
            found = plan_entry(entry, listing, io, groups, me, force_passwords=force, bot_io=bot_io)
            for operation in found.settings.requirements():
                api.require(operation)  # a missing capability: exit 6, nothing sent
            found.settings.check(factory.client.capabilities)  # or configuration
            if found.permissions:  # own permissions on a server without them: exit 6
                factory.client.capabilities.require(
                    "conversation-permissions", "participant permissions"
                )
            return planned(entry, found, dry_run=dry_run)

        return Job(unplanned, plan)

    return planning


def carrier(
    factory: Factory, io: MembershipIO | None, bot_io: BotIO | None
) -> Callable[[Planned], Job]:
    """The job that carries out one entry's plan, its steps in order; a failure says which
    steps were done before it."""
    from talkctl.cli.room.create_run import refused_create

    api = factory.conversations

    def carrying_out(target: Planned) -> Job:
        record, plan = target

        def send() -> Record:
            steps: list[str] = []
            made: list[str] = []  # the token of the conversation created
            try:
                done = execute(api, io, plan, steps, bot_io, created=made.append)
            except Exception as exc:
                steps = (["created"] if made else []) + steps
                before = f" (done before: {', '.join(steps)})" if steps else ""
                words = refused_create(exc) if plan.current is None and not made else None
                if made:
                    factory.cache.forget_room(made[0])
                return dataclasses.replace(
                    record,
                    token=made[0] if made else record.token,
                    ok=False,
                    error=(words or error_line(exc)) + before,
                    exit_code=int(exit_status_for(exc)),
                    done=steps,
                )
            factory.cache.forget_room(done.token)  # the next listing refreshes it
            name = done.conversation.display_name if done.conversation else record.name
            return dataclasses.replace(
                record, token=done.token, name=name, conversation=done.conversation, done=steps
            )

        return Job(record, send)

    return carrying_out
