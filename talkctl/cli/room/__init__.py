"""``talkctl room``: one module per group of verbs, one small function per verb."""

from __future__ import annotations

import typer

room_app = typer.Typer(
    help="List, show, create and change conversations.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

from talkctl.cli.room import listing  # noqa: E402,F401,I001  (registers verbs, in help order)
from talkctl.cli.room import create  # noqa: E402,F401
from talkctl.cli.room import change  # noqa: E402,F401
from talkctl.cli.room import remove  # noqa: E402,F401
