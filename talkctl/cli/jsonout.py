"""JSON on stdout, written the same way by every command.

A terminal gets indented JSON, with invisible and bidirectional format characters written
as ``\u202e`` escapes (the same string to any JSON reader, but visible); a pipe gets compact
JSON (the C encoder: several times faster for thousands of conversations). Arrays are
written one item at a time, so a listing of 5,000 conversations never exists as one 14 MB
string.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from talkctl.cli.context import Environment


def _finite(value: Any) -> Any:
    """``value`` with NaN and ±Infinity (which JSON cannot hold) replaced by null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _dumps(value: Any, **kwargs: Any) -> str:
    """json.dumps that never writes NaN or Infinity: a server that sent them (Python's
    decoder accepts them) gets null in that field, and the document stays valid JSON."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, **kwargs)
    except ValueError:
        return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False, **kwargs)


def _visible(text: str) -> str:
    """JSON text with format characters (only ever inside strings) as ``\\uXXXX``."""
    from talkctl.cli.text import FORMAT_CHARS

    return FORMAT_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_json(env: Environment, value: Any) -> None:
    out: Any = _Visible(env.stdout) if env.stdout_isatty else env.stdout
    indent = 2 if env.stdout_isatty else None
    separators = None if indent else (",", ":")
    if not isinstance(value, list) or not value:
        out.write(_dumps(value, indent=indent, separators=separators))
        out.write("\n")
        return
    last = len(value) - 1
    out.write("[\n" if indent else "[")
    for index, item in enumerate(value):
        text = _dumps(item, indent=indent, separators=separators)
        comma = "," if index < last else ""
        if indent:
            # JSON strings never hold a raw newline: every line of the item gets indented
            out.write("  " + text.replace("\n", "\n  ") + comma + "\n")
        else:
            out.write(text + comma)
    out.write("]\n")


def write_jsonl(env: Environment, objects: Iterable[Any]) -> None:
    out: Any = _Visible(env.stdout) if env.stdout_isatty else env.stdout
    for obj in objects:
        out.write(_dumps(obj, separators=(",", ":")) + "\n")


class _Visible:
    """A stream for a terminal: what is written has its format characters escaped."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return int(self.stream.write(_visible(text)))


def write_json_or_lines(env: Environment, fmt: str, value: Any) -> None:
    """``--format json`` (one document) or ``jsonl`` (a list becomes one object a line)."""
    if fmt == "jsonl":
        write_jsonl(env, value if isinstance(value, list) else [value])
    else:
        write_json(env, value)
    env.stdout.flush()
