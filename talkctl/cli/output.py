"""Lists and details of conversations, and the renderer that turns them into terminal text,
plain rows or JSON (results of changes: talkctl/cli/results.py).

Data goes to stdout; confirmations and summaries go to stderr. A terminal gets Rich tables;
a pipe gets tab-separated rows with no colour and no truncation.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any

import typer

from talkctl.api.models import Conversation, level_name
from talkctl.cli.context import Environment
from talkctl.cli.jsonout import write_json, write_json_or_lines
from talkctl.errors import UsageError

FORMATS = ("table", "json", "jsonl", "csv", "tsv")

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON (the server's objects, every field).")
]
FormatOption = Annotated[
    str | None,
    typer.Option("--format", help="Output format: table, json, jsonl, csv or tsv.", metavar="FMT"),
]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        help="Comma-separated fields of the conversation objects to print (e.g. token,name).",
        metavar="F1,F2",
    ),
]


def choose_format(json_flag: bool, fmt: str | None) -> str:
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if json_flag and fmt not in (None, "json"):
        raise UsageError("--json and --format are exclusive")
    return "json" if json_flag else (fmt or "table")


# --- results -------------------------------------------------------------------------------


@dataclass
class ConversationList:
    conversations: list[Conversation]
    fields: list[str] | None = None


@dataclass
class ConversationDetail:
    conversation: Conversation
    message: str | None = None


# --- columns ---------------------------------------------------------------------------------


def _when(timestamp: int) -> str:
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


def _flags(c: Conversation) -> str:
    marks = [
        ("favorite", c.is_favorite),
        ("password", c.has_password),
        ("read-only", c.read_only),
        ("archived", c.is_archived),
    ]
    return ",".join(name for name, on in marks if on)


Column = tuple[str, Callable[[Conversation], Any]]
LIST_COLUMNS: list[Column] = [
    ("TOKEN", lambda c: c.token),
    ("TYPE", lambda c: c.type_name),
    ("NAME", lambda c: c.display_name),
    ("UNREAD", lambda c: c.unread_messages),
    ("LAST ACTIVITY", lambda c: _when(c.last_activity)),
    ("FLAGS", _flags),
]


def detail_rows(c: Conversation) -> list[tuple[str, str]]:
    rows = [
        ("token", c.token),
        ("name", c.display_name),
        ("type", c.type_name),
        ("description", c.description),
        ("password", "yes" if c.has_password else "no"),
        ("read-only", "on" if c.read_only else "off"),
        ("favorite", "yes" if c.is_favorite else "no"),
        ("notifications", level_name(c.notification_level)),
        ("unread", str(c.unread_messages)),
        ("last activity", _when(c.last_activity)),
    ]
    if c.object_type:
        rows.append(("object", f"{c.object_type} {c.raw.get('objectId', '')}".strip()))
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return " ".join(str(value).split("\t")).replace("\n", " ")


# --- renderer --------------------------------------------------------------------------------


class Renderer:
    def __init__(self, environment: Environment, fmt: str = "table") -> None:
        self.env = environment
        self.fmt = fmt

    def _json(self, value: Any) -> None:
        write_json(self.env, value)

    def _console(self, stderr: bool = False) -> Any:
        from rich.console import Console

        return Console(
            file=self.env.stderr if stderr else self.env.stdout,
            no_color=self.env.no_color,
            highlight=False,
            soft_wrap=False,
        )

    def render(self, result: Any) -> None:
        if isinstance(result, ConversationList):
            self.conversation_list(result)
        elif isinstance(result, ConversationDetail):
            self.conversation_detail(result)
        else:  # pragma: no cover - a programming error
            raise TypeError(f"cannot render {type(result).__name__}")
        self.env.stdout.flush()

    def conversation_list(self, result: ConversationList) -> None:
        items = result.conversations
        if self.fmt in ("json", "jsonl"):
            objects = [_pick(c, result.fields) for c in items]
            write_json_or_lines(self.env, self.fmt, objects)
            return
        if result.fields:
            headers = list(result.fields)
            rows = [[_cell(c.raw.get(f)) for f in headers] for c in items]
        else:
            headers = [name for name, _ in LIST_COLUMNS]
            rows = [[_cell(get(c)) for _, get in LIST_COLUMNS] for c in items]
        self._rows(headers, rows)

    def _rows(self, headers: Sequence[str], rows: list[list[str]]) -> None:
        if self.fmt == "csv":
            writer = csv.writer(self.env.stdout, lineterminator="\n")
            writer.writerow(headers)
            writer.writerows(rows)
            return
        if self.fmt == "table" and self.env.stdout_isatty:
            from rich.table import Table

            table = Table(box=None, header_style="bold", pad_edge=False)
            for header in headers:
                table.add_column(header, overflow="fold")
            for row in rows:
                table.add_row(*row)
            self._console().print(table)
            return
        for row in rows:
            self.env.stdout.write("\t".join(row) + "\n")

    def conversation_detail(self, result: ConversationDetail) -> None:
        if result.message:
            self.env.message(result.message)
        conversation = result.conversation
        if self.fmt in ("json", "jsonl"):
            write_json_or_lines(self.env, self.fmt, conversation.to_json())
            return
        rows = detail_rows(conversation)
        if self.env.stdout_isatty and self.fmt == "table":
            from rich.table import Table

            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold")
            grid.add_column()
            for key, value in rows:
                grid.add_row(key, value)
            self._console().print(grid)
            return
        for key, value in rows:
            self.env.stdout.write(f"{key}\t{_cell(value)}\n")


def _pick(conversation: Conversation, fields: list[str] | None) -> dict[str, Any]:
    if not fields:
        return conversation.to_json()
    return {f: conversation.raw.get(f) for f in fields}
