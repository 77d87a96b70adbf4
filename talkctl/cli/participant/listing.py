"""``participant list``."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.api.participants import Participant
from talkctl.cli.completion import complete_choices, complete_conversation
from talkctl.cli.fields import Column, Noun
from talkctl.cli.options import factory_of
from talkctl.cli.output import FormatOption, JsonOption, Renderer, choose_format
from talkctl.errors import UsageError

ROLES = ("owner", "moderator", "user", "guest")
# the documented participant fields (participant.md) and those recorded on Talk 22
FIELDS = frozenset(
    [
        "attendeeId",
        "actorType",
        "actorId",
        "invitedActorId",
        "displayName",
        "participantType",
        "lastPing",
        "inCall",
        "permissions",
        "attendeePermissions",
        "attendeePin",
        "sessionId",
        "sessionIds",
        "status",
        "statusIcon",
        "statusMessage",
        "roomToken",
        "phoneNumber",
        "callId",
        "userId",
    ]
)


def shown_permissions(participant: Participant) -> str | None:
    """What they may do, by name (their effective ``permissions``), marked ``(own)`` when
    they have permissions of their own (``attendeePermissions``); empty when not listed."""
    from talkctl.settings.permissions import permission_names

    effective, own = participant.raw.get("permissions"), participant.raw.get("attendeePermissions")
    if not isinstance(effective, int) or isinstance(effective, bool):
        return None
    mine = isinstance(own, int) and not isinstance(own, bool) and own != 0
    return permission_names(effective) + (" (own)" if mine else "")


PARTICIPANT: Noun[Participant] = Noun(
    "participant",
    columns=[
        Column("attendeeId", "ATTENDEE", lambda p: p.attendee_id),
        Column("kind", "KIND", lambda p: p.kind),
        Column("id", "ID", lambda p: p.match_id),
        Column("displayName", "NAME", lambda p: p.display_name),
        Column("role", "ROLE", lambda p: p.role),
        Column("inCall", "IN CALL", lambda p: "yes" if p.in_call else "no"),
        Column("permissions", "PERMISSIONS", lambda p: shown_permissions(p)),
    ],
    raw=lambda p: p.raw,
    fields=FIELDS,
)

ConvArgument = Annotated[
    str,
    typer.Argument(
        help="The conversation: token or exact name.",
        metavar="CONV",
        autocompletion=complete_conversation,
        show_default=False,
    ),
]


def parse_roles(roles: list[str]) -> set[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise UsageError(f"unknown --role {unknown[0]!r}: choose from {', '.join(ROLES)}")
    return set(roles)


def list_(
    ctx: typer.Context,
    conv: ConvArgument,
    roles: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            help="Only this role (repeatable): owner, moderator, user, guest.",
            autocompletion=complete_choices("owner", "moderator", "user", "guest"),
            metavar="ROLE",
            show_default=False,
        ),
    ] = None,
    json_: JsonOption = False,
    fmt: FormatOption = None,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            help="Comma-separated fields of the participant objects (e.g. attendeeId,actorId).",
            metavar="F1,F2",
        ),
    ] = None,
) -> None:
    """List the participants of a conversation.

    Shows each one's attendee id, kind (user, group, email, team, federated, guest, ...),
    id (an e-mail invitee's address), display name, role and whether in a call; --json
    prints the server's participant objects. The list is saved for TAB completion of
    participant IDs.

    \b
    Example: talkctl participant list "Team chat"
    Example: talkctl participant list "Team chat" --role moderator --json
    """
    from talkctl.cli.participant.run import open_run

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    wanted = parse_roles(roles or [])
    chosen = PARTICIPANT.parse_fields(fields)
    people = open_run(factory, conv).index.participants
    if wanted:
        people = [p for p in people if p.role in wanted]
    Renderer(factory.environment, output).items(PARTICIPANT, people, chosen)
