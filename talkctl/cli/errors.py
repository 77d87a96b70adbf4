"""The wording of errors: an exception's one-line message and its exit code.

Commands raise; nothing else prints ``talkctl: error:``. The error boundary at the entry
point (``talkctl.cli.app``: ``guard`` around the root command's invoke, ``run_main``) hands
every exception here (:func:`report`), so a command needs no decorator and an exception
nobody expected is still one line and exit 1. Usage mistakes caught by the parser become one
line too (:func:`usage_line`), with the hint to ``--help``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from talkctl.errors import (
    Ambiguous,
    ConfigError,
    CredentialsError,
    InContext,
    NotFound,
    TalkctlError,
    UsageError,
)
from talkctl.exit_codes import ExitStatus, exit_for_http

if TYPE_CHECKING:
    from talkctl.api.errors import StepFailed


def _by_class() -> tuple[tuple[type[BaseException], ExitStatus], ...]:
    # imported here: `talkctl --help` loads this module but nothing of talkctl.api
    from talkctl.api.errors import (
        InvalidResponseError,
        InvalidToken,
        TalkNotEnabledError,
        TransportError,
        UnsupportedError,
    )

    return (
        (UsageError, ExitStatus.USAGE),
        (ConfigError, ExitStatus.USAGE),
        (InvalidToken, ExitStatus.USAGE),
        (NotFound, ExitStatus.NOT_FOUND),
        (Ambiguous, ExitStatus.AMBIGUOUS),
        (CredentialsError, ExitStatus.AUTH),
        (UnsupportedError, ExitStatus.REJECTED),
        (TalkNotEnabledError, ExitStatus.REJECTED),
        (TransportError, ExitStatus.UNAVAILABLE),
        (InvalidResponseError, ExitStatus.ERROR),
    )


def status_for_http(status: int) -> ExitStatus:
    return exit_for_http(status)  # the one table: talkctl.exit_codes.HTTP_EXIT


def exit_status_for(exc: BaseException) -> ExitStatus:
    from talkctl.api.errors import ApiError, StepFailed, TransportError

    if isinstance(exc, KeyboardInterrupt):  # SIGTERM / SIGHUP during a run carry their code
        return ExitStatus(getattr(exc, "code", ExitStatus.INTERRUPTED))
    if isinstance(exc, InContext | StepFailed):
        return exit_status_for(exc.cause)
    if isinstance(exc, ApiError):
        return status_for_http(exc.status)
    if isinstance(exc, TransportError) and exc.kind == "ca-bundle":
        return ExitStatus.USAGE  # a --ca-bundle file that cannot be read: fix the argument
    for cls, status in _by_class():
        if isinstance(exc, cls):
            return status
    return ExitStatus.ERROR


def _step_failed(exc: StepFailed) -> str:
    from talkctl.api.errors import ApiError

    cause = error_line(exc.cause)
    token = exc.token
    refused = isinstance(exc.cause, ApiError)
    what = f"the server refused the {exc.step}" if refused else f"the {exc.step} step failed"
    if exc.undo == "delete":
        if exc.undone:
            return f"{what}, nothing was created: {cause}"
        if exc.step != "password":
            return (
                f"{what} ({cause}) and the new conversation {token} could not be deleted: it "
                f"EXISTS without its {exc.step}; delete it yourself (talkctl room delete "
                f"{token} --yes)"
            )
        return (
            f"{what} ({cause}); the new public conversation {token} is EXPOSED: it has NO "
            f"password and could not be deleted: delete it yourself (talkctl room delete "
            f"{token} --yes)"
        )
    if exc.undone:
        return f"{what}, {token} stays a group conversation: {cause}"
    return (
        f"{what} ({cause}); {token} is EXPOSED: it is now public WITHOUT a {exc.step} and "
        f"could not be made private again: run 'talkctl room unpublish {token}'"
    )


def advice(exc: BaseException) -> str:
    """What the user can do about ``exc`` with talkctl's options, to follow its message: the
    api layer states the failure, only the cli knows its options."""
    from talkctl.api.errors import InvalidResponseError, LoginFlowError, TransportError

    if isinstance(exc, TransportError):
        if exc.kind == "tls" and exc.plain_http:
            plain = "http://" + exc.server.removeprefix("https://")
            return f" (does the server speak plain http? then use {plain})"
        if exc.kind == "tls":
            return " (for a private CA use --ca-bundle FILE)"
        if exc.kind == "ca-bundle":
            return " (check --ca-bundle / TALKCTL_CA_BUNDLE)"
        if exc.kind == "timeout":
            return " (see --timeout)"
    if isinstance(exc, InvalidResponseError) and exc.kind == "too-large":
        return (
            " (raise the limit with --max-response-size or TALKCTL_MAX_RESPONSE_SIZE if it is"
            " right)"
        )
    if isinstance(exc, LoginFlowError) and exc.reason == "unavailable":
        return ": create an app password in the web interface and use --app-password-stdin"
    return ""


def in_lobby(conversation: str, cause: BaseException) -> InContext:
    """A 412 to reading a conversation's participants: its lobby keeps you out (exit 6)."""
    return InContext(
        f"the lobby keeps non-moderators out of {conversation}: only its moderators can read "
        "its participants until the lobby is turned off or its time has passed",
        cause,
    )


def error_line(exc: BaseException) -> str:
    """The one line a user sees for ``exc`` (no traceback)."""
    from talkctl.api.errors import ApiError, StepFailed, TransportError
    from talkctl.cli.text import one_line

    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, StepFailed):
        return _step_failed(exc)
    from talkctl.cli.context import StdoutClosed

    if isinstance(exc, StdoutClosed):
        return exc.strerror or "stdout is closed"
    if isinstance(exc, TalkctlError):
        line = one_line(str(exc)) + advice(exc)
        if isinstance(exc, ApiError | TransportError) and exc.attempts > 1:
            line += f" (after {exc.attempts} attempts)"
        if isinstance(exc, TransportError) and exc.changed_maybe:
            line += "; the change may have been made anyway: check before repeating it"
        return line
    return one_line(
        f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for a traceback)"
    )


def _stderr() -> Any:
    from talkctl.cli.context import current_environment

    return current_environment()


def report(exc: BaseException) -> ExitStatus:
    """Print ``exc`` as one line on stderr and return its exit status."""
    status = exit_status_for(exc)
    environment = _stderr()
    if environment.debug and not isinstance(exc, TalkctlError | KeyboardInterrupt):
        import traceback

        traceback.print_exception(exc, file=environment.stderr)
    environment.error(error_line(exc))
    return status


def usage_line(exc: Any) -> str:
    """A click usage error as one line, with the hint to the command's ``--help``."""
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message()
    option = getattr(exc, "option_name", None)
    if ctx is not None and option and type(exc).__name__ == "NoSuchOption":
        root = ctx.find_root()
        opts = {o for p in root.command.params for o in getattr(p, "opts", [])}
        if option in opts and ctx is not root:
            return (
                f"{option} is a global option: put it before the command "
                f"(talkctl {option} ... {' '.join(ctx.command_path.split()[1:])} ...)"
            )
    if message[:1].isupper() and not message[:2].isupper():
        message = message[0].lower() + message[1:]
    command = ctx.command_path if ctx is not None else "talkctl"
    return f"{message} (see '{command} --help')"
