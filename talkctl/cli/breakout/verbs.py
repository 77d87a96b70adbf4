"""``breakout list``, ``start``, ``stop``, ``broadcast`` and ``remove``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import typer

from talkctl.api.models import Conversation
from talkctl.cli.fields import Column, Noun
from talkctl.cli.options import YesOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, Renderer, choose_format
from talkctl.cli.participant.listing import ConvArgument


@dataclass(frozen=True)
class BreakoutRoom:
    room: Conversation
    status: str  # the parent's: started or stopped
    people: tuple[str, ...]  # actor ids of its participants


BREAKOUT_ROOM: Noun[BreakoutRoom] = Noun(
    "breakout room",
    columns=[
        Column("token", "TOKEN", lambda b: b.room.token),
        Column("name", "NAME", lambda b: b.room.display_name),
        Column("status", "STATUS", lambda b: b.status),
        Column("participants", "PARTICIPANTS", lambda b: ", ".join(b.people)),
    ],
    raw=lambda b: b.room.raw,
)


def list_(
    ctx: typer.Context, conv: ConvArgument, json_: JsonOption = False, fmt: FormatOption = None
) -> None:
    """List the breakout rooms of a conversation, their participants and status.

    --json prints the server's conversation objects of the breakout rooms. The server
    refuses the listing to non-moderators while the rooms are stopped (exit 6).

    Example: talkctl breakout list "Team chat"
    """
    from talkctl.api.breakout import status_name
    from talkctl.cli.breakout.run import call, check_has_rooms, open_parent

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    api, target = open_parent(factory, conv)
    check_has_rooms(target)
    rooms = call(target.label, lambda: api.rooms(target.token))
    people = call(target.label, lambda: api.participants(target.token))
    state = target.conversation.raw if target.conversation is not None else {}
    status = status_name(_int(state.get("breakoutRoomStatus")))
    items = [
        BreakoutRoom(
            room,
            status,
            tuple(p.match_id for p in people if p.raw.get("roomToken") == room.token),
        )
        for room in rooms
    ]
    Renderer(factory.environment, output).items(BREAKOUT_ROOM, items, None)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _status(ctx: typer.Context, conv: str, start: bool, json_: bool, fmt: str | None) -> None:
    from talkctl.cli.breakout.run import call, change_parent, check_has_rooms, open_parent
    from talkctl.settings import FieldChange

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    api, target = open_parent(factory, conv)
    check_has_rooms(target)
    send = api.start if start else api.stop
    state = target.conversation.raw if target.conversation is not None else {}
    before = "started" if state.get("breakoutRoomStatus") == 1 else "stopped"
    after = "started" if start else "stopped"
    code = change_parent(
        factory,
        output,
        target,
        FieldChange("breakout rooms", before, after),
        lambda: call(target.label, lambda: send(target.token)),
        description="starting breakout rooms" if start else "stopping breakout rooms",
    )
    finish(code)


def start(
    ctx: typer.Context, conv: ConvArgument, json_: JsonOption = False, fmt: FormatOption = None
) -> None:
    """Start the breakout rooms: participants can join them (their lobby opens).

    Starting rooms that are started already changes nothing. Non-moderators can list the
    rooms only while they are started.

    Example: talkctl breakout start "Team chat"
    """
    _status(ctx, conv, True, json_, fmt)


def stop(
    ctx: typer.Context, conv: ConvArgument, json_: JsonOption = False, fmt: FormatOption = None
) -> None:
    """Stop the breakout rooms: everybody goes back to the main conversation.

    The rooms stay (with their chats and who is in which) until 'breakout remove'; start
    them again with 'breakout start'.

    Example: talkctl breakout stop "Team chat"
    """
    _status(ctx, conv, False, json_, fmt)


def broadcast(
    ctx: typer.Context,
    conv: ConvArgument,
    message: Annotated[str, typer.Argument(help="The message for every breakout room.")],
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Post a message into every breakout room of a conversation (moderators).

    The rooms need not be started. The message is sent as you typed it (Markdown as in the
    chat); an empty one, or one longer than the server's config.chat.max-length, is refused
    before anything is sent.

    Example: talkctl breakout broadcast "Team chat" "Five minutes left"
    """
    from talkctl.api.chat import ChatApi
    from talkctl.cli.breakout.run import call, change_parent, check_has_rooms, open_parent
    from talkctl.cli.chat.sending import check_length
    from talkctl.errors import UsageError
    from talkctl.settings import FieldChange

    if not message.strip():
        raise UsageError("the message must not be empty")
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    api, target = open_parent(factory, conv)
    check_length(ChatApi(factory.client), message)  # a chat message in every room
    check_has_rooms(target)
    code = change_parent(
        factory,
        output,
        target,
        FieldChange("broadcast", None, message),
        lambda: call(target.label, lambda: api.broadcast(target.token, message)),
        description="broadcasting",
    )
    finish(code)


def remove(
    ctx: typer.Context, conv: ConvArgument, yes: YesOption = False, json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:  # fmt: skip
    """Delete the breakout rooms of a conversation (and their chats).

    Asks on a terminal; refuses without --yes otherwise. Also clears the breakout room mode a
    refused create left behind.

    Example: talkctl breakout remove "Team chat" --yes
    """
    from talkctl.api.breakout import mode_name
    from talkctl.cli.breakout.run import call, change_parent, open_parent
    from talkctl.cli.prompts import confirm
    from talkctl.errors import UsageError
    from talkctl.settings import FieldChange

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    api, target = open_parent(factory, conv)
    environment = factory.environment
    state = target.conversation.raw if target.conversation is not None else {}
    mode = _int(state.get("breakoutRoomMode")) or 0
    before = mode_name(mode)
    if not yes and mode:
        if not environment.stdin_isatty:
            raise UsageError(
                "refusing to remove breakout rooms without --yes (stdin is not a terminal)"
            )
        if not confirm(environment, f"Delete the breakout rooms of {target.label}?"):
            raise UsageError("not confirmed: nothing was changed")

    def removed() -> list[Conversation]:
        parent = call(target.label, lambda: api.remove(target.token))
        return [parent] if parent is not None else []  # the parent, as the server answered

    code = change_parent(
        factory,
        output,
        target,
        FieldChange("breakout rooms", before, "none"),
        removed,
        description="removing breakout rooms",
        unchanged=None if mode else "it has no breakout rooms",
    )
    finish(code)
