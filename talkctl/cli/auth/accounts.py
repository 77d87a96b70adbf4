"""The cli side of storing accounts: which profile a verb means. Saving and removing live
in ``talkctl.accounts.saving`` (no typer, no rich); the verbs word what happened."""

from __future__ import annotations

from talkctl.accounts.config import check_profile_name
from talkctl.cli.context import Factory


def requested_profile(factory: Factory, own: str | None) -> str | None:
    """The subcommand's --profile wins over the global one (and TALKCTL_PROFILE)."""
    name = own or factory.options.profile
    return check_profile_name(name) if name else None
