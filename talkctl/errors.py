"""Errors talkctl raises outside the API layer. Each maps to one exit code in cli/errors.py.

Errors state facts; ``talkctl.cli.errors`` words them as the one line a user sees. Context is
added by wrapping (:class:`InContext`), never by rewriting an exception's message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class TalkctlError(Exception):
    """Base of every error talkctl reports to the user as one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(TalkctlError):
    """Bad arguments or input, caught before any request that changes anything."""


class ConfigError(TalkctlError):
    """The config or an input file is unreadable or invalid."""


class CredentialsError(TalkctlError):
    """No usable credentials, or no safe place to keep a secret."""


class Candidate(NamedTuple):
    """One of several things a reference matched: its id, its name and what kind it is."""

    id: str
    name: str
    detail: str


class NotFound(TalkctlError):
    """Nothing of ``kind`` ("conversation", "participant", ...) matches ``ref`` (exit 3).

    ``suggestions`` are names that differ only in case: "did you mean ...".
    """

    def __init__(self, kind: str, ref: str, *, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.ref = ref
        self.suggestions = list(suggestions)
        message = f"no {kind} matches {ref!r}"
        if self.suggestions:
            message += f"; did you mean {' or '.join(repr(s) for s in self.suggestions)}?"
        super().__init__(message)


class Ambiguous(TalkctlError):
    """Several things of ``kind`` match ``ref`` by name (exit 8); ``advice`` says what to do."""

    def __init__(
        self,
        kind: str,
        ref: str,
        candidates: Sequence[Candidate],
        *,
        advice: str = "use the id",
        plural: str | None = None,
    ) -> None:
        self.kind = kind
        self.ref = ref
        self.candidates = list(candidates)
        listed = "; ".join(f"{c.id} {c.name!r} ({c.detail})" for c in self.candidates)
        kinds = plural or f"{kind}s"
        super().__init__(f"{len(self.candidates)} {kinds} are named {ref!r}: {listed}; {advice}")


class InContext(TalkctlError):
    """``cause`` as it matters here: ``message`` says what it means for this command.

    The exit code is the cause's; ``--debug`` still shows the cause. Raise it ``from`` the
    cause (or pass it): the original exception is never changed.
    """

    def __init__(self, message: str, cause: BaseException) -> None:
        super().__init__(message)
        self.cause = cause
