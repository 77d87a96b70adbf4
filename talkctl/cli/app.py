"""The root command: global connection options, then the command groups; and the error
boundary every run passes through (:func:`run_main`, :func:`guard`).

No ``from __future__ import annotations`` here: typer builds this callback on every run and
would evaluate each string annotation four times (see lazy.evaluate_annotations).
"""

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from talkctl import __version__
from talkctl.cli.context import Environment, Factory, GlobalOptions, set_environment
from talkctl.cli.lazy import LazyGroup
from talkctl.cli.limits import check_response_size, check_timeout
from talkctl.exit_codes import EXIT_STATUS_HELP, ExitStatus

EXIT_CODES_EPILOG = (
    "Exit codes: "
    + "; ".join(f"{int(code)} {text.split(':')[0]}" for code, text in EXIT_STATUS_HELP.items())
    + ". See README.md."
)


class RootGroup(LazyGroup):
    """The root command: the whole run (its callback, then the command) under :func:`guard`."""

    def invoke(self, ctx: Any) -> Any:
        with guard():
            return super().invoke(ctx)


app = typer.Typer(
    name="talkctl",
    help="Manage Nextcloud Talk conversations from the terminal, scripts and cron.",
    epilog=EXIT_CODES_EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    cls=RootGroup,
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


# -- the error boundary: every exception of a run ends here ---------------------------------
# It turns them into one line and an exit code; the wording and the codes are cli/errors.py's.


def run_main(command: Any, args: list[str] | None = None) -> int:
    """Run the root click ``command`` as ``talkctl`` and return the exit code."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer._click.exceptions import UsageError as ClickUsageError
    from typer.exceptions import Abort

    from talkctl.cli.context import current_environment
    from talkctl.cli.text import protect_streams

    protect_streams()
    code = 0
    try:
        result = command.main(args=args, prog_name="talkctl", standalone_mode=False)
        if isinstance(result, int) and not isinstance(result, bool):
            code = result  # the exit code of a typer.Exit (a command's own return is None)
    except NoArgsIsHelpError as exc:
        exc.show()
        return 2
    except ClickException as exc:
        from talkctl.cli.errors import usage_line

        line = usage_line(exc) if isinstance(exc, ClickUsageError) else exc.format_message()
        current_environment().error(line)
        return exc.exit_code
    except Abort:
        current_environment().error("interrupted")
        return int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except (OSError, ValueError):
        pass
    return code


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Every error of a command's run ends as one line and its documented exit code.

    A reader that goes away (``| head``) is not an error of ours: exit 0, quiet.
    """
    from typer.exceptions import Abort, Exit, TyperException

    try:
        yield
        _flush_stdout()
    except (Exit, Abort, TyperException):
        raise  # typer.Exit(code) ends a command; usage errors are worded by usage_line
    except BrokenPipeError:
        _silence_stdout()
        raise Exit(0) from None
    except (Exception, KeyboardInterrupt) as exc:
        if isinstance(exc, OSError) and _stdout_gone(exc):
            _silence_stdout()
            raise Exit(0) from None
        from talkctl.cli.errors import report

        raise Exit(int(report(exc))) from None


def _stdout_gone(exc: OSError) -> bool:
    """A pipe reader that went away: EPIPE, or EINVAL from a flush on Windows."""
    return exc.errno == errno.EPIPE


def _flush_stdout() -> None:
    from talkctl.cli.context import current_environment

    current_environment().stdout.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
