"""What the fake refuses as too weak or too long: the password policy and the name limits.

Recorded on Nextcloud 32 + Talk 22 with the default ``password_policy`` app:
``talk22/room-password-weak-400.json`` ("abc") and
``talk22-moderation/u-password-weak-400.json`` ("123") are both refused with the two sentences
below, in this order, joined by a space; a 24-character password is accepted. The real app
checks the length (10) and a list of the 1,000,000 most common passwords; the fake cannot ship
that list, so which passwords count as common is a documented guess: the list below, and every
password of at most 4 characters or of digits only with at most 10 (such strings all are in the
real list's shorter part).
"""

from __future__ import annotations

MIN_PASSWORD_LENGTH = 10
COMMON = "Password is among the 1,000,000 most common ones. Please make it unique."
TOO_SHORT = f"Password needs to be at least {MIN_PASSWORD_LENGTH} characters long."
COMMON_PASSWORDS = frozenset(
    {
        "abc123",
        "password",
        "password1",
        "qwerty",
        "qwertyuiop",
        "letmein",
        "admin",
        "secret",
        "welcome",
        "iloveyou",
        "monkey",
        "dragon",
        "abcdef",
        "abcdefgh",
        "football",
        "sunshine",
        "changeme",
    }
)
NAME_LIMIT = 255  # a conversation name (Talk refuses longer ones with 400 "name"/"value")


def is_common(password: str) -> bool:
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(password) <= 4:
        return True
    return password.isdigit() and len(password) <= 10


def password_policy(password: str) -> str | None:
    """The policy's refusal message for ``password``, None when it is accepted."""
    problems = []
    if is_common(password):
        problems.append(COMMON)
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(TOO_SHORT)
    return " ".join(problems) or None


def description_limit(talk: tuple[int, ...]) -> int:
    """Characters a description may have: 2,000 on Talk 21+, 500 before (conversation.md)."""
    return 2000 if talk >= (21, 0) else 500
