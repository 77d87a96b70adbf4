"""``auth logout``: revoke the app password on the server, then forget the account locally."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from talkctl.api.transport.redact import redact_url
from talkctl.cli.auth.accounts import requested_profile
from talkctl.cli.completion import complete_profile
from talkctl.cli.options import factory_of
from talkctl.errors import CredentialsError, InContext, UsageError

if TYPE_CHECKING:
    from talkctl.accounts.config import Profile
    from talkctl.cli.context import Factory

REVOKE_HINT = "revoke it under Settings > Security > Devices & sessions"


def logout(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            metavar="NAME",
            help="Profile to log out (default: current).",
            autocompletion=complete_profile,
        ),
    ] = None,
    keep_app_password: Annotated[
        bool,
        typer.Option(
            "--keep-app-password",
            help="Only forget the account locally; the app password stays valid on the server.",
        ),
    ] = False,
) -> None:
    """Log out: revoke the app password and remove the stored account.

    Sends DELETE /ocs/v2.php/core/apppassword with the stored app password (the server
    revokes it), then removes the secret, the profile and its cache. When the server cannot
    be reached the account is still removed locally and talkctl says that the app password
    is still valid on the server (exit 7).

    Example: talkctl auth logout

    Example: talkctl auth logout --profile work --keep-app-password
    """
    from talkctl.accounts.saving import remove_account
    from talkctl.accounts.secrets import load_secret, slot_of

    factory = factory_of(ctx)
    target = _profile_to_log_out(factory, requested_profile(factory, profile))
    environment = factory.environment
    secret = load_secret(slot_of(target), environment.config_dir)
    shown = redact_url(target.server)  # an old config may hold https://user:pw@host
    problem: InContext | None = None
    if secret is None:
        environment.message(f"No stored app password for profile {target.name!r}.")
    elif keep_app_password:
        environment.message(f"The app password stays valid on {shown} (not revoked).")
    else:
        problem = _revoke(factory, target, secret)
    remove_account(environment.config_dir, environment.cache_dir, target.name)
    environment.message(f"Logged out {target.user} on {shown}: profile {target.name!r} removed.")
    if problem is not None:
        raise problem


def _profile_to_log_out(factory: Factory, name: str | None) -> Profile:
    config = factory.config
    if name is not None:
        found = config.profiles.get(name)
        if found is None:
            raise UsageError(f"no profile named {name!r} in {config.path}")
        return found
    default = config.default_name
    if default is None:
        dangling = config.dangling_default()
        if dangling is not None:
            raise dangling
        if not config.profiles:
            raise CredentialsError("not logged in: there is no stored profile")
        raise UsageError(
            "several profiles and none is the default: name one with --profile "
            f"({', '.join(sorted(config.profiles))})"
        )
    return config.profiles[default]


def _revoke(factory: Factory, target: Profile, secret: str) -> InContext | None:
    """Revoke ``secret`` on the server; the error to end with when that did not work."""
    from talkctl.api.account import revoke_app_password
    from talkctl.api.errors import ApiError, TransportError

    environment = factory.environment
    transport = factory.transport_for(
        target.server, target.user, secret, verify=factory.verify_for(target)
    )
    try:
        revoke_app_password(transport)
    except ApiError as exc:
        if exc.status == 401:
            environment.message("The app password was no longer valid on the server.")
            return None
        return _not_revoked(factory, exc)
    except TransportError as exc:
        return _not_revoked(factory, exc)
    environment.message(f"Revoked the app password on {redact_url(target.server)}.")
    return None


def _not_revoked(factory: Factory, exc: Exception) -> InContext:
    from talkctl.cli.errors import error_line

    return InContext(
        f"{error_line(exc)}; removed the account locally, but the app password is still "
        f"valid on the server: {REVOKE_HINT}",
        exc,
    )
