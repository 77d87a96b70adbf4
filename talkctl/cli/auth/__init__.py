"""``talkctl auth``: log in with Login Flow v2, see, list, switch and log out of accounts.

``VERBS`` is the one place a verb is named (verb -> "module:function", a typer command
function without decorator whose docstring is its help; the order of ``auth --help``).
Verb modules are imported only when one of their verbs runs (see ``talkctl.cli.lazy``).
"""

from __future__ import annotations

import typer

from talkctl.cli.lazy import lazy_verbs

_PROFILES = "talkctl.cli.auth.profiles"

# verb -> "module:function" of the command
VERBS: dict[str, str] = {
    "login": "talkctl.cli.auth.login:login",
    "status": "talkctl.cli.auth.status:status",
    "logout": "talkctl.cli.auth.logout:logout",
    "list": f"{_PROFILES}:list_",
    "switch": f"{_PROFILES}:switch",
}

auth_app = typer.Typer(
    help="Log in (Login Flow v2), show, list, switch and log out of accounts.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
lazy_verbs(auth_app, VERBS)
