"""``participant list``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from talkctl.api.participants import Participant
from talkctl.cli.completion import complete_conversation
from talkctl.cli.options import factory_of
from talkctl.cli.output import FormatOption, JsonOption, Renderer, choose_format
from talkctl.cli.participant import participant_app
from talkctl.errors import UsageError

ROLES = ("owner", "moderator", "user", "guest")
# documented participant fields (participant.md) and those recorded on Talk 22
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
COLUMNS = ("ATTENDEE", "KIND", "ID", "NAME", "ROLE", "IN CALL")

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


def parse_fields(spec: str | None) -> list[str] | None:
    if spec is None:
        return None
    fields = [f.strip() for f in spec.split(",") if f.strip()]
    unknown = [f for f in fields if f not in FIELDS]
    if not fields or unknown:
        raise UsageError(
            f"unknown field(s) {', '.join(unknown) or '(none given)'}; "
            f"valid fields: {', '.join(sorted(FIELDS))}"
        )
    return fields


def row(p: Participant) -> list[str]:
    attendee = "" if p.attendee_id is None else str(p.attendee_id)
    return [attendee, p.kind, p.match_id, p.display_name, p.role, "yes" if p.in_call else "no"]


class ParticipantRenderer(Renderer):
    def participants(self, people: list[Participant], fields: list[str] | None) -> None:
        from talkctl.cli.jsonout import write_json_or_lines

        if self.fmt in ("json", "jsonl"):
            objects: list[Any] = [
                {f: p.raw.get(f) for f in fields} if fields else dict(p.raw) for p in people
            ]
            write_json_or_lines(self.env, self.fmt, objects)
            return
        if fields:
            rows = [
                ["" if p.raw.get(f) is None else str(p.raw.get(f)) for f in fields] for p in people
            ]
            self._rows(fields, rows)
        else:
            self._rows(list(COLUMNS), [row(p) for p in people])
        self.env.stdout.flush()


@participant_app.command("list")
def list_(
    ctx: typer.Context,
    conv: ConvArgument,
    roles: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            help="Only this role (repeatable): owner, moderator, user, guest.",
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
    chosen = parse_fields(fields)
    people = open_run(factory, conv).index.participants
    if wanted:
        people = [p for p in people if p.role in wanted]
    ParticipantRenderer(factory.environment, output).participants(people, chosen)
