"""A chat history as a readable Markdown transcript.

Day headings, then one block a message: its time, the author's display name and the text,
its rich-object placeholders (``{mention-user1}``, ``{file}``, ``{actor}``) replaced by what
Talk's clients show (a mention as ``@name``, a file by its name); replies quote the start of
the message they answer; system messages are worded as the server worded them; edits and
deletions are marked. Everything written by people stays literal: every character Markdown
could read as syntax is backslash-escaped (a ``# heading``, ``[link](x)``, ``<b>``, ``|`` or
``&amp;`` in a message is shown as typed), control characters are shown as ``\\x1b``, and a
message of several lines stays one block (hard line breaks). Each block starts with an HTML
comment naming the message id (``--resume`` continues from the last one).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from talkctl.cli.text import escape_controls

MARKER = "<!-- message {id} -->"
MARKER_RE = re.compile(r"^<!-- message (\d+) -->$", re.M)
DAY_RE = re.compile(r"^## (\d{4}-\d{2}-\d{2})$", re.M)
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_-]+)\}")
_INLINE = re.compile(r"([\\`*_{}\[\]()<>|~!&#])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=:])")
PEOPLE = ("user", "guest", "group", "call", "user-group", "circle", "email", "federated_user")
QUOTED = 80  # characters of a replied-to message quoted


def escape(text: str) -> str:
    """``text`` shown literally in Markdown, on one or more lines of one paragraph."""
    lines = []
    for line in escape_controls(text, keep_newlines=True).split("\n"):
        stripped = line.lstrip(" \t")
        indent = "&nbsp;" * (len(line) - len(stripped))  # no indented code block
        body = _LINE_START.sub(_escape_start, _INLINE.sub(r"\\\1", stripped))
        lines.append(indent + body if body else "&nbsp;")
    return "\\\n".join(lines)  # a backslash at the end of a line: a hard break


def _escape_start(match: re.Match[str]) -> str:
    """A list item, setext underline or definition would start here: escape its mark."""
    if match.group(1) is not None:
        return f"{match.group(1)}\\{match.group(2)}"
    return "\\" + match.group(3)


def _param_text(param: Any, key: str) -> str:
    if not isinstance(param, dict):
        return "{" + key + "}"
    name = str(param.get("name") or param.get("id") or key)
    kind = param.get("type")
    if kind in (
        "user",
        "guest",
        "group",
        "call",
        "user-group",
        "circle",
        "email",
        "federated_user",
    ):
        return "@" + name if key.startswith("mention") else name
    return name


def rendered_text(message: dict[str, Any]) -> str:
    """The message's text with its placeholders replaced (not yet escaped)."""
    text = str(message.get("message", ""))
    params = message.get("messageParameters")
    if not isinstance(params, dict) or not params:
        return text

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        return _param_text(params[key], key) if key in params else match.group(0)

    return _PLACEHOLDER.sub(replace, text)


def day_of(message: dict[str, Any]) -> str:
    return _when(message).strftime("%Y-%m-%d")


def _when(message: dict[str, Any]) -> datetime:
    stamp = message.get("timestamp")
    return datetime.fromtimestamp(stamp if isinstance(stamp, int) else 0)


def heading(title: str, token: str) -> str:
    return f"# {escape(title)}\n\nConversation `{token}`, exported by talkctl.\n\n"


def block(message: dict[str, Any], last_day: str | None) -> tuple[str, str]:
    """The Markdown of one message (with a day heading when the day changed), and its day."""
    day = day_of(message)
    out = []
    if day != last_day:
        out.append(f"## {day}\n\n")
    out.append(MARKER.format(id=message.get("id", 0)) + "\n")
    time = _when(message).strftime("%H:%M")
    author = escape(str(message.get("actorDisplayName") or message.get("actorId") or "?"))
    text = escape(rendered_text(message))
    kind = message.get("messageType")
    if kind == "system":
        out.append(f"*{time}* · _{text}_\n\n")
        return "".join(out), day
    parent = message.get("parent")
    if isinstance(parent, dict) and parent:
        quoted = " ".join(rendered_text(parent).split())
        if len(quoted) > QUOTED:
            quoted = quoted[: QUOTED - 1] + "…"
        who = escape(str(parent.get("actorDisplayName") or parent.get("actorId") or "?"))
        out.append(f"> {who}: {escape(quoted)}\n\n")
    marks = []
    if kind == "comment_deleted" or message.get("deleted"):
        marks.append("deleted")
    if message.get("lastEditTimestamp"):
        marks.append("edited")
    note = f" _({', '.join(marks)})_" if marks else ""
    out.append(f"*{time}* **{author}**{note}: {text}\n\n")
    return "".join(out), day
