"""``room list`` and ``room show``."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.errors import handled
from talkctl.cli.options import factory_of
from talkctl.cli.output import (
    ConversationDetail,
    ConversationList,
    FieldsOption,
    FormatOption,
    JsonOption,
    Renderer,
    choose_format,
)
from talkctl.cli.room import room_app


def parse_fields(fields: str | None) -> list[str] | None:
    if fields is None:
        return None
    from talkctl.cli.fields import validate_fields

    return validate_fields(fields)


@room_app.command("list")
@handled
def list_(
    ctx: typer.Context,
    json_: JsonOption = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """List your conversations.

    A terminal gets a table; a pipe gets tab-separated rows. --json prints the server's
    conversation objects with every field. Never marks you online.

    Example: talkctl room list --json | jq -r '.[].token'
    """
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    chosen = parse_fields(fields)
    needs_last_message = output in ("json", "jsonl") and (not chosen or "lastMessage" in chosen)
    conversations = factory.conversations.list(include_last_message=needs_last_message)
    factory.cache.save_rooms(conversations)
    Renderer(factory.environment, output).render(ConversationList(conversations, chosen))


@room_app.command("show")
@handled
def show(
    ctx: typer.Context,
    conv: Annotated[str, typer.Argument(help="Token or exact name.", metavar="CONV")],
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Show one conversation.

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
            factory.cache.forget_room(target.token)
            exc.message = f"conversation {target.label} not found (or you are not a participant)"
        raise
    Renderer(factory.environment, output).render(ConversationDetail(conversation))
