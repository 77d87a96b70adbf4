"""``auth login``: Login Flow v2 in a browser, or an app password on stdin for scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar
from urllib.parse import urlsplit

import typer

from talkctl.accounts.credentials import is_plain_http_remote, normalize_server
from talkctl.accounts.saving import (
    SavedAccount,
    check_store_name,
    refuse_shared_secret_files,
    save_account,
)
from talkctl.accounts.secrets import check_store
from talkctl.cli.auth.accounts import requested_profile
from talkctl.cli.completion import complete_choices
from talkctl.cli.options import factory_of
from talkctl.errors import CredentialsError, UsageError

if TYPE_CHECKING:
    from talkctl.api.account import AccountInfo
    from talkctl.api.transport.http import Transport
    from talkctl.cli.context import Factory

T = TypeVar("T")


def login(
    ctx: typer.Context,
    server_url: Annotated[
        str | None,
        typer.Argument(
            metavar="SERVER_URL",
            help="Nextcloud address (https:// is assumed; a pasted app path is dropped).",
            show_default=False,
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", metavar="NAME", help="Profile to store the account under."),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", metavar="LOGIN", help="Login name (with --app-password-stdin)."),
    ] = None,
    app_password_stdin: Annotated[
        bool,
        typer.Option(
            "--app-password-stdin",
            help="Read an app password from the first line of stdin instead of the browser "
            "login (at a terminal: asked for, not echoed).",
        ),
    ] = False,
    store: Annotated[
        str,
        typer.Option(
            "--store",
            metavar="keyring|file",
            autocompletion=complete_choices("keyring", "file"),
            help="Where to keep the app password: the system keyring (default) or a file only "
            "you can read (for machines without a keyring, e.g. cron).",
        ),
    ] = "keyring",
) -> None:
    """Log in to a Nextcloud server and store an app password.

    Without --app-password-stdin: starts Nextcloud's Login Flow v2, prints the login page
    (and opens it in a browser when one is available), waits up to 20 minutes for you to
    grant access, then stores the server and login name in a profile and the app password in
    the system keyring. Your real password never reaches talkctl. With --app-password-stdin
    (for provisioning scripts) the app password is verified before anything is stored; given
    the account's real password, talkctl stores a newly created app password instead.

    Environment (advanced, and for tests): TALKCTL_LOGIN_TIMEOUT (seconds to wait, default
    1200), TALKCTL_LOGIN_POLL_INTERVAL (seconds between polls, default 2), TALKCTL_NO_BROWSER
    (never open a browser; BROWSER chooses one).

    Example: talkctl auth login cloud.example.com

    \b
    Example: talkctl auth login https://cloud.example.com --user alice --app-password-stdin < pw

    Example: talkctl auth login cloud.example.com --profile work --store file
    """
    factory = factory_of(ctx)
    check_store_name(store)
    name = requested_profile(factory, profile)
    server = _server_to_use(factory, server_url, name)
    check_store(store)
    if is_plain_http_remote(server):
        factory.environment.warn(f"{server} uses plain http: the app password crosses the network")
    if app_password_stdin:
        saved, info = _login_with_app_password(
            factory, server, user or factory.options.user, name, store
        )
    else:
        if user:
            raise UsageError("--user is only used with --app-password-stdin")
        saved, info = _login_in_browser(factory, server, name, store)
    _report(factory, saved, info)


def _server_to_use(factory: Factory, given: str | None, profile_name: str | None) -> str:
    if given:
        return normalize_server(given)
    if factory.options.server:
        return normalize_server(factory.options.server)
    known = factory.config.profiles.get(profile_name) if profile_name else None
    if known is not None:
        return known.server
    raise UsageError("give the server address: talkctl auth login https://cloud.example.com")


def _transport(factory: Factory, server: str, user: str | None, secret: str | None) -> Transport:
    known = factory.config.find(server, user) if user else None
    return factory.transport_for(server, user, secret, verify=factory.verify_for(known))


def _read_secret(factory: Factory) -> str:
    environment = factory.environment
    if environment.stdin_isatty:  # typed at a terminal: never echoed onto the screen
        import getpass

        line = getpass.getpass("App password: ", stream=environment.stderr).strip()
    else:
        line = environment.stdin.readline().lstrip("\ufeff").strip()  # an editor's BOM
    if not line:
        raise UsageError("--app-password-stdin: no app password on stdin")
    return line


def _check_file_target(factory: Factory, name: str | None, server: str, user: str) -> None:
    """Refuse early (before any login) a secret file that others can read."""
    refuse_shared_secret_files(factory.config, factory.environment.config_dir, name, server, user)


def _save(
    factory: Factory, name: str | None, server: str, user: str, secret: str, store: str
) -> SavedAccount:
    return save_account(
        factory.environment.config_dir,
        requested=name,
        server=server,
        user=user,
        secret=secret,
        store=store,
        ca_bundle=factory.options.ca_bundle,
    )


def _login_with_app_password(
    factory: Factory, server: str, user: str | None, name: str | None, store: str
) -> tuple[SavedAccount, AccountInfo]:
    from talkctl.api.account import current_user, exchange_app_password
    from talkctl.api.errors import ApiError

    if not user:
        raise UsageError("--app-password-stdin needs --user LOGIN")
    _check_file_target(factory, name, server, user)
    secret = _read_secret(factory)
    try:
        new_password = exchange_app_password(_transport(factory, server, user, secret))
    except ApiError as exc:
        if exc.status == 401:
            raise CredentialsError(
                f"authentication failed for {user} on {server}: check the login name and the "
                "app password (nothing was stored)"
            ) from None
        if exc.status != 404:  # a server without getapppassword: verify below
            raise
        new_password = None
    if new_password is None:
        try:
            info = current_user(_transport(factory, server, user, secret))
        except ApiError as exc:
            if exc.status == 401:
                raise CredentialsError(
                    f"authentication failed for {user} on {server} (nothing was stored)"
                ) from None
            raise
        return _save(factory, name, server, user, secret, store), info
    # talkctl created this app password: nobody else holds it, so it is revoked again
    # when it cannot be stored (as the browser login does)
    try:
        info = current_user(_transport(factory, server, user, new_password))
        saved = _save(factory, name, server, user, new_password, store)
    except BaseException:
        _revoke_quietly(factory, server, user, new_password)
        factory.environment.message(
            "The app password created from the account's real password could not be stored: "
            "it was revoked again."
        )
        raise
    factory.environment.message(
        "That was the account's real password: talkctl stored a new app password instead "
        "(a real password is never stored, and it makes every request slower)"
    )
    return saved, info


def _login_in_browser(
    factory: Factory, server: str, name: str | None, store: str
) -> tuple[SavedAccount, AccountInfo]:
    from talkctl.api.account import current_user, start_login_flow
    from talkctl.cli.auth.webflow import show_login_page, wait_for_grant

    environment = factory.environment
    anonymous = _transport(factory, server, None, None)
    flow = _login_flow_step(lambda: start_login_flow(anonymous))
    show_login_page(environment, flow)
    try:
        grant = _login_flow_step(lambda: wait_for_grant(environment, anonymous, flow))
    except KeyboardInterrupt:
        environment.message("Login cancelled: nothing was stored.")
        raise
    stored_server = _server_from_answer(factory, server, grant.server)
    user, secret = grant.login_name, grant.app_password
    try:
        _check_file_target(factory, name, stored_server, user)
        info = current_user(_transport(factory, stored_server, user, secret))
        return _save(factory, name, stored_server, user, secret, store), info
    except BaseException:
        _revoke_quietly(factory, stored_server, user, secret)
        raise


def _login_flow_step(step: Callable[[], T]) -> T:
    """Run a login flow step; a login flow refusal is 'login not completed' (exit 4)."""
    from talkctl.api.errors import LoginFlowError

    try:
        return step()
    except LoginFlowError as exc:
        from talkctl.cli.errors import error_line

        raise CredentialsError(f"login not completed: {error_line(exc)}") from None


def _server_from_answer(factory: Factory, given: str, answered: str) -> str:
    """The answer's ``server`` unless it differs from the user's in scheme or host."""
    try:
        theirs = normalize_server(answered)
    except UsageError:
        theirs = given
    ours_parts, their_parts = urlsplit(given), urlsplit(theirs)
    if (ours_parts.scheme, ours_parts.netloc.lower()) != (
        their_parts.scheme,
        their_parts.netloc.lower(),
    ):
        factory.environment.warn(
            f"the server calls itself {theirs}; keeping {given} as you gave it "
            "(a proxy without Nextcloud's 'overwriteprotocol' or 'overwritehost'?)"
        )
        return given
    return theirs


def _revoke_quietly(factory: Factory, server: str, user: str, secret: str) -> None:
    """Undo a login whose app password could not be stored: revoke it (best effort)."""
    import contextlib

    from talkctl.api.account import revoke_app_password

    with contextlib.suppress(Exception):
        revoke_app_password(_transport(factory, server, user, secret))


def _report(factory: Factory, saved: SavedAccount, info: AccountInfo) -> None:
    from talkctl.accounts.cache import AccountCache

    environment = factory.environment
    profile = saved.profile
    # "me" is this user id, which the login name need not be (accounts.identity)
    AccountCache(environment.cache_dir, profile.server, profile.user).save_user_id(info.user_id)
    if saved.replaced is not None:
        old = saved.replaced
        environment.message(f"Replaced profile {profile.name!r} (was {old.user} on {old.server}).")
    environment.message(
        f"Logged in to {profile.server} as {info.display_name} ({info.user_id}); "
        f"profile {profile.name!r}, app password in {saved.where}."
    )
    if saved.relogin:
        environment.message(
            "The app password stored before is still valid on the server: revoke it under "
            "Settings > Security > Devices & sessions unless it is used elsewhere."
        )
    if not saved.default:
        environment.message(f"Make it the default with: talkctl auth switch {profile.name}")
