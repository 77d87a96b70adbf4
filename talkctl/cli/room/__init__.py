"""``talkctl room``: one module per group of verbs, one small function per verb.

A new verb: write its function (a typer command function, no decorator; its docstring is
its help) in the module of its kind, and add it to ``VERBS`` below, the one place a verb is
named (the order here is the order of ``room --help``). A setting's own verb is its entry in
talkctl/settings (``verb=True``), not a line here. Verb modules are imported only when
one of their verbs runs (``room list`` imports ``listing.py`` alone); ``room --help`` imports
them all.
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import VerbMap, lazy_verbs

_LISTING = "talkctl.cli.room.listing"
_CHANGE = "talkctl.cli.room.change"
_ACCESS = "talkctl.cli.room.access"
_REMOVE = "talkctl.cli.room.remove"
_CONFIGURE = "talkctl.cli.room.configure"


def setting_verbs() -> dict[str, str]:
    """The generic verb of each setting whose entry says so (talkctl/settings)."""
    from talkctl.settings import VERB_SETTINGS

    return {setting.name: f"{_CONFIGURE}:{setting.key}" for setting in VERB_SETTINGS}


def setting_verb_doc(verb: str) -> str:
    """The help of a setting's verb, from its entry (a TAB imports no verb module)."""
    import inspect

    from talkctl.settings import VERB_SETTINGS

    found = [s.verb_help for s in VERB_SETTINGS if s.name == verb]
    return inspect.cleandoc(found[0]) if found else ""


# verb -> "module:function" of the command; the settings' verbs follow "describe"
VERBS = VerbMap(
    {
        "list": f"{_LISTING}:list_",
        "show": f"{_LISTING}:show",
        "browse": f"{_LISTING}:browse",
        "create": "talkctl.cli.room.create:create",
        "ensure": "talkctl.cli.room.ensure:ensure",
        "rename": "talkctl.cli.room.renaming:rename",
        "publish": f"{_ACCESS}:publish",
        "unpublish": f"{_ACCESS}:unpublish",
        "password": f"{_ACCESS}:password",
        "favorite": f"{_CHANGE}:favorite",
        "unfavorite": f"{_CHANGE}:unfavorite",
        "important": f"{_CHANGE}:important",
        "unimportant": f"{_CHANGE}:unimportant",
        "describe": f"{_CONFIGURE}:describe",
        "lobby": f"{_CONFIGURE}:lobby",
        "permissions": "talkctl.cli.room.permissions:permissions",
        "avatar": "talkctl.cli.room.avatar:avatar",
        "archive": f"{_CONFIGURE}:archive",
        "unarchive": f"{_CONFIGURE}:unarchive",
        "delete": f"{_REMOVE}:delete",
        "leave": f"{_REMOVE}:leave",
        "clear-history": "talkctl.cli.chat.clearing:clear_history",
    },
    more=setting_verbs,
    after="describe",
    more_doc=setting_verb_doc,
)

room_app = typer.Typer(
    help="List, show, create and change conversations.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(room_app, VERBS)
