"""``room create``."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.api.errors import ApiError
from talkctl.api.models import CONVERSATION_TYPES_BY_NAME, ConversationType
from talkctl.cli.completion import complete_choices
from talkctl.cli.context import Factory
from talkctl.cli.options import DryRunOption, PasswordStdinOption, factory_of
from talkctl.cli.output import ConversationDetail, FormatOption, JsonOption, Renderer, choose_format
from talkctl.cli.prompts import password_from_stdin
from talkctl.cli.room import room_app
from talkctl.errors import InContext, UsageError

CREATABLE = ("group", "public", "one-to-one")
SOURCES = ("groups", "circles")


@room_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Name of the new conversation.", metavar="NAME")
    ] = None,
    type_: Annotated[
        str,
        typer.Option(
            "--type",
            help="group, public or one-to-one.",
            metavar="TYPE",
            autocompletion=complete_choices("group", "public", "one-to-one"),
        ),
    ] = "group",
    invite: Annotated[
        str | None,
        typer.Option(
            "--invite", help="User id (one-to-one), or group/circle id to add.", metavar="ID"
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="What --invite names: groups or circles.",
            autocompletion=complete_choices("groups", "circles"),
        ),
    ] = None,
    password_stdin: PasswordStdinOption = False,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Create a conversation.

    Group and public conversations need a NAME; a one-to-one takes --type one-to-one and the
    other user's id in --invite (if it already exists, you get the existing one). A public
    conversation can be protected from the start with --password-stdin.

    \b
    Examples:
      talkctl room create "Team chat" --invite staff --source groups
      talkctl room create --type one-to-one --invite alice
      printf '%s\\n' "$PW" | talkctl room create "Town hall" --type public --password-stdin
    """
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    if type_ not in CREATABLE:
        raise UsageError(f"--type must be one of {', '.join(CREATABLE)}, not {type_!r}")
    room_type = CONVERSATION_TYPES_BY_NAME[type_]
    if source is not None:
        if source not in SOURCES:
            raise UsageError(f"--source must be groups or circles, not {source!r}")
        if invite is None:
            raise UsageError("--source needs --invite")
        if room_type == ConversationType.ONE_TO_ONE:
            raise UsageError("--source is only for group and public conversations")
    if room_type == ConversationType.ONE_TO_ONE:
        if not invite:
            raise UsageError("a one-to-one conversation needs --invite USER_ID")
        if name is not None:
            raise UsageError("a one-to-one conversation takes no name (it is named after the user)")
        if password_stdin:
            raise UsageError("--password-stdin needs --type public")
    else:
        if name is None or not name.strip():
            raise UsageError("the conversation name must not be empty or only white space")
        if invite is not None and source is None:
            source = "groups"
    if password_stdin and room_type != ConversationType.PUBLIC:
        raise UsageError(
            "--password-stdin needs --type public (a group conversation cannot have a password)"
        )
    password = password_from_stdin(factory.environment) if password_stdin else None
    api = factory.conversations
    capabilities = factory.client.capabilities
    if room_type == ConversationType.PUBLIC and password is None and capabilities.force_passwords:
        raise UsageError(
            "this server requires a password for public conversations: "
            "pass it with --password-stdin"
        )
    if dry_run:
        if source == "circles":
            api.require("circles")  # what the create would check, without sending it
        _print_plan(factory, output, type_, name or invite or "", invite, source, password)
        return
    try:
        if password is None:
            conversation, created = api.create(room_type, name=name, invite=invite, source=source)
        else:
            conversation, created = api.create_with_password(
                room_type, password, name=name, invite=invite, source=source
            )
    except ApiError as exc:
        if exc.status == 404:
            raise InContext(f"cannot invite {invite!r}: no such {source or 'user'}", exc) from exc
        if exc.status == 400 and room_type == ConversationType.PUBLIC and exc.server_message:
            message = f"the server refused the conversation: {exc.server_message}"
            raise InContext(message, exc) from exc
        raise
    if created:
        message = f"Created {type_} conversation {conversation.display_name} ({conversation.token})"
    else:
        message = f"A one-to-one conversation with {invite} already exists ({conversation.token})"
    factory.cache.remember_room(conversation)
    Renderer(factory.environment, output).render(ConversationDetail(conversation, message))


def _print_plan(
    factory: Factory,
    output: str,
    type_: str,
    name: str,
    invite: str | None,
    source: str | None,
    password: str | None,
) -> None:
    """--dry-run: say what would be created; nothing is sent."""
    from talkctl.cli.results import ItemResult, Plan, ResultRenderer

    action = f"would create a {type_} conversation"
    if type_ == "one-to-one":
        action += f" with {invite} (or get the existing one)"
    elif invite:
        action += f" and add {source or 'groups'} {invite}"
    if password is not None:
        action += " with a password"
    plan = Plan([ItemResult(None, name, True, True, message=action)], bulk=False)
    ResultRenderer(factory.environment, output).render(plan)
