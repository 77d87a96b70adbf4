"""``talkctl bot``: the bots an administrator installed, per conversation.

One module per group of verbs, one small function per verb (no decorator; its docstring is
its help), imported only when one of its verbs runs. ``VERBS`` is the one place a verb is
named.
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_CHANGE = "talkctl.cli.bot.change"

# verb -> "module:function" of the command (the order of --help)
VERBS: dict[str, str] = {
    "list": "talkctl.cli.bot.listing:list_",
    "enable": f"{_CHANGE}:enable",
    "disable": f"{_CHANGE}:disable",
}

bot_app = typer.Typer(
    help="List the installed bots; enable or disable one in conversations.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(bot_app, VERBS)
