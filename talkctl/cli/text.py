"""Text from others (names, display names, server messages) made safe to print.

- On a terminal, control characters are shown escaped: C0 (except a newline where a message
  may hold one), DEL and C1, so ``ESC ] 0 ; ... BEL`` cannot retitle the window or colour
  the screen; so are the invisible and bidirectional format characters (U+202E turns
  ``rtl-\u202egnp.exe`` into what looks like ``rtl-exe.png``; zero-width ones hide text).
  ``--json`` and the machine formats keep the exact string.
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

# Invisible and bidirectional format characters (Unicode category Cf that changes how the
# text around it reads, and the line/paragraph separators): the soft hyphen, the Arabic
# letter mark, the Mongolian vowel separator, U+200B-U+200F (zero-width space/joiners,
# LRM/RLM), U+2028/U+2029, U+202A-U+202E (embeddings and overrides), U+2060-U+206F (word
# joiner, invisible operators, U+2066-U+2069 isolates), U+FEFF (BOM) and U+FFF9-U+FFFB.
_FORMAT = "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
FORMAT_CHARS = re.compile(f"[{_FORMAT}]")
_CONTROL = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_FORMAT}]")
_CONTROL_OR_NEWLINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters shown as ``\\x1b``, ``\\t``, ``\\n``, format
    characters as ``\\u202e``; lone surrogates as ``\\ud800`` (they cannot be encoded)."""
    pattern = _CONTROL if keep_newlines else _CONTROL_OR_NEWLINE
    text = pattern.sub(_escape, text)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return text


def shell_word(text: str) -> str:
    """``text`` as one shell word on one line: shell-quoted, or (a newline, a control or
    format character in it) bash's ``$'...'``, whose escapes give back the exact text."""
    import shlex

    if escape_controls(text) == text:
        return shlex.quote(text)
    return "$'" + escape_controls(text.replace("\\", "\\\\").replace("'", "\\'")) + "'"


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
