"""``talkctl chat``: a conversation's messages, for moderators and archivists.

One small function per verb, named once in ``VERBS`` (the order of ``chat --help``); verb
modules are imported only when one of their verbs runs.
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_MESSAGES = "talkctl.cli.chat.messages"

# verb -> "module:function" of the command
VERBS: dict[str, str] = {
    "export": "talkctl.cli.chat.export:export",
    "list": f"{_MESSAGES}:list_",
    "send": "talkctl.cli.chat.sending:send",
    "delete": f"{_MESSAGES}:delete",
    "edit": f"{_MESSAGES}:edit",
}

chat_app = typer.Typer(
    help="Export, list, send, delete and edit chat messages.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(chat_app, VERBS)
