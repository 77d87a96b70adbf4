"""``participant permissions CONV WHO... PERMS [--add | --remove]``: each participant's own
permissions, by name (talkctl/settings/permissions.py).

The listing is read first: it shows who is a moderator (the owner and moderators may always
do everything: the server refuses to change theirs, so talkctl refuses before sending, exit
5) and each participant's own (``attendeePermissions``) and effective (``permissions``)
permissions. ``--add`` and ``--remove`` on a participant with no own permissions start from
their effective ones (sent as ``set``); with own permissions they are the server's ``add`` and
``remove``. Someone who already has exactly that is unchanged and nothing is sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated

import typer

from talkctl.api.errors import ApiError
from talkctl.api.participants import Participant
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import report
from talkctl.cli.options import DryRunOption, JobsOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.cli.participant.cache import complete_participant
from talkctl.cli.participant.listing import ConvArgument
from talkctl.cli.participant.resolve import describe
from talkctl.cli.participant.run import Run, open_run, operation, read_ids
from talkctl.cli.results import Record
from talkctl.errors import UsageError
from talkctl.settings import FieldChange
from talkctl.settings.permissions import (
    CUSTOM,
    NAMES_HELP,
    parse_permissions,
    permission_names,
    stored,
)

GATE = ("conversation-permissions", "participant permissions")


def _bits(participant: Participant, key: str) -> int:
    value = participant.raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def wanted(participant: Participant, mode: str, bits: int) -> tuple[str, int, int]:
    """(the method to send, the bits to send, the permissions they will have)."""
    own = _bits(participant, "attendeePermissions")
    if mode == "set":
        return "set", bits, stored(bits)
    base = own or _bits(participant, "permissions")
    after = base | bits if mode == "add" else base & ~bits
    if own:
        return mode, bits, after | CUSTOM
    return "set", after | CUSTOM, after | CUSTOM


def explain(run: Run, who: str) -> Callable[[BaseException], str | None]:
    conv = run.target.label

    def words(exc: BaseException) -> str | None:
        if not isinstance(exc, ApiError):
            return None
        if exc.status == 403 and exc.error == "moderator":
            return f"the server refuses: {who} is a moderator of {conv} and may do everything"
        if exc.status == 403:
            return f"only moderators can change the participants of {conv}"
        if exc.status == 400 and exc.error == "room-type":
            return f"{conv} is a one-to-one conversation: it has no permissions to change"
        if exc.status == 404:
            return f"{who} is no longer in {conv} (or the conversation is gone)"
        if exc.status == 400:
            return f"the server refused those permissions for {who}"
        return None

    return words


def plan(run: Run, ref: str, mode: str, bits: int) -> Job:
    found = run.index.get(ref, run.kind)
    own = _bits(found, "attendeePermissions")
    before = permission_names(own)
    if found.is_moderator:
        record = run.record(ref, "update", found)
        record.ok, record.exit_code = False, 5
        record.error = (
            f"{describe(found)} is {found.role} of {run.target.label} and may do everything: "
            "the server refuses to change their permissions"
        )
        return Job(record)
    method, sent, after = wanted(found, mode, bits)
    if after == own:
        return Job(run.record(ref, "unchanged", found, note=f"permissions {before}"))
    change = FieldChange("permissions", before, permission_names(after))
    record = run.record(ref, "update", found, [change])

    def send() -> Record:
        answer = run.api.set_permissions(run.target.token, found, method, sent)
        if answer is None:
            return record
        now = permission_names(_bits(answer, "attendeePermissions"))
        return dataclasses.replace(record, changes=[FieldChange("permissions", before, now)])

    return run.job(record, send, explain(run, describe(found)))


def permissions(
    ctx: typer.Context,
    conv: ConvArgument,
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="User ids or attendee:ID, then PERMS: a comma list of " + NAMES_HELP,
            metavar="WHO... PERMS",
            show_default=False,
            autocompletion=complete_participant,
        ),
    ] = None,
    add: Annotated[bool, typer.Option("--add", help="Add PERMS to what they have.")] = False,
    remove: Annotated[
        bool, typer.Option("--remove", help="Take PERMS away from what they have.")
    ] = False,
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the IDs from stdin, one a line.")
    ] = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 1,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Set what participants may do, each their own (moderators only).

    PERMS is the last argument: a comma list of chat, start-call, join-call, lobby-ignore,
    audio, video, screen; or all, none (nothing at all) or default (back to the
    conversation's default permissions). --add and --remove change what they have (their
    effective permissions when they have none of their own). The owner and moderators may
    always do everything: the server refuses to change theirs.

    \b
    Examples:
      talkctl participant permissions "Town hall" alice bob chat
      talkctl participant permissions "Town hall" attendee:12 audio,video --add
    """
    if add and remove:
        raise UsageError("--add and --remove: choose one")
    mode = "add" if add else "remove" if remove else "set"
    items = list(args or [])
    if not items:
        raise UsageError("missing PERMS")
    bits = parse_permissions(items[-1])
    if mode != "set" and bits in (0, CUSTOM):
        raise UsageError(f"--{mode} takes permission names, not {items[-1]!r}")
    factory = factory_of(ctx)
    factory.conversations.require(GATE)
    output = choose_format(json_, fmt)
    refs, bulk = read_ids(factory, items[:-1], stdin)
    run = open_run(factory, conv, dry_run=dry_run)
    setting = operation(run, "permissions", lambda r, ref: plan(r, ref, mode, bits))
    results = setting.perform(factory.environment, refs, workers=jobs, single=not bulk)
    finish(report(factory.environment, results, output))
