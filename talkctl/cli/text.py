"""Text from others (names, display names, server messages) made safe to print.

- On a terminal, control characters are shown escaped: C0 (except a newline where a message
  may hold one), DEL and C1, so ``ESC ] 0 ; ... BEL`` cannot retitle the window or colour
  the screen. ``--json`` and the machine formats keep the exact string.
- Rich never interprets markup in them: renderers hand it :class:`rich.text.Text` objects
  and the one console (``Environment.console``) has markup off.
- Whatever the encoding, output is complete: a character the stream cannot encode (a lone
  surrogate ``\\ud800`` from a server's JSON) is written as a backslash escape.
"""

from __future__ import annotations

import contextlib
import re
import sys
from typing import Any

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _NAMED.get(char) or f"\\x{ord(char):02x}"


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters shown as ``\\x1b``, ``\\t``, ``\\n``; lone surrogates
    as ``\\ud800`` (they cannot be encoded)."""
    pattern = _CONTROL if keep_newlines else _CONTROL_OR_NEWLINE
    text = pattern.sub(_escape, text)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return text


def one_line(text: str) -> str:
    """An error or message as one line: white space runs become one space, and control
    characters from a server are escaped (on a pipe too: a log line stays one line)."""
    return escape_controls(" ".join(text.split()))


def protect_streams() -> None:
    """Make stdout and stderr write what they cannot encode as backslash escapes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):  # a closed or odd stream
                reconfigure(errors="backslashreplace")


def literal_console(file: Any, *, no_color: bool, force_terminal: bool | None = None) -> Any:
    """A Rich console that prints every string literally (see Environment.console)."""
    from rich.console import Console
    from rich.text import Text

    class LiteralConsole(Console):
        def render_str(self, text: str, **options: Any) -> Text:
            options["markup"] = False
            options["emoji"] = False
            return super().render_str(escape_controls(text, keep_newlines=True), **options)

    return LiteralConsole(
        file=file,
        no_color=no_color,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        force_terminal=force_terminal,
    )
