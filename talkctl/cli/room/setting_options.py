"""The options of ``room create`` and ``room ensure`` for the settings of the one table: the
flag, its help and its shape come from talkctl/settings.py (one shape everywhere); and the
``CONV... VALUE`` argument of the verbs that set one of them."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.completion import complete_choices, complete_conversation_or
from talkctl.settings import (
    ARCHIVED,
    DESCRIPTION,
    LISTABLE_SETTING,
    LOBBY,
    MESSAGE_EXPIRATION,
    NOTIFY_SETTING,
    READ_ONLY,
    Setting,
)


def _option(setting: Setting) -> typer.models.OptionInfo:
    """The flag of ``setting``; TAB completes its fixed values (``on``, ``off``, ...)."""
    choices = [v for v in setting.metavar.split("|") if v.islower()]
    return typer.Option(  # type: ignore[no-any-return]
        f"--{setting.name}",
        help=setting.help,
        metavar=setting.metavar,
        show_default=False,
        autocompletion=complete_choices(*choices) if choices else None,
    )


DescriptionOption = Annotated[str | None, _option(DESCRIPTION)]
ReadOnlyOption = Annotated[str | None, _option(READ_ONLY)]
ListableOption = Annotated[str | None, _option(LISTABLE_SETTING)]
LobbyOption = Annotated[str | None, _option(LOBBY)]
MessageExpirationOption = Annotated[str | None, _option(MESSAGE_EXPIRATION)]
ArchivedOption = Annotated[str | None, _option(ARCHIVED)]
NotifyOption = Annotated[str | None, _option(NOTIFY_SETTING)]


def _value_argument(value: str, metavar: str, *choices: str) -> typer.models.ArgumentInfo:
    """``CONV... VALUE``: conversations, then the value (the last argument); TAB completes
    ``choices`` (else the fixed words of ``metavar``), then conversations."""
    words = choices or tuple(v for v in metavar.split("|") if v.islower())
    return typer.Argument(  # type: ignore[no-any-return]
        help=f"CONV... {value}",
        metavar=f"CONV... {metavar}",
        autocompletion=complete_conversation_or(*words),
    )


OnOffArguments = Annotated[list[str], _value_argument("on|off", "on|off")]
ListableArguments = Annotated[list[str], _value_argument("SCOPE", LISTABLE_SETTING.metavar)]
ExpirationArguments = Annotated[
    list[str],
    _value_argument("DURATION", MESSAGE_EXPIRATION.metavar, "off", "1h", "1d", "1w", "4w"),
]
NotifyArguments = Annotated[list[str], _value_argument("LEVEL", NOTIFY_SETTING.metavar)]
