"""How each conversation setting is written in an apply file: the one settings table
(talkctl/settings) read for the file's keys.

``FILE_SETTINGS`` maps each key (``read_only``, ``message_expiration``, ...) to its TOML
parser and what the problem line says is expected; the values are the table's
(``Setting.parse_file``), so ``apply`` plans and sends them with the same entry the verbs,
``room create`` and ``room ensure`` use. No typer, no rich.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from talkctl.settings import SETTINGS, Setting
from talkctl.settings.values import LISTABLE, parse_duration, shortest_duration

NOTIFY = {"default": 0, "always": 1, "mention": 2, "never": 3}
EXPECTED = {
    "description": "a string",
    "read_only": "true or false",
    "listable": '"none", "users" or "everyone"',
    "lobby": "true, false or a date-time with its UTC offset (2026-12-24T18:00:00+01:00)",
    "message_expiration": 'a whole duration like "90m", "1h", "1d", "4w", or "off"',
    "archived": "true or false",
    "favorite": "true or false",
    "notify": '"default", "always", "mention", "never" or 1-3',
}


def show_duration(seconds: int) -> str:
    """The shortest exact form: 0 → "off", 5400 → "90m", 604800 → "1w"."""
    return shortest_duration(seconds)


@dataclass(frozen=True)
class FileSetting:
    key: str
    parse: Callable[[Any], Any]  # TOML value → the setting's value; ValueError when invalid
    expected: str  # "true or false", for "KEY must be EXPECTED, not VALUE"
    setting: Setting


ALL_SETTINGS: dict[str, FileSetting] = {
    s.key: FileSetting(s.key, s.parse_file, EXPECTED[s.key], s) for s in SETTINGS
}

# Keys apply cannot change yet (refused as unknown keys, never silently ignored): none now
# that the plan sends every setting of the table.
PENDING: tuple[str, ...] = ()
FILE_SETTINGS = {key: s for key, s in ALL_SETTINGS.items() if key not in PENDING}

__all__ = ["FILE_SETTINGS", "LISTABLE", "NOTIFY", "PENDING", "parse_duration", "show_duration"]
