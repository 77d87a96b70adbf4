"""Permissions by name, both ways: the one table of permission names and their bits
(constants.md "Attendee permissions"). No typer, no rich.

``PERMS`` on the command line and in apply files is a comma list of names (``chat,join-call``),
or one of ``all`` (every permission), ``none`` (sent as 1: custom, with nothing) and
``default`` (0: the next level's defaults apply: the conversation's, then the server's).
The server adds the custom bit (1) to any other value itself: 128 is stored as 129. Bits
no name stands for (a newer Talk's) are shown as ``unknown(N)`` and read back so: an
exported file applies again without dropping them.
"""

from __future__ import annotations

import re
from typing import Any

from talkctl.errors import UsageError

DEFAULT, CUSTOM = 0, 1
# name -> bit (constants.md), in the order a list is shown
PERMISSION_BITS: dict[str, int] = {
    "chat": 128,
    "start-call": 2,
    "join-call": 4,
    "lobby-ignore": 8,
    "audio": 16,
    "video": 32,
    "screen": 64,
}
ALL = sum(PERMISSION_BITS.values())  # 254
WORDS: dict[str, int] = {"all": ALL, "none": CUSTOM, "default": DEFAULT}
PERMISSION_VALUES: tuple[tuple[str, str], ...] = (
    ("chat", "post messages, share items, react"),
    ("start-call", "start a call"),
    ("join-call", "join a call"),
    ("lobby-ignore", "skip the lobby"),
    ("audio", "publish audio"),
    ("video", "publish video"),
    ("screen", "share the screen"),
    ("all", "every permission"),
    ("none", "no permission at all"),
    ("default", "the next level's defaults"),
)
NAMES_HELP = ", ".join(word for word, _ in PERMISSION_VALUES)
UNNAMED = re.compile(r"unknown\((\d{1,10})\)")  # as permission_names shows unnamed bits
MAX_BITS = 2**31 - 1  # the server stores an int


def parse_permissions(text: str) -> int:
    """``chat,join-call`` → 132; ``all`` → 254; ``none`` → 1; ``default`` → 0. An unknown
    or empty name is a UsageError listing the names."""
    names = [name.strip() for name in text.split(",")]
    bits = 0
    for name in names:
        if name in PERMISSION_BITS:
            bits |= PERMISSION_BITS[name]
        elif name in WORDS and len(names) == 1:
            return WORDS[name]
        elif name in WORDS:
            raise UsageError(f"permissions: {name!r} stands alone, not in a list ({text!r})")
        elif found := UNNAMED.fullmatch(name):
            bits |= _unnamed(int(found.group(1)), name)
        else:
            raise UsageError(f"unknown permission {name!r}: use a comma list of {NAMES_HELP}")
    return bits


def _unnamed(value: int, name: str) -> int:
    """The bits of ``unknown(N)``: only bits no name stands for (a named one has its name)."""
    if value <= 0 or value > MAX_BITS or value & (ALL | CUSTOM):
        raise UsageError(
            f"permissions: {name!r} must hold only bits no name stands for (256, 512, ...); "
            f"use the names {NAMES_HELP}"
        )
    return value


def file_permissions(value: Any) -> int:
    """An apply file's value: a string as on the command line."""
    if isinstance(value, str):
        try:
            return parse_permissions(value)
        except UsageError:
            pass
    raise ValueError(f'a comma list of {NAMES_HELP} (e.g. "chat,join-call")')


def stored(bits: int) -> int:
    """What the server stores for ``bits``: the custom bit added to anything but default."""
    return bits | CUSTOM if bits else DEFAULT


def permission_names(bits: int) -> str:
    """129 → ``chat``; 0 → ``default``; 1 → ``none``; 254 or 255 → ``all``; bits no name
    stands for are kept as a number (``chat,unknown(256)``), never dropped."""
    if not isinstance(bits, int) or isinstance(bits, bool) or bits < 0:
        return f"unknown({bits})"
    if bits == DEFAULT:
        return "default"
    if bits & ALL == ALL and not bits & ~(ALL | CUSTOM):
        return "all"
    names = [name for name, bit in PERMISSION_BITS.items() if bits & bit]
    rest = bits & ~(ALL | CUSTOM)
    if rest:
        names.append(f"unknown({rest})")
    return ",".join(names) or "none"


def resets_words(count: int) -> str:
    """``resets 2 participants' own permissions`` (the one wording of plans and results:
    setting the default permissions resets every participant's own)."""
    who = "participant's" if count == 1 else "participants'"
    return f"resets {count} {who} own permissions"
