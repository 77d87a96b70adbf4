"""``ban list``, ``ban add`` and ``ban remove``: one small function per verb.

``ban add`` reads the participant listing first (as the participant verbs do): banning a
member removes them from the conversation (the plan says so), and lifting the ban does not
bring them back; banning yourself or a moderator is refused before sending, as the server
refuses it (400 ``self``, ``moderator``: exit 6). An e-mail invitee is banned by their
attendee id (``attendee:N``): banning the bare address makes a ban that leaves the invitee
in, so it is refused. IP addresses and ranges (``192.0.2.1``, ``198.51.100.0/24``) are banned
as such.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable
from typing import Annotated

import typer

from talkctl.api.bans import NOTE_LIMIT, Ban, BansApi
from talkctl.api.errors import ApiError
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import report
from talkctl.cli.fields import Column, Noun, Time
from talkctl.cli.options import DryRunOption, JobsOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, Renderer, choose_format
from talkctl.cli.participant.cache import complete_participant
from talkctl.cli.participant.listing import ConvArgument
from talkctl.cli.participant.resolve import attendee_number, describe
from talkctl.cli.participant.run import Run, open_run, operation
from talkctl.cli.results import Record
from talkctl.errors import UsageError

BANNABLE = ("users", "guests", "emails")  # actor types a ban names (besides ip)
REJECTED = 6  # the exit code of the server's 400 (README exit table)

BAN: Noun[Ban] = Noun(
    "ban",
    columns=[
        Column("id", "BAN", lambda b: b.id),
        Column("bannedActorType", "KIND", lambda b: b.actor_type),
        Column("bannedActorId", "ID", lambda b: b.actor_id),
        Column("bannedDisplayName", "NAME", lambda b: b.display_name),
        Column("moderatorActorId", "BY", lambda b: b.moderator),
        Column("bannedTime", "SINCE", lambda b: Time(b.time)),
        Column("internalNote", "NOTE", lambda b: b.note),
    ],
    raw=lambda b: b.raw,
    fields=frozenset(
        [
            "id",
            "moderatorActorType",
            "moderatorActorId",
            "moderatorDisplayName",
            "bannedActorType",
            "bannedActorId",
            "bannedDisplayName",
            "bannedTime",
            "internalNote",
        ]
    ),
)


def list_(
    ctx: typer.Context,
    conv: ConvArgument,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """List the bans of a conversation (moderators only).

    Shows each ban's id (what 'ban remove' takes), the kind and id of who is banned (a
    user, a guest, an e-mail invitee, an IP address or range), who banned them, since when,
    and the note moderators see.

    Example: talkctl ban list "Town hall"
    """
    factory = factory_of(ctx)
    target = factory.resolver.resolve(conv)
    bans = BansApi(factory.client).list(target.token)
    Renderer(factory.environment, choose_format(json_, fmt)).items(BAN, bans, None)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _refused(run: Run, ref: str, words: str, member: str | None = None) -> Job:
    record = run.record(ref, "ban")
    record.member = member or ref
    record.ok, record.error, record.exit_code = False, words, REJECTED
    return Job(record)


def explain(run: Run, who: str) -> Callable[[BaseException], str | None]:
    conv = run.target.label

    def words(exc: BaseException) -> str | None:
        if not isinstance(exc, ApiError):
            return None
        reasons = {
            "self": "you cannot ban yourself",
            "moderator": f"{who} is a moderator of {conv}: demote them first",
            "room": f"{conv} is a one-to-one conversation: nobody can be banned there",
            "bannedActor": f"{who} cannot be banned (users, guests, e-mail invitees, IP "
            "addresses and ranges can)",
            "internalNote": f"the note is too long (at most {NOTE_LIMIT} characters)",
        }
        if exc.status == 400 and exc.error in reasons:
            return f"the server refuses: {reasons[exc.error]}"
        if exc.status == 403:
            return f"only moderators can ban in {conv}"
        return None

    return words


def plan_ban(run: Run, ref: str, note: str) -> Job:
    """The planned record of banning ``ref`` and what sends it."""
    if _is_address(ref):
        actor_type, actor_id, found = "ip", ref, None
    elif attendee_number(ref) is not None:
        found = run.index.get(ref, "user")
        actor_type, actor_id = found.actor_type, found.actor_id
        if actor_type not in BANNABLE:
            raise UsageError(
                f"{describe(found)}: only users, guests and e-mail invitees can be banned"
            )
    elif "@" in ref:
        raise UsageError(
            f"{ref!r}: ban an e-mail invitee by their attendee id (attendee:N, see 'participant "
            "list'): a ban of the bare address would leave them in"
        )
    else:
        actor_type, actor_id, found = "users", ref, run.index.find(ref, "user")
    who = describe(found) if found is not None else f"{actor_type} {actor_id}"
    if actor_type == "users" and actor_id == run.me:
        return _refused(run, ref, "the server refuses: you cannot ban yourself", who)
    if found is not None and found.is_moderator:
        words = f"the server refuses: {who} is a moderator of {run.target.label}: demote first"
        return _refused(run, ref, words, who)
    removes = f"removes them from {run.target.label}" if found is not None else None
    record = run.record(ref, "ban", found, note=removes)
    record.member = who
    record.extra["ban"] = None

    def send() -> Record:
        ban = BansApi(run.factory.client).add(run.target.token, actor_type, actor_id, note)
        return dataclasses.replace(record, extra={**record.extra, "ban": dict(ban.raw)})

    return run.job(record, send, explain(run, who))


def plan_unban(run: Run, ban: str) -> Job:
    """The planned record of lifting ban number ``ban`` and what sends it."""
    record = run.record(ban, "unban")
    record.member = f"ban {ban}"

    def send() -> Record:
        BansApi(run.factory.client).remove(run.target.token, int(ban))
        return record

    return run.job(record, send, explain(run, f"ban {ban}"))


WhoArgument = Annotated[
    list[str],
    typer.Argument(
        help="User ids, attendee:ID (guests, e-mail invitees), IP addresses or ranges.",
        metavar="WHO...",
        show_default=False,
        autocompletion=complete_participant,
    ),
]


def add(
    ctx: typer.Context,
    conv: ConvArgument,
    who: WhoArgument,
    note: Annotated[
        str, typer.Option("--note", help="A note only moderators see.", metavar="TEXT")
    ] = "",
    dry_run: DryRunOption = False,
    jobs: JobsOption = 1,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Ban users, guests, e-mail invitees or IP addresses from a conversation.

    Banning a participant removes them from the conversation, and lifting the ban ('ban
    remove') does not bring them back. You cannot ban yourself or a moderator (refused
    before anything is sent); an e-mail invitee is banned by attendee:ID. The note is shown
    to moderators only.

    \b
    Examples:
      talkctl ban add "Town hall" bob --note "spamming"
      talkctl ban add "Town hall" 198.51.100.0/24
    """
    if len(note) > NOTE_LIMIT:
        raise UsageError(f"the note has {len(note)} characters; the limit is {NOTE_LIMIT}")
    factory = factory_of(ctx)
    factory.client.capabilities.require("ban-v1", "bans")
    output = choose_format(json_, fmt)
    run = open_run(factory, conv, dry_run=dry_run)
    banning = operation(run, "ban", lambda r, ref: plan_ban(r, ref, note))
    results = banning.perform(factory.environment, who, workers=jobs, single=len(who) <= 1)
    finish(report(factory.environment, results, output))


def remove(
    ctx: typer.Context,
    conv: ConvArgument,
    bans: Annotated[
        list[str],
        typer.Argument(
            help="Ban ids ('ban list' shows them).", metavar="BAN...", show_default=False
        ),
    ],
    dry_run: DryRunOption = False,
    jobs: JobsOption = 1,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Lift bans of a conversation by their ids (moderators only).

    The banned may join (or be added) again; someone whom the ban removed is not added back.
    An id that is no ban of this conversation is no error on the server.

    Example: talkctl ban remove "Town hall" 29
    """
    numbers: list[int] = []
    for text in bans:
        if not text.isdigit():
            raise UsageError(f"{text!r} is no ban id: use the number 'ban list' shows")
        numbers.append(int(text))
    factory = factory_of(ctx)
    factory.client.capabilities.require("ban-v1", "bans")
    output = choose_format(json_, fmt)
    run = open_run(factory, conv, dry_run=dry_run)
    lifting = operation(run, "unban", plan_unban)
    ids = [str(number) for number in dict.fromkeys(numbers)]  # 29 and 029: one ban
    results = lifting.perform(factory.environment, ids, workers=jobs, single=len(numbers) <= 1)
    finish(report(factory.environment, results, output))
