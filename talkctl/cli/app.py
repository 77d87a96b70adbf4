"""The root command: global connection options, then the command groups.

No ``from __future__ import annotations`` here: typer builds this callback on every run and
would evaluate each string annotation four times (see lazy.evaluate_annotations).
"""

from typing import Annotated

import typer

from talkctl import __version__
from talkctl.cli.context import Environment, Factory, GlobalOptions, set_environment
from talkctl.cli.lazy import LazyGroup
from talkctl.cli.limits import check_response_size, check_timeout
from talkctl.exit_codes import EXIT_STATUS_HELP

EXIT_CODES_EPILOG = (
    "Exit codes: "
    + "; ".join(f"{int(code)} {text.split(':')[0]}" for code, text in EXIT_STATUS_HELP.items())
    + ". See README.md."
)

app = typer.Typer(
    name="talkctl",
    help="Manage Nextcloud Talk conversations from the terminal, scripts and cron.",
    epilog=EXIT_CODES_EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    cls=LazyGroup,
)


def _complete_profile(ctx: typer.Context, incomplete: str) -> list[str]:
    from talkctl.cli.completion import complete_profile  # only on a TAB

    return complete_profile(ctx, incomplete)


def _version(value: bool) -> None:
    if value:
        print(f"talkctl {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            metavar="NAME",
            envvar="TALKCTL_PROFILE",
            help="Stored profile to use.",
            autocompletion=_complete_profile,
        ),
    ] = None,
    server: Annotated[
        str | None,
        typer.Option(
            "--server", metavar="URL", envvar="TALKCTL_SERVER", help="Nextcloud server URL."
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", metavar="LOGIN", envvar="TALKCTL_USER", help="Login name."),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            envvar="TALKCTL_TIMEOUT",
            help="Seconds a request may take as a whole: connect, headers, body (default 30).",
            callback=check_timeout,
        ),
    ] = None,
    retries: Annotated[
        int | None,
        typer.Option(
            "--retries",
            metavar="N",
            envvar="TALKCTL_RETRIES",
            help="Retries of safe requests (default 2).",
            min=0,
        ),
    ] = None,
    max_response_size: Annotated[
        str | None,
        typer.Option(
            "--max-response-size",
            metavar="SIZE",
            envvar="TALKCTL_MAX_RESPONSE_SIZE",
            help="Largest answer accepted, decompressed (default 128M; K, M, G suffixes).",
            callback=check_response_size,
        ),
    ] = None,
    ca_bundle: Annotated[
        str | None,
        typer.Option(
            "--ca-bundle",
            metavar="FILE",
            envvar="TALKCTL_CA_BUNDLE",
            help="CA certificates file for TLS verification.",
        ),
    ] = None,
    insecure: Annotated[
        bool,
        typer.Option(
            "--insecure",
            envvar="TALKCTL_INSECURE",
            help="Do not verify TLS certificates (warns on every run).",
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="TALKCTL_DEBUG",
            help="Log requests and responses (secrets redacted) to stderr.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Manage Nextcloud Talk conversations from the terminal, scripts and cron."""
    environment = Environment.from_process()
    environment.debug = debug
    set_environment(environment)
    options = GlobalOptions(
        profile=profile,
        server=server,
        user=user,
        timeout=timeout,
        retries=retries,
        max_response_size=max_response_size,
        ca_bundle=ca_bundle,
        insecure=insecure,
        debug=debug,
    )
    ctx.obj = Factory(options, environment)
