"""``talkctl room``: one module per group of verbs, one small function per verb.

Verb modules are imported only when one of their verbs runs (``room list`` imports
``listing.py`` alone); ``room --help`` imports them all. A new verb: add it to ``VERBS``
with the module that registers it (the order here is the order of ``room --help``).
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_LISTING = "talkctl.cli.room.listing"
_CREATE = "talkctl.cli.room.create"
_CHANGE = "talkctl.cli.room.change"
_ACCESS = "talkctl.cli.room.access"
_REMOVE = "talkctl.cli.room.remove"
_CONFIGURE = "talkctl.cli.room.configure"

# verb -> module that registers it on room_app
VERBS: dict[str, str] = {
    "list": _LISTING,
    "show": _LISTING,
    "browse": _LISTING,
    "create": _CREATE,
    "ensure": "talkctl.cli.room.ensure",
    "rename": _CHANGE,
    "publish": _ACCESS,
    "unpublish": _ACCESS,
    "read-only": _ACCESS,
    "password": _ACCESS,
    "favorite": _CHANGE,
    "unfavorite": _CHANGE,
    "notify": _CHANGE,
    "describe": _CONFIGURE,
    "listable": _CONFIGURE,
    "lobby": _CONFIGURE,
    "message-expiration": _CONFIGURE,
    "archive": _CONFIGURE,
    "unarchive": _CONFIGURE,
    "delete": _REMOVE,
    "leave": _REMOVE,
}

room_app = typer.Typer(
    help="List, show, create and change conversations.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(room_app, VERBS)
