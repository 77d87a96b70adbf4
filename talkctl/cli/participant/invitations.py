"""``participant resend-invitations CONV [EMAIL...]``: send the invitation e-mail again.

Each EMAIL (an invited address, or ``attendee:N``) is one request for that invitee; without
EMAIL one request sends it to every e-mail invitee (the listing says how many: none is
unchanged, nothing sent). Moderators only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from talkctl.api.errors import ApiError
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import report
from talkctl.cli.options import DryRunOption, JobsOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.cli.participant.cache import complete_participant
from talkctl.cli.participant.listing import ConvArgument
from talkctl.cli.participant.resolve import describe
from talkctl.cli.participant.run import Run, open_run, operation
from talkctl.cli.results import Record
from talkctl.errors import UsageError


def _words(run: Run, who: str) -> Callable[[BaseException], str | None]:
    conv = run.target.label

    def words(exc: BaseException) -> str | None:
        if not isinstance(exc, ApiError):
            return None
        if exc.status == 403:
            return f"only moderators can resend invitations of {conv}"
        if exc.status == 404:
            return f"{who} is no longer invited to {conv} (or the conversation is gone)"
        return None

    return words


def plan_one(run: Run, ref: str) -> Job:
    found = run.index.get(ref, "email")
    if found.actor_type != "emails":
        raise UsageError(f"{describe(found)} is no e-mail invitee: nothing to resend")
    record = run.record(ref, "resend", found)

    def send() -> Record:
        run.api.resend_invitations(run.target.token, found)
        return record

    return run.job(record, send, _words(run, describe(found)))


def plan_every_invitee(run: Run, token: str) -> Job:
    """One request for every e-mail invitee of the conversation ``token`` (the run's)."""
    invitees = [p for p in run.index.participants if p.actor_type == "emails"]
    label = f"{len(invitees)} e-mail invitee" + ("" if len(invitees) == 1 else "s")
    if not invitees:
        return Job(run.record(token, "unchanged", note="no e-mail invitees"))
    record = run.record(token, "resend")
    record.member = label

    def send() -> Record:
        run.api.resend_invitations(run.target.token)
        return record

    return run.job(record, send, _words(run, label))


def resend_invitations(
    ctx: typer.Context,
    conv: ConvArgument,
    emails: Annotated[
        list[str] | None,
        typer.Argument(
            help="Invited addresses or attendee:ID (none: every e-mail invitee).",
            metavar="[EMAIL...]",
            show_default=False,
            autocompletion=complete_participant,
        ),
    ] = None,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 1,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Send the invitation e-mail again (moderators only).

    Each EMAIL (an invited address or attendee:ID) gets its own request; without EMAIL, every
    e-mail invitee of the conversation gets it (none: nothing is sent).

    \b
    Examples:
      talkctl participant resend-invitations "Town hall" guest@example.com
      talkctl participant resend-invitations "Town hall"
    """
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    run = open_run(factory, conv, "email", dry_run)
    refs = list(emails or [])
    # without EMAIL the one target is the conversation: one request for all its invitees
    resend = operation(run, "resend", plan_one if refs else plan_every_invitee)
    targets = refs or [run.target.token]
    results = resend.perform(factory.environment, targets, workers=jobs, single=len(refs) <= 1)
    finish(report(factory.environment, results, output))
