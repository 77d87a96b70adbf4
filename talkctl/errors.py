"""Errors talkctl raises outside the API layer. Each maps to one exit code in cli/errors.py."""

from __future__ import annotations


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


class ConversationNotFound(TalkctlError):
    """No conversation of the user's matches a CONV argument."""


class AmbiguousConversation(TalkctlError):
    """Several conversations match a CONV argument by name."""

    def __init__(self, message: str, candidates: list[tuple[str, str, str]]) -> None:
        super().__init__(message)
        self.candidates = candidates


class InterruptedChange(KeyboardInterrupt):
    """Ctrl-C stopped a change of several requests; the message says what state it left."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
