"""Reading a TOML input file with every problem located: lines of tables, keys and values.

tomllib reports positions only for syntax errors, so tables and keys are located in the
text here (``Layout``). Values are shown as they would be written in TOML (``show``),
shortened, and never raise (deep or odd values included). No typer, no rich.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from talkctl.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(#.*)?$")
# a key, or the first part of a dotted key (participants.users = ...): located on its line
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*[=.]""")
_SYNTAX_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
SHOW_LIMIT = 60
_DEEP = re.compile(r"[\[{](\s*[\[{]){99}")


class InputFileError(UsageError):
    """An invalid input file: ``problems`` holds one line per problem (``FILE:LINE: ...``)."""

    def __init__(self, path: str, problems: list[str]) -> None:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{path}: {count}; nothing was changed")
        self.problems = problems


@dataclass
class Section:
    """One table of the file: its header line and the line of each key (first wins)."""

    line: int
    keys: dict[str, int] = field(default_factory=dict)
    subtables: dict[str, Section] = field(default_factory=dict)  # [name.sub] after it


@dataclass
class Layout:
    top: Section = field(default_factory=lambda: Section(1))
    tables: dict[str, Section] = field(default_factory=dict)  # [name]
    arrays: dict[str, list[Section]] = field(default_factory=dict)  # [[name]]
    lines: list[str] = field(default_factory=list)

    def line_of(self, name: str) -> int | None:
        """Where a top-level ``name`` is: its key, its [table], or its first [[table]]
        (whichever the file wrote, the right one or not)."""
        if name in self.top.keys:
            return self.top.keys[name]
        if name in self.tables:
            return self.tables[name].line
        arrays = self.arrays.get(name)
        return arrays[0].line if arrays else None

    def value_line(self, start: int | None, value: str) -> int | None:
        """The first line from ``start`` on that holds the string ``value`` (quoted)."""
        if start is None:
            return None
        needles = (json.dumps(value, ensure_ascii=False), f"'{value}'")
        for number in range(start, min(len(self.lines), start + 2000) + 1):
            if any(needle in self.lines[number - 1] for needle in needles):
                return number
        return start


def _name(header: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in header.split("."))


def _closing(line: str, start: int, quote: str) -> int:
    """Where the multi-line string ``quote`` closes in ``line`` (after it), or -1."""
    index = start
    while index < len(line):
        if quote == '"""' and line[index] == "\\":
            index += 2
        elif line.startswith(quote, index):
            end = index + 3
            while end < len(line) and line[end] == quote[0] and end < index + 5:
                end += 1  # up to two quotes of the content right before the closing three
            return end
        else:
            index += 1
    return -1


def _open_string(line: str, quote: str | None) -> str | None:
    """The multi-line string still open at the end of ``line`` (``quote``: open before it):
    one-line strings and comments holding three quotes open none."""
    index = 0
    while index < len(line):
        if quote is not None:
            index = _closing(line, index, quote)
            if index < 0:
                return quote
            quote = None
        elif line.startswith(('"""', "'''"), index):
            quote, index = line[index : index + 3], index + 3
        elif line[index] == "#":
            return None
        elif line[index] == '"':
            index += 1
            while index < len(line) and line[index] != '"':
                index += 2 if line[index] == "\\" else 1
            index += 1
        elif line[index] == "'":
            end = line.find("'", index + 1)
            index = len(line) if end < 0 else end + 1
        else:
            index += 1
    return quote


def lines_of(text: str) -> list[str]:
    """The lines as TOML counts them: ended by \\n (or \\r\\n) only, never by the U+2028 or
    NEL that ``str.splitlines`` also splits at (a name may hold them)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def layout_of(text: str) -> Layout:
    layout = Layout(lines=lines_of(text))
    current: Section | None = layout.top
    quote: str | None = None  # inside a multi-line string
    for number, line in enumerate(layout.lines, 1):
        if quote is not None:
            quote = _open_string(line, quote)
            continue
        if match := _ARRAY_TABLE.match(line):
            name = _name(match.group(1))
            head, _, sub = name.rpartition(".")
            current = Section(number)
            layout.arrays.setdefault(name, []).append(current)
            if parents := layout.arrays.get(head):  # [[conversation.participants]]: its line
                parents[-1].subtables.setdefault(sub, current)
        elif match := _TABLE.match(line):
            name = _name(match.group(1))
            head, _, sub = name.rpartition(".")
            parents = layout.arrays.get(head)
            current = Section(number)
            if parents:
                parents[-1].subtables.setdefault(sub, current)
            else:
                layout.tables.setdefault(name, current)
        elif (match := _KEY.match(line)) and current is not None:
            current.keys.setdefault(next(g for g in match.groups() if g), number)
        quote = _open_string(line, None)
    return layout


def show(value: Any, limit: int = SHOW_LIMIT) -> str:
    """A value as it would be written in TOML, cut to ``limit`` characters."""
    text = _show(value, 0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: Any, depth: int) -> str:
    if depth > 3:
        return "…"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float, datetime, date, time)):
        return value.isoformat() if isinstance(value, (datetime, date, time)) else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v, depth + 1) for v in value[:10]) + "]"
    if isinstance(value, dict):
        items = list(value.items())[:10]
        return "{" + ", ".join(f"{k} = {_show(v, depth + 1)}" for k, v in items) + "}"
    return repr(value)  # pragma: no cover - tomllib makes nothing else


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed document and its text; one-problem InputFileError on bad TOML."""
    label = str(path)
    try:
        text = path.read_text("utf-8-sig")  # a BOM (Windows editors write one) is no content
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {label}: {exc}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _SYNTAX_POSITION.search(message)
        line = found.group(1) if found else "?"
        raise InputFileError(label, [f"{label}:{line}: invalid TOML: {message}"]) from None
    except RecursionError:
        deep = next((n for n, line in enumerate(lines_of(text), 1) if _DEEP.search(line)), "?")
        raise InputFileError(
            label, [f"{label}:{deep}: invalid TOML: arrays or tables nested too deeply"]
        ) from None
