"""``talkctl breakout``: split a group conversation into breakout rooms, start them, talk to
all of them, stop them, remove them.

One module per group of verbs, one small function per verb (no decorator; its docstring is
its help), imported only when one of its verbs runs. ``VERBS`` is the one place a verb is
named.
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_VERBS = "talkctl.cli.breakout.verbs"

# verb -> "module:function" of the command (the order of --help)
VERBS: dict[str, str] = {
    "create": "talkctl.cli.breakout.create:create",
    "list": f"{_VERBS}:list_",
    "start": f"{_VERBS}:start",
    "stop": f"{_VERBS}:stop",
    "broadcast": f"{_VERBS}:broadcast",
    "move": "talkctl.cli.breakout.create:move",
    "remove": f"{_VERBS}:remove",
}

breakout_app = typer.Typer(
    help="Split a group conversation into breakout rooms, start, stop and remove them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(breakout_app, VERBS)
