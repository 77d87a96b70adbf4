"""The options of ``room create`` and ``room ensure`` for the settings of the one table: the
flag, its help and its shape come from talkctl/settings.py (one shape everywhere)."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.completion import complete_choices
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
