"""Cells and the one escaper of each output format.

- terminal (a table, a line for people): control characters, invisible and bidirectional
  format characters shown as ``\\x1b``, ``\\n``, ``\\u202e`` (:func:`talkctl.cli.text.
  escape_controls`); markup never interpreted.
- tsv: ``\\t``, ``\\n``, ``\\r`` and ``\\\\`` in a value are written as those two-character
  escapes (:func:`tsv_escape`), so a value never breaks the row and reads back
  (:func:`tsv_unescape`).
- csv: quoted as CSV does (RFC 4180), by :func:`write_csv`.
- json / jsonl: the exact strings (talkctl/cli/jsonout.py).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from talkctl.cli.fields import Time
from talkctl.cli.text import escape_controls

SHORT_COLUMN = 20  # a column this narrow is never cut on a narrow terminal

# the terminal's escaper: every control character (newlines too) and format character
terminal = escape_controls


def local_time(seconds: int) -> str:
    """``seconds`` since the epoch in local time for people; "" when 0 or impossible."""
    moment = _moment(seconds)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def iso_time(seconds: int) -> str:
    """``seconds`` since the epoch as ISO 8601 with the UTC offset; "" when 0 or impossible."""
    moment = _moment(seconds)
    return moment.isoformat(timespec="seconds") if moment else ""


def _moment(seconds: int) -> datetime | None:
    if not seconds:
        return None
    try:
        return datetime.fromtimestamp(seconds).astimezone()
    except (OverflowError, OSError, ValueError):  # e.g. lastActivity 99999999999999
        return None


def cell_text(value: Any, fmt: str) -> str:
    """A cell's text in ``fmt`` (before any escaping)."""
    if value is None:
        return ""
    if isinstance(value, Time):
        return local_time(value.seconds) if fmt == "table" else iso_time(value.seconds)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_escape(text: str) -> str:
    """A TSV value: backslash, tab, newline and carriage return as ``\\\\ \\t \\n \\r``."""
    return text.translate(_TSV_ESCAPES)


def tsv_unescape(text: str) -> str:
    """The inverse of :func:`tsv_escape` (what a script does to read a value back)."""
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(following, following))
        else:
            out.append(char)
    return "".join(out)


def tsv_line(cells: Iterable[str]) -> str:
    """One TSV row (without its newline)."""
    return "\t".join(tsv_escape(cell) for cell in cells)


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows(rows)


def fit_widths(
    natural: Sequence[int], total: int, *, gap: int, whole: Sequence[bool] = ()
) -> list[int]:
    """Column widths that fit ``total`` columns: unchanged when they fit; else the long
    columns (wider than SHORT_COLUMN) shrink, largest first, down to SHORT_COLUMN/2; if that
    is not enough, every column that may be cut shrinks, largest first, down to SHORT_COLUMN/2,
    then 3, then one character. A ``whole``
    column (a token, an id) keeps its width: the table may then be wider than ``total``."""
    widths = list(natural)
    keep = list(whole) + [False] * (len(widths) - len(whole))
    excess = sum(widths) + gap * (len(widths) - 1) - total
    long = [i for i, width in enumerate(natural) if width > SHORT_COLUMN and not keep[i]]
    every = [i for i in range(len(widths)) if not keep[i]]
    half = SHORT_COLUMN // 2
    for floor, cuttable in ((half, long), (half, every), (3, every), (1, every)):
        while excess > 0 and cuttable:
            widest = max(cuttable, key=lambda i: widths[i])
            if widths[widest] <= floor:
                break  # nothing left to cut at this floor
            others = [widths[i] for i in cuttable if i != widest]
            cut = max(1, min(excess, widths[widest] - max([floor, *others])))
            widths[widest] -= cut
            excess -= cut
    return widths
