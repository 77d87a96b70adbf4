"""The one place that turns exceptions into exit codes and one-line messages."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

from talkctl.api.errors import (
    ApiError,
    InvalidResponseError,
    TalkNotEnabledError,
    TransportError,
    UnsupportedError,
)
from talkctl.errors import (
    AmbiguousConversation,
    ConfigError,
    ConversationNotFound,
    CredentialsError,
    InterruptedChange,
    TalkctlError,
    UsageError,
)
from talkctl.exit_codes import ExitStatus

F = TypeVar("F", bound=Callable[..., Any])

_BY_CLASS: tuple[tuple[type[BaseException], ExitStatus], ...] = (
    (UsageError, ExitStatus.USAGE),
    (ConfigError, ExitStatus.USAGE),
    (ConversationNotFound, ExitStatus.NOT_FOUND),
    (AmbiguousConversation, ExitStatus.AMBIGUOUS),
    (CredentialsError, ExitStatus.AUTH),
    (UnsupportedError, ExitStatus.REJECTED),
    (TalkNotEnabledError, ExitStatus.REJECTED),
    (TransportError, ExitStatus.UNAVAILABLE),
    (InvalidResponseError, ExitStatus.ERROR),
)


def status_for_http(status: int) -> ExitStatus:
    if status == 401:
        return ExitStatus.AUTH
    if status == 403:
        return ExitStatus.FORBIDDEN
    if status == 404:
        return ExitStatus.NOT_FOUND
    if status == 429 or status >= 500:
        return ExitStatus.UNAVAILABLE
    if status in (400, 405, 406, 409, 412, 422, 426) or 400 <= status < 500:
        return ExitStatus.REJECTED
    return ExitStatus.ERROR


def exit_status_for(exc: BaseException) -> ExitStatus:
    if isinstance(exc, KeyboardInterrupt):  # SIGTERM / SIGHUP during a run carry their code
        return ExitStatus(getattr(exc, "code", ExitStatus.INTERRUPTED))
    if isinstance(exc, ApiError):
        return status_for_http(exc.status)
    if isinstance(exc, TransportError) and exc.kind == "ca-bundle":
        return ExitStatus.USAGE  # a --ca-bundle file that cannot be read: fix the argument
    for cls, status in _BY_CLASS:
        if isinstance(exc, cls):
            return status
    return ExitStatus.ERROR


def error_line(exc: BaseException) -> str:
    """The one line a user sees for ``exc`` (no traceback)."""
    if isinstance(exc, KeyboardInterrupt):  # InterruptedChange says what it left behind
        return str(exc) if isinstance(exc, InterruptedChange) else "interrupted"
    if isinstance(exc, TalkctlError):
        return " ".join(str(exc).split())
    return f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for a traceback)"


def report(exc: BaseException) -> ExitStatus:
    """Print ``exc`` as one line on stderr and return its exit status."""
    status = exit_status_for(exc)
    from talkctl.cli.context import current_environment

    environment = current_environment()
    if environment.debug and not isinstance(exc, TalkctlError | KeyboardInterrupt):
        import traceback

        traceback.print_exception(exc, file=environment.stderr)
    environment.stderr.write(f"talkctl: error: {error_line(exc)}\n")
    environment.stderr.flush()
    return status


def handled(fn: F) -> F:
    """Wrap a command so that every error ends as one line and its documented exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import typer

        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except BrokenPipeError:
            # The reader went away (`talkctl room list | head -1`): not an error of ours.
            _silence_stdout()
            raise typer.Exit(0) from None
        except (Exception, KeyboardInterrupt) as exc:
            code = report(exc)
            raise typer.Exit(int(code)) from None
        finally:
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                _silence_stdout()
            except (OSError, ValueError):
                pass

    return cast(F, wrapper)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
