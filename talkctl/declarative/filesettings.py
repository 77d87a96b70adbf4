"""How each conversation setting is written in an apply file: parse a TOML value, show one.

One entry per setting key; the keys are those of ``room create`` / ``room ensure`` with
``_`` for ``-``. No typer, no rich.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

LISTABLE = {"none": 0, "users": 1, "everyone": 2}
NOTIFY = {"default": 0, "always": 1, "mention": 2, "never": 3}
UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_DURATION = re.compile(r"^(\d+)([smhdw])$")


def parse_duration(value: Any) -> int:
    """``"off"`` → 0, ``"90m"`` → 5400 (a whole number of one unit), whole seconds as is."""
    if value == "off":
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and (match := _DURATION.match(value.strip())):
        return int(match.group(1)) * dict(UNITS)[match.group(2)]
    raise ValueError(value)


def show_duration(seconds: int) -> str:
    """The shortest exact form: 0 → "off", 5400 → "90m", 604800 → "1w"."""
    if seconds <= 0:
        return "off"
    for unit, size in UNITS:
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    raise AssertionError("unreachable")  # pragma: no cover - "s" divides everything


def parse_lobby(value: Any) -> bool | datetime:
    """``true`` / ``false``, or a date-time with its UTC offset until which it is on."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(value) from None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    raise ValueError(value)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(value)


def _choice(choices: dict[str, int]) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, str) and value in choices:
            return choices[value]
        raise ValueError(value)

    return parse


def _notify(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value in (1, 2, 3):
        return value
    return _choice(NOTIFY)(value)


@dataclass(frozen=True)
class FileSetting:
    key: str
    parse: Callable[[Any], Any]  # TOML value → the setting's value; ValueError when invalid
    expected: str  # "true or false", for "KEY must be EXPECTED, not VALUE"


ALL_SETTINGS: dict[str, FileSetting] = {
    s.key: s
    for s in (
        FileSetting("description", _text, "a string"),
        FileSetting("read_only", _boolean, "true or false"),
        FileSetting("listable", _choice(LISTABLE), '"none", "users" or "everyone"'),
        FileSetting(
            "lobby",
            parse_lobby,
            "true, false or a date-time with its UTC offset (2026-12-24T18:00:00+01:00)",
        ),
        FileSetting(
            "message_expiration",
            parse_duration,
            'a whole duration like "90m", "1h", "1d", "4w", or "off"',
        ),
        FileSetting("archived", _boolean, "true or false"),
        FileSetting("favorite", _boolean, "true or false"),
        FileSetting("notify", _notify, '"default", "always", "mention", "never" or 1-3'),
    )
}

# Keys apply cannot change yet: refused as unknown keys (never silently ignored) until the
# plan sends them.
PENDING = ("listable", "lobby", "message_expiration", "archived")
FILE_SETTINGS = {key: s for key, s in ALL_SETTINGS.items() if key not in PENDING}
