"""The shared printers: any noun's lists and details as a table, tsv, csv, json or jsonl
(results of changes: talkctl/cli/results.py; what a noun prints: talkctl/cli/fields.py).

Data goes to stdout; confirmations and summaries go to stderr.

- table: on a terminal, a Rich table (times in local time; cells cut with "…" when the
  terminal is too narrow; control characters escaped, markup never interpreted); on a pipe
  the same rows tab-separated.
- tsv: a row per item, no header; ``\\t``, ``\\n``, ``\\r`` and ``\\\\`` in a value are
  written as those two-character escapes, so a value never breaks the row and reads back.
- csv: a header of field keys, then rows quoted as CSV does (RFC 4180).
- json / jsonl: the server's objects, every field, exact strings.

The default csv/tsv columns write times as ISO 8601 with their UTC offset; ``--fields``
values stay as the server sent them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

import typer

from talkctl.api.models import Conversation
from talkctl.cli.completion import complete_choices
from talkctl.cli.context import Environment
from talkctl.cli.fields import Noun, Time
from talkctl.cli.jsonout import write_json, write_json_or_lines
from talkctl.errors import UsageError

T = TypeVar("T")
SHORT_COLUMN = 20  # a column this narrow is never cut on a narrow terminal
FORMATS = ("table", "json", "jsonl", "csv", "tsv")

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON (the server's objects, every field).")
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Output format: table, json, jsonl, csv or tsv.",
        metavar="FMT",
        autocompletion=complete_choices(*FORMATS),
    ),
]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        help="Comma-separated fields of the server's objects to print (e.g. token,name).",
        metavar="F1,F2",
    ),
]


def choose_format(json_flag: bool, fmt: str | None) -> str:
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if json_flag and fmt not in (None, "json"):
        raise UsageError("--json and --format are exclusive")
    return "json" if json_flag else (fmt or "table")


# --- what commands hand to the renderer ----------------------------------------------------


@dataclass
class ConversationList:
    conversations: list[Conversation]
    fields: list[str] | None = None


@dataclass
class ConversationDetail:
    conversation: Conversation
    message: str | None = None
    server: str | None = None  # the server's URL: shows the guest link of a public one


# --- cells -----------------------------------------------------------------------------------


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


def fit_widths(natural: Sequence[int], total: int, *, gap: int) -> list[int]:
    """Column widths that fit ``total`` columns: unchanged when they fit; else the long
    columns (wider than SHORT_COLUMN) shrink, largest first, down to SHORT_COLUMN/2."""
    widths = list(natural)
    excess = sum(widths) + gap * (len(widths) - 1) - total
    floor = SHORT_COLUMN // 2
    long = [i for i, width in enumerate(natural) if width > SHORT_COLUMN]
    while excess > 0 and long:
        widest = max(long, key=lambda i: widths[i])
        if widths[widest] <= floor:
            break  # nothing left to cut: the terminal crops the rest
        others = [widths[i] for i in long if i != widest]
        cut = max(1, min(excess, widths[widest] - max([floor, *others])))
        widths[widest] -= cut
        excess -= cut
    return widths


# --- the renderer ----------------------------------------------------------------------------


class Renderer:
    """Prints lists and details of any noun in one output format."""

    def __init__(self, environment: Environment, fmt: str = "table") -> None:
        self.env = environment
        self.fmt = fmt

    def render(self, result: Any) -> None:
        if isinstance(result, ConversationList):
            from talkctl.cli.room.columns import CONVERSATION

            self.items(CONVERSATION, result.conversations, result.fields)
        elif isinstance(result, ConversationDetail):
            from talkctl.cli.room.columns import conversation_details

            if result.message:
                self.env.message(result.message)
            conversation = result.conversation
            if self.fmt in ("json", "jsonl"):
                self.json(conversation.to_json())
            else:
                self.detail_rows(conversation_details(conversation, result.server))
        else:  # pragma: no cover - a programming error
            raise TypeError(f"cannot render {type(result).__name__}")
        self.env.stdout.flush()

    # -- any noun --

    def items(self, noun: Noun[T], items: Sequence[T], fields: Sequence[str] | None = None) -> None:
        """A list: the noun's default columns, or the chosen ``fields`` of its objects."""
        if self.fmt in ("json", "jsonl"):
            self.json([noun.pick(item, fields) for item in items])
            return
        if fields:
            keys = headers = list(fields)
            cells = [[noun.raw(item).get(f) for f in fields] for item in items]
        else:
            keys = [column.key for column in noun.columns]
            headers = [column.header for column in noun.columns]
            cells = [[column.get(item) for column in noun.columns] for item in items]
        self.rows(headers, cells, keys=keys)

    def detail(self, noun: Noun[T], item: T) -> None:
        """One item: its server object as JSON, else the noun's (label, value) rows."""
        if self.fmt in ("json", "jsonl"):
            self.json(dict(noun.raw(item)))
        elif noun.details is not None:
            self.detail_rows(noun.details(item))
        self.env.stdout.flush()

    # -- the primitives --

    def json(self, value: Any) -> None:
        """``value`` as JSON (``jsonl``: a list becomes one object a line)."""
        if self.fmt == "jsonl":
            write_json_or_lines(self.env, "jsonl", value)
        else:
            write_json(self.env, value)
        self.env.stdout.flush()

    def rows(
        self, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, keys: Sequence[str] = ()
    ) -> None:
        """Rows of cells: a table on a terminal, csv (headed by ``keys``, else ``headers``),
        else tsv."""
        fmt = self.fmt
        if fmt == "csv":
            writer = csv.writer(self.env.stdout, lineterminator="\n")
            writer.writerow(list(keys or headers))
            writer.writerows([cell_text(value, fmt) for value in row] for row in rows)
        elif fmt == "table" and self.env.stdout_isatty:
            self._table(headers, rows)
        else:
            for row in rows:
                self.env.stdout.write("\t".join(tsv_escape(cell_text(v, fmt)) for v in row) + "\n")
        self.env.stdout.flush()

    def detail_rows(self, rows: Sequence[tuple[str, Any]]) -> None:
        """(label, value) rows: a grid on a terminal, else ``label<TAB>value`` lines."""
        if self.fmt == "table" and self.env.stdout_isatty:
            from rich.table import Table

            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column()
            for label, value in rows:
                grid.add_row(self._text(label), self._text(cell_text(value, "table")))
            self.env.console().print(grid)
        else:
            for label, value in rows:
                self.env.stdout.write(f"{label}\t{tsv_escape(cell_text(value, self.fmt))}\n")
        self.env.stdout.flush()

    def _table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """A Rich table; when the terminal is too narrow, the long columns are cut with "…"
        (as gh does) while short ones (tokens, types, times) keep their width."""
        from rich.table import Table

        console = self.env.console()
        cells = [[self._text(cell_text(value, "table")) for value in row] for row in rows]
        natural = [
            max([len(header), *(row[index].cell_len for row in cells)])
            for index, header in enumerate(headers)
        ]
        widths = fit_widths(natural, console.width, gap=2)
        table = Table(box=None, header_style="bold", pad_edge=False)
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, overflow="ellipsis", no_wrap=True, width=width)
        for row in cells:
            for text, width in zip(row, widths, strict=True):
                text.truncate(width, overflow="ellipsis")
            table.add_row(*row)
        console.print(table)

    @staticmethod
    def _text(text: str) -> Any:
        """Literal text for Rich: no markup, control characters escaped."""
        from rich.text import Text

        from talkctl.cli.text import escape_controls

        return Text(escape_controls(text))

    # names the result renderer (cli/results.py) uses
    _json = json
    _rows = rows
