"""``talkctl participant``: who is in a conversation, and changing that.

One module per group of verbs, one small function per verb (no decorator; its docstring is
its help), imported only when one of its verbs runs (``participant list`` imports
``listing.py`` alone). ``VERBS`` is the one place a verb is named.
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_CHANGE = "talkctl.cli.participant.change"

# verb -> "module:function" of the command (the order of --help)
VERBS: dict[str, str] = {
    "list": "talkctl.cli.participant.listing:list_",
    "add": f"{_CHANGE}:add",
    "remove": f"{_CHANGE}:remove",
    "promote": f"{_CHANGE}:promote",
    "demote": f"{_CHANGE}:demote",
    "hand-over": "talkctl.cli.participant.handover:hand_over",
    "permissions": "talkctl.cli.participant.permissions:permissions",
    "resend-invitations": "talkctl.cli.participant.invitations:resend_invitations",
    "import": "talkctl.cli.participant.importing:import_",
}

participant_app = typer.Typer(
    help="List, add, import, remove, promote, demote, hand over participants; permissions.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(participant_app, VERBS)
