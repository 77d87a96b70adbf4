"""The ``talkctl apply`` file: ``[[conversation]]`` tables → wishes, or EVERY problem.

    [[conversation]]
    name = "Town hall"
    type = "public"            # "group" | "public"
    description = "Monthly all-hands"
    read_only = false
    password_env = "TOWNHALL_PW" # name of an environment variable holding the password
    rotate_password = false    # true: re-set it even if the conversation has one
    favorite = true
    notify = "mention"         # default | always | mention | never (or 1-3)

tomllib reports positions only for syntax errors, so tables and keys are located in the
text here: every problem names its line and the offending value. No typer, no rich.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talkctl.declarative.converge import CONVERGEABLE_TYPES, NOTIFY_LEVELS, Wanted
from talkctl.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

KEYS = (
    "name",
    "type",
    "description",
    "read_only",
    "password_env",
    "rotate_password",
    "favorite",
    "notify",
)
_TABLE = re.compile(r"^\s*\[\[\s*conversation\s*\]\]\s*(#.*)?$")
_HEADER = re.compile(r"^\s*\[")
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
_SYNTAX_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


class ApplyFileError(UsageError):
    """An invalid apply file: ``problems`` holds one line per problem (``FILE:LINE: ...``)."""

    def __init__(self, path: str, problems: list[str]) -> None:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{path}: {count}; nothing was changed")
        self.problems = problems


@dataclass
class _Layout:
    """Where things are in the text (1-based lines)."""

    tables: list[int] = field(default_factory=list)  # line of each [[conversation]]
    keys: list[dict[str, int]] = field(default_factory=list)  # per table: key -> line
    top_keys: dict[str, int] = field(default_factory=dict)  # keys before any table
    other_tables: list[tuple[int, str]] = field(default_factory=list)


def _layout(text: str) -> _Layout:
    layout = _Layout()
    current: dict[str, int] | None = None
    in_other = False
    quote: str | None = None  # inside a multi-line string
    for number, line in enumerate(text.splitlines(), 1):
        if quote is not None:
            if line.count(quote) % 2 == 1:
                quote = None
            continue
        if _TABLE.match(line):
            layout.tables.append(number)
            current, in_other = {}, False
            layout.keys.append(current)
        elif _HEADER.match(line):
            layout.other_tables.append((number, line.strip()))
            current, in_other = None, True
        elif match := _KEY.match(line):
            key = next(g for g in match.groups() if g)
            if current is not None:
                current.setdefault(key, number)
            elif not in_other:
                layout.top_keys.setdefault(key, number)
        for mark in ('"""', "'''"):
            if line.count(mark) % 2 == 1:
                quote = mark
    return layout


def _show(value: Any) -> str:
    """A value as it would be written in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        import json

        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def load(path: Path, env: Mapping[str, str]) -> list[Wanted]:
    """Read and check ``path``; raises ApplyFileError listing every problem."""
    label = str(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {label}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _SYNTAX_POSITION.search(message)
        line = found.group(1) if found else "?"
        raise ApplyFileError(label, [f"{label}:{line}: invalid TOML: {message}"]) from None
    return parse(data, text, label, env)


def parse(data: dict[str, Any], text: str, label: str, env: Mapping[str, str]) -> list[Wanted]:
    """Check the parsed document; every problem is collected before raising."""
    layout = _layout(text)
    found: list[tuple[int, str]] = []  # (line, message), reported in line order

    def at(line: int | None, message: str) -> None:
        found.append((line or 0, f"{label}:{line if line else '?'}: {message}"))

    def problems() -> list[str]:
        return [message for _, message in sorted(found, key=lambda item: item[0])]

    for key in data:
        if key != "conversation":
            at(layout.top_keys.get(key), f"unknown top-level key {key!r}: only [[conversation]]")
    tables = data.get("conversation")
    if tables is None:
        at(1, "no [[conversation]] tables")
        raise ApplyFileError(label, problems())
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        at(layout.top_keys.get("conversation"), "'conversation' must be [[conversation]] tables")
        raise ApplyFileError(label, problems())
    wishes: list[Wanted] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(tables):
        start = layout.tables[index] if index < len(layout.tables) else None
        keys = layout.keys[index] if index < len(layout.keys) else {}
        before = len(found)
        wish = _wish(table, keys, start, env, at)
        if wish is None or len(found) > before:
            continue
        if wish.name in seen:
            at(
                keys.get("name", start),
                f"name {_show(wish.name)} appears twice (first at line {seen[wish.name]})",
            )
            continue
        seen[wish.name] = keys.get("name", start) or 0
        wishes.append(wish)
    if found:
        raise ApplyFileError(label, problems())
    return wishes


def _wish(
    table: dict[str, Any],
    keys: dict[str, int],
    start: int | None,
    env: Mapping[str, str],
    at: Any,
) -> Wanted | None:
    def line(key: str) -> int | None:
        return keys.get(key, start)

    def wrong(key: str, expected: str) -> None:
        at(line(key), f"{key} must be {expected}, not {_show(table[key])}")

    for key in table:
        if key not in KEYS:
            at(line(key), f"unknown key {key!r} = {_show(table[key])} (valid: {', '.join(KEYS)})")
    name = table.get("name")
    if name is None:
        at(start, "[[conversation]] without a name")
    elif not isinstance(name, str) or not name.strip():
        wrong("name", "a non-empty string")
    kind = table.get("type")
    if kind is not None and kind not in CONVERGEABLE_TYPES:
        wrong("type", '"group" or "public"')
    description = table.get("description")
    if description is not None and not isinstance(description, str):
        wrong("description", "a string")
    for key in ("read_only", "rotate_password", "favorite"):
        if key in table and not isinstance(table[key], bool):
            wrong(key, "true or false")
    notify = table.get("notify")
    level: int | None = None
    if notify is not None:
        if isinstance(notify, str) and notify in NOTIFY_LEVELS:
            level = NOTIFY_LEVELS[notify]
        elif isinstance(notify, int) and not isinstance(notify, bool) and notify in (1, 2, 3):
            level = notify
        else:
            wrong("notify", '"default", "always", "mention", "never" or 1-3')
    password: str | None = None
    variable = table.get("password_env")
    if variable is not None:
        if not isinstance(variable, str) or not variable:
            wrong("password_env", "the name of an environment variable")
        elif not env.get(variable):
            at(line("password_env"), f"password_env: environment variable {variable} is not set")
        else:
            password = env[variable]
        if kind != "public":
            at(line("password_env"), 'a password needs type = "public"')
    if table.get("rotate_password") is True and variable is None:
        at(line("rotate_password"), "rotate_password = true needs password_env")
    if not isinstance(name, str) or not name.strip():
        return None
    return Wanted(
        name=name,
        type=CONVERGEABLE_TYPES.get(kind) if isinstance(kind, str) else None,
        description=description if isinstance(description, str) else None,
        read_only=table.get("read_only") if isinstance(table.get("read_only"), bool) else None,
        password=password,
        rotate_password=table.get("rotate_password") is True,
        favorite=table.get("favorite") if isinstance(table.get("favorite"), bool) else None,
        notify=level,
    )
