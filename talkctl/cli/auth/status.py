"""``auth status``: which account a run uses, and whether its credentials work right now."""

from __future__ import annotations

import typer

from talkctl.cli.auth.render import StatusReport, render_status
from talkctl.cli.options import factory_of
from talkctl.cli.output import JsonOption


def status(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Show the account in use and check that its credentials work.

    Shows the server, the user id and display name, the Nextcloud and Talk versions, the
    API version in use and where the secret comes from (keyring backend, environment or
    file), then checks the credentials with one request. Exit 4 when they do not work,
    7 when the server cannot be reached.

    Example: talkctl auth status

    Example: talkctl --profile work auth status --json
    """
    from talkctl.api.account import current_user
    from talkctl.api.errors import ApiError, TalkNotEnabledError, TransportError
    from talkctl.cli.errors import error_line

    factory = factory_of(ctx)
    credentials = factory.credentials
    report = StatusReport(
        server=credentials.server,
        login=credentials.user,
        source=credentials.source,
        profile=credentials.profile.name if credentials.profile else None,
    )
    problem: Exception | None = None
    try:
        info = current_user(factory.transport)
        factory.cache.save_user_id(info.user_id)  # "me" for the next runs (accounts.identity)
        report.user_id, report.display_name, report.working = (
            info.user_id,
            info.display_name,
            True,
        )
        capabilities = factory.client.capabilities
        report.nextcloud_version = capabilities.nextcloud_version
        report.talk_version = capabilities.talk_version
        report.talk_derived = capabilities.derived_talk_major  # for a server that does not say
        report.api_version = capabilities.api_version
        report.talk_enabled = True
    except TalkNotEnabledError:
        report.talk_enabled = False
    except (ApiError, TransportError) as exc:
        problem = exc
        if report.working is None and isinstance(exc, ApiError) and exc.status == 401:
            report.working = False
        report.problem = error_line(exc)
    render_status(factory.environment, report, json_)
    if problem is not None:
        raise problem  # after the report: the one error line and its exit code
