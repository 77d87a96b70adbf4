"""``talkctl ban``: who may not join a conversation (API v1, ``ban-v1``).

One module of verbs (verbs.py), imported only when one of them runs; ``VERBS`` is the one
place a verb is named.
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_VERBS = "talkctl.cli.ban.verbs"

# verb -> "module:function" of the command (the order of --help)
VERBS: dict[str, str] = {
    "list": f"{_VERBS}:list_",
    "add": f"{_VERBS}:add",
    "remove": f"{_VERBS}:remove",
}

ban_app = typer.Typer(
    help="List, add and lift the bans of a conversation (moderators only).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(ban_app, VERBS)
