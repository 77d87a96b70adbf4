"""``talkctl participant``: who is in a conversation, and changing that.

One module per group of verbs, one small function per verb, imported only when one of its
verbs runs (``participant list`` imports ``listing.py`` alone).
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_CHANGE = "talkctl.cli.participant.change"

# verb -> module that registers it on participant_app (the order of --help)
VERBS: dict[str, str] = {
    "list": "talkctl.cli.participant.listing",
    "add": _CHANGE,
    "remove": _CHANGE,
    "promote": _CHANGE,
    "demote": _CHANGE,
}

participant_app = typer.Typer(
    help="List, add, remove, promote and demote the participants of a conversation.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(participant_app, VERBS)
