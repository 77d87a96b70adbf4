"""``auth list`` and ``auth switch``: the stored profiles and which one is the default."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.accounts.config import check_profile_name
from talkctl.api.transport.redact import redact_url
from talkctl.cli.auth.render import ProfileRow, render_profiles
from talkctl.cli.completion import complete_profile
from talkctl.cli.options import factory_of
from talkctl.cli.output import JsonOption
from talkctl.errors import UsageError


def list_(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List the stored profiles; the default one is marked with '*'.

    Sends no request. Columns: default mark, name, server, user, where the secret is kept.

    Example: talkctl auth list

    Example: talkctl auth list --json | jq -r '.[] | select(.default) | .name'
    """
    factory = factory_of(ctx)
    config = factory.config
    default = config.default_name
    rows = [
        # a config from before talkctl refused them may hold https://user:pw@host
        ProfileRow(p.name, redact_url(p.server), p.user, p.store, p.name == default)
        for p in config.profiles.values()
    ]
    if not rows and not json_:
        factory.environment.message("No profiles: run 'talkctl auth login SERVER_URL'.")
    render_profiles(factory.environment, rows, json_)


def switch(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="Profile to make the default.", autocompletion=complete_profile
        ),
    ],
) -> None:
    """Make a stored profile the default one.

    Commands without --profile (or TALKCTL_PROFILE) then use it.

    Example: talkctl auth switch work
    """
    from talkctl.accounts.saving import set_default

    factory = factory_of(ctx)
    profile = set_default(factory.environment.config_dir, check_profile_name(name))
    if profile is None:
        known = ", ".join(sorted(factory.config.profiles)) or "none"
        raise UsageError(f"no profile named {name!r} (profiles: {known})")
    factory.environment.message(
        f"Default profile: {profile.name} ({profile.user} on {redact_url(profile.server)})."
    )
