"""The verbs of the settings table: the generic ``room NAME CONV... VALUE`` verb of every
setting whose entry says ``verb`` (built from the entry on first use: ``room listable``,
``room read-only``, ``room message-expiration``, ...), and the verbs with a shape of their
own: describe, lobby, archive, unarchive. Each accepts several CONVs, --stdin, --dry-run,
--jobs and --json/--format, and exits 6 sending nothing when the server lacks the feature."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated

import typer

from talkctl.cli.completion import complete_conversation
from talkctl.cli.engine.targets import split_last
from talkctl.cli.options import ChangeOptions, ConvsArgument, change_verb, factory_of
from talkctl.cli.room.change import run_parsed, run_setting
from talkctl.cli.room.setting_options import value_argument
from talkctl.errors import UsageError
from talkctl.settings import (
    ARCHIVED,
    DESCRIPTION,
    DESCRIPTION_LIMIT,
    LOBBY,
    VERB_SETTINGS,
    Lobby,
    Setting,
    parse_when,
)


def setting_verb(setting: Setting) -> Callable[..., None]:
    """The command function of ``room NAME CONV... VALUE`` for ``setting``: its help is the
    entry's ``verb_help``, its argument the entry's values."""

    def verb(ctx: typer.Context, args: list[str], options: ChangeOptions) -> None:
        run_parsed(ctx, setting, args, options)

    verb.__annotations__ = {
        "ctx": typer.Context,
        "args": Annotated[list[str], value_argument(setting)],
        "options": ChangeOptions,
        "return": None,
    }
    verb.__name__ = verb.__qualname__ = setting.key
    verb.__doc__ = inspect.cleandoc(setting.verb_help)
    return change_verb(verb)  # type: ignore[no-any-return]


@functools.cache
def __getattr__(name: str) -> Callable[..., None]:
    """``configure:read_only`` (room/__init__.py's VERBS): the verb of that setting."""
    for setting in VERB_SETTINGS:
        if setting.key == name:
            return setting_verb(setting)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def description_limit(ctx: typer.Context) -> int:
    """The server's maximum (config.conversations.description-length), else 500."""
    config = factory_of(ctx).client.capabilities.conversations_config()
    value = config.get("description-length")
    return value if isinstance(value, int) and value > 0 else DESCRIPTION_LIMIT


@change_verb
def describe(
    ctx: typer.Context,
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="CONV... TEXT (TEXT '-' reads it from stdin)",
            metavar="CONV... TEXT|-",
            autocompletion=complete_conversation,
            show_default=False,
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the description.")] = False,
    *,
    options: ChangeOptions,
) -> None:
    """Set (or --clear) the description of a conversation.

    The text is the last argument; '-' reads it from stdin (then --stdin cannot be used).
    A text longer than the server's maximum (500 where it does not say) is refused before
    anything is sent.

    \b
    Examples:
      talkctl room describe "Team chat" "Daily sync at 9:30"
      talkctl room describe "Team chat" - < description.txt
      talkctl room describe "Team chat" --clear
    """
    factory = factory_of(ctx)
    if clear:
        convs, text = list(args or []), ""
    else:
        convs, text = split_last(args, "TEXT", options.stdin)
    if text == "-" and not clear:
        if options.stdin:
            raise UsageError("TEXT '-' and --stdin both want stdin: use one")
        text = factory.environment.stdin.read().rstrip("\n")
    limit = description_limit(ctx)
    if len(text) > limit:
        raise UsageError(f"the description has {len(text)} characters; the limit is {limit}")
    run_setting(ctx, DESCRIPTION, convs, text, options)


LobbyArguments = Annotated[list[str], value_argument(LOBBY, "on|off")]


@change_verb
def lobby(
    ctx: typer.Context,
    args: LobbyArguments,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="When Talk turns the lobby off: 2026-12-24T18:00 (local time unless it has "
            "an offset), or +2h, +3d.",
            metavar="WHEN",
        ),
    ] = None,
    *,
    options: ChangeOptions,
) -> None:
    """Turn the lobby on (only moderators get in) or off.

    With --until the server turns it off again at that time; a time in the past is
    refused.

    \b
    Examples:
      talkctl room lobby "Town hall" on --until 2026-12-24T18:00
      talkctl room lobby "Town hall" on --until +2h
      talkctl room lobby "Town hall" off
    """
    convs, state = split_last(args, "the state (on or off)", options.stdin)
    if state not in ("on", "off"):
        raise UsageError(f"lobby must be on or off, not {state!r} (a time goes in --until)")
    if until is not None and state == "off":
        raise UsageError("--until goes with 'on' (the time the lobby is turned off)")
    value = Lobby(state == "on", parse_when(until) if until is not None else 0)
    run_setting(ctx, LOBBY, convs, value, options)


@change_verb
def archive(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    *,
    options: ChangeOptions,
) -> None:
    """Archive a conversation (for you only: it leaves your main list).

    'room list --archived' shows them; 'room unarchive' brings one back.

    Example: talkctl room archive "Old project"
    """
    run_setting(ctx, ARCHIVED, convs or [], True, options)


@change_verb
def unarchive(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    *,
    options: ChangeOptions,
) -> None:
    """Bring an archived conversation back to your main list.

    The opposite of 'room archive'; it changes nothing for the others.

    Example: talkctl room unarchive "Old project"
    """
    run_setting(ctx, ARCHIVED, convs or [], False, options)
