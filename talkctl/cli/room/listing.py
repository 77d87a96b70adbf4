"""``room list``, ``room show`` and ``room browse``."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.api.models import CONVERSATION_TYPES_BY_NAME
from talkctl.cli.completion import complete_choices, complete_conversation
from talkctl.cli.filters import SORT_KEYS
from talkctl.cli.options import factory_of
from talkctl.cli.output import FieldsOption, FormatOption, JsonOption, Renderer, choose_format


def parse_fields(fields: str | None) -> list[str] | None:
    if fields is None:
        return None
    from talkctl.cli.room.columns import CONVERSATION

    return CONVERSATION.parse_fields(fields)


TypesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        help="Only this type (repeatable): group, public, one-to-one, former-one-to-one, "
        "note-to-self, changelog.",
        metavar="TYPE",
        show_default=False,
        autocompletion=complete_choices(*CONVERSATION_TYPES_BY_NAME),
    ),
]
ObjectTypesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--object-type",
        help="Only conversations bound to this kind of object (repeatable; e.g. file, "
        "share:password, room, event; '' for those bound to nothing).",
        metavar="TYPE",
        show_default=False,
    ),
]


def list_(
    ctx: typer.Context,
    types: TypesOption = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="Only names matching this glob (case-sensitive).", metavar="GLOB"
        ),
    ] = None,
    favorite: Annotated[bool, typer.Option("--favorite", help="Only favorites.")] = False,
    unread: Annotated[bool, typer.Option("--unread", help="Only with unread messages.")] = False,
    mentioned: Annotated[
        bool, typer.Option("--mentioned", help="Only where you have an unread mention.")
    ] = False,
    public: Annotated[
        bool, typer.Option("--public", help="Only public conversations (open to guests).")
    ] = False,
    has_password: Annotated[
        bool, typer.Option("--has-password", help="Only password-protected ones.")
    ] = False,
    read_only: Annotated[bool, typer.Option("--read-only", help="Only read-only ones.")] = False,
    inactive: Annotated[
        str | None,
        typer.Option(
            "--inactive",
            help="Only without activity for this long (90d, 12h; s/m/h/d/w).",
            metavar="DURATION",
        ),
    ] = None,
    active: Annotated[
        str | None,
        typer.Option(
            "--active", help="Only with activity within this long (12h, 7d).", metavar="DURATION"
        ),
    ] = None,
    archived: Annotated[
        bool | None,
        typer.Option(
            "--archived/--not-archived",
            help="Only archived / only not archived.",
            show_default=False,
        ),
    ] = None,
    object_types: ObjectTypesOption = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            help="Order: activity (most recent first) or name. Default: favorites first, "
            "then by activity, as Talk shows them.",
            metavar="KEY",
            autocompletion=complete_choices(*SORT_KEYS),
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most N conversations.", metavar="N")
    ] = None,
    json_: JsonOption = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """List your conversations, optionally filtered.

    A terminal gets a table; a pipe gets tab-separated rows (csv has a header row). --json
    prints the server's conversation objects with every field. Filters combine (all must
    hold). Never marks you online.

    \b
    Examples:
      talkctl room list --json | jq -r '.[].token'
      talkctl room list --inactive 90d --type group --json | talkctl room delete --stdin --yes
      talkctl room list --unread --sort activity --limit 10 --fields token,displayName
    """
    import time

    from talkctl.cli.filters import Selection, parse_age, parse_types

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    chosen = parse_fields(fields)
    selection = Selection(
        types=parse_types(types or []),
        name_glob=name,
        favorite=favorite,
        unread=unread,
        mentioned=mentioned,
        public=public,
        has_password=has_password,
        read_only=read_only,
        inactive_for=parse_age(inactive, "--inactive") if inactive is not None else None,
        active_within=parse_age(active, "--active") if active is not None else None,
        archived=archived,
        object_types=frozenset(object_types or []),
        sort=sort,
        limit=limit,
    )
    # ask the server only for what is printed: whole objects, or a chosen lastMessage field
    needs_last_message = "lastMessage" in chosen if chosen else output in ("json", "jsonl")
    conversations = factory.conversations.list(include_last_message=needs_last_message)
    factory.cache.save_rooms(conversations)
    selected = selection.apply(conversations, int(time.time()))
    from talkctl.cli.room.columns import CONVERSATION

    Renderer(factory.environment, output).items(CONVERSATION, selected, chosen)


def show(
    ctx: typer.Context,
    conv: Annotated[
        str,
        typer.Argument(
            help="Token or exact name.", metavar="CONV", autocompletion=complete_conversation
        ),
    ],
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Show one conversation.

    A terminal gets a summary of its settings; --json prints the server's conversation
    object with every field. CONV is a token or an exact name.

    Example: talkctl room show "Team chat" --json
    """
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    target = factory.resolver.resolve(conv)
    try:
        conversation = factory.conversations.get(target.token)
    except Exception as exc:
        from talkctl.api.errors import ApiError

        if isinstance(exc, ApiError) and exc.status == 404:
            from talkctl.errors import InContext

            factory.cache.forget_room(target.token)
            message = f"conversation {target.label} not found (or you are not a participant)"
            raise InContext(message, exc) from exc
        raise
    from talkctl.cli.room.columns import CONVERSATION, conversation_details

    if conversation.raw.get("breakoutRoomMode"):  # a parent: how many (one more listing)
        from talkctl.cli.breakout.run import how_many

        factory.environment.message(how_many(factory, conversation))
    rows = conversation_details(conversation, factory.credentials.server)
    Renderer(factory.environment, output).detail(CONVERSATION, conversation, rows)


def browse(
    ctx: typer.Context,
    search: Annotated[
        str | None,
        typer.Argument(
            help="Only conversations whose name contains this (the server searches).",
            metavar="SEARCH",
            show_default=False,
        ),
    ] = None,
    json_: JsonOption = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """List the conversations you may join but are not in.

    These are the listable (open) conversations of the server: listable to its users or to
    everyone. Joins nothing. Output as 'room list': a table on a terminal, tab-separated rows
    on a pipe, --json with the server's objects. Needs a server with listable conversations
    (Talk 11+; exit 6 elsewhere, sending nothing).

    \b
    Examples:
      talkctl room browse
      talkctl room browse project --json | jq -r '.[].token'
      talkctl room browse --format csv --fields token,displayName,description
    """
    from talkctl.cli.room.columns import LISTED

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    chosen = parse_fields(fields)
    conversations = factory.conversations.listed(search)
    conversations.sort(key=lambda c: (c.display_name.casefold(), c.display_name, c.token))
    Renderer(factory.environment, output).items(LISTED, conversations, chosen)
