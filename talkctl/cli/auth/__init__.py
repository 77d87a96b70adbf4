"""``talkctl auth``: log in with Login Flow v2, see, list, switch and log out of accounts.

Verb modules are imported only when one of their verbs runs (see ``talkctl.cli.lazy``);
the order of ``VERBS`` is the order of ``auth --help``.
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_LOGIN = "talkctl.cli.auth.login"
_STATUS = "talkctl.cli.auth.status"
_LOGOUT = "talkctl.cli.auth.logout"
_PROFILES = "talkctl.cli.auth.profiles"

# verb -> module that registers it on auth_app
VERBS: dict[str, str] = {
    "login": _LOGIN,
    "status": _STATUS,
    "logout": _LOGOUT,
    "list": _PROFILES,
    "switch": _PROFILES,
}

auth_app = typer.Typer(
    help="Log in (Login Flow v2), show, list, switch and log out of accounts.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(auth_app, VERBS)
