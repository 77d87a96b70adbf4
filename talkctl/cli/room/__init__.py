"""``talkctl room``: one module per group of verbs, one small function per verb.

A new verb: write its function (a typer command function, no decorator; its docstring is
its help) in the module of its kind, and add it to ``VERBS`` below, the one place a verb is
named (the order here is the order of ``room --help``). Verb modules are imported only when
one of their verbs runs (``room list`` imports ``listing.py`` alone); ``room --help`` imports
them all.
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_LISTING = "talkctl.cli.room.listing"
_CHANGE = "talkctl.cli.room.change"
_ACCESS = "talkctl.cli.room.access"
_REMOVE = "talkctl.cli.room.remove"
_CONFIGURE = "talkctl.cli.room.configure"

# verb -> "module:function" of the command
VERBS: dict[str, str] = {
    "list": f"{_LISTING}:list_",
    "show": f"{_LISTING}:show",
    "browse": f"{_LISTING}:browse",
    "create": "talkctl.cli.room.create:create",
    "ensure": "talkctl.cli.room.ensure:ensure",
    "rename": "talkctl.cli.room.renaming:rename",
    "publish": f"{_ACCESS}:publish",
    "unpublish": f"{_ACCESS}:unpublish",
    "read-only": f"{_ACCESS}:read_only",
    "password": f"{_ACCESS}:password",
    "favorite": f"{_CHANGE}:favorite",
    "unfavorite": f"{_CHANGE}:unfavorite",
    "notify": f"{_CHANGE}:notify",
    "describe": f"{_CONFIGURE}:describe",
    "listable": f"{_CONFIGURE}:listable",
    "lobby": f"{_CONFIGURE}:lobby",
    "message-expiration": f"{_CONFIGURE}:message_expiration",
    "archive": f"{_CONFIGURE}:archive",
    "unarchive": f"{_CONFIGURE}:unarchive",
    "delete": f"{_REMOVE}:delete",
    "leave": f"{_REMOVE}:leave",
    "clear-history": "talkctl.cli.chat.clearing:clear_history",
}

room_app = typer.Typer(
    help="List, show, create and change conversations.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(room_app, VERBS)
