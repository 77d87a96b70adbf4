"""The one renderer: lists and details of any noun, results of changes and plans, in one
output format (what a noun prints: talkctl/cli/fields.py; what a result says:
talkctl/cli/results.py).

Data goes to stdout; confirmations, per-item lines and summaries go to stderr.

- table: on a terminal, a Rich table (times in local time; names cut with "…" when the
  terminal is too narrow, tokens and ids never; other people's text escaped, markup never
  interpreted); on a pipe the same rows tab-separated.
- tsv, csv, json, jsonl: see talkctl/cli/output/formats.py (one escaper per format).
- lines on stderr: readable on a terminal (escaped, no tabs), TSV on a pipe.

The default csv/tsv columns write times as ISO 8601 with their UTC offset; ``--fields``
values stay as the server sent them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from talkctl.cli.context import Environment
from talkctl.cli.fields import Noun
from talkctl.cli.jsonout import write_json, write_json_or_lines
from talkctl.cli.output.formats import (
    cell_text,
    fit_widths,
    terminal,
    tsv_escape,
    tsv_line,
    write_csv,
)

if TYPE_CHECKING:
    from talkctl.cli.results import Results

T = TypeVar("T")
Cell = Any  # a value for cell_text, or a tuple of lines (a cell of several lines)


class Renderer:
    """Prints anything a command returns in one output format."""

    def __init__(self, environment: Environment, fmt: str = "table") -> None:
        self.env = environment
        self.fmt = fmt

    @property
    def machine(self) -> bool:
        return self.fmt in ("json", "jsonl")

    @property
    def table_on_terminal(self) -> bool:
        return self.fmt == "table" and self.env.stdout_isatty

    # -- any noun --

    def items(self, noun: Noun[T], items: Sequence[T], fields: Sequence[str] | None = None) -> None:
        """A list: the noun's default columns, or the chosen ``fields`` of its objects."""
        if self.machine:
            self.json([noun.pick(item, fields) for item in items])
            return
        if fields:
            keys = headers = list(fields)
            cells = [[noun.raw(item).get(f) for f in fields] for item in items]
        else:
            keys = [column.key for column in noun.columns]
            headers = [column.header for column in noun.columns]
            cells = [[column.get(item) for column in noun.columns] for item in items]
        self.rows(headers, cells, keys=keys, whole=noun.whole)

    def detail(self, noun: Noun[T], item: T, rows: Sequence[tuple[str, Any]] | None = None) -> None:
        """One item: its server object as JSON, else its (label, value) rows (``rows``, or
        the noun's ``details``)."""
        if self.machine:
            self.json(dict(noun.raw(item)))
        elif rows is not None:
            self.detail_rows(rows)
        elif noun.details is not None:
            self.detail_rows(noun.details(item))
        self.env.stdout.flush()

    def results(self, results: Results) -> None:
        """The records of a change (see talkctl/cli/output/records.py)."""
        from talkctl.cli.output.records import render

        render(self, results)

    # -- the primitives: stdout --

    def json(self, value: Any) -> None:
        """``value`` as JSON (``jsonl``: a list becomes one object a line)."""
        if self.fmt == "jsonl":
            write_json_or_lines(self.env, "jsonl", value)
        else:
            write_json(self.env, value)
        self.env.stdout.flush()

    def rows(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        *,
        keys: Sequence[str] = (),
        whole: Collection[str] = (),
        tsv_header: bool = False,
        wrap: bool = False,
        title: str | None = None,
    ) -> None:
        """Rows of cells: a table on a terminal (``whole`` columns, by key, never cut;
        ``wrap``: long cells fold instead of being cut), csv (headed by ``keys``, else
        ``headers``), else tsv (headed by the keys with ``tsv_header``)."""
        fmt = self.fmt
        header = list(keys or headers)
        if fmt == "csv":
            write_csv(self.env.stdout, header, ([self._data(v) for v in row] for row in rows))
        elif self.table_on_terminal:
            kept = [key in whole for key in (keys or headers)]
            self._table(headers, rows, kept, wrap=wrap, title=title)
        else:
            out = self.env.stdout
            if tsv_header:
                out.write(tsv_line(header) + "\n")
            for row in rows:
                out.write(self._tsv(row) + "\n")
        self.env.stdout.flush()

    def detail_rows(self, rows: Sequence[tuple[str, Any]]) -> None:
        """(label, value) rows: a grid on a terminal, csv with a ``field,value`` header,
        else ``label<TAB>value`` lines."""
        if self.table_on_terminal:
            from rich.table import Table

            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column()
            for label, value in rows:
                grid.add_row(self._text(label), self._text(cell_text(value, "table")))
            self.env.console().print(grid)
        elif self.fmt == "csv":
            write_csv(self.env.stdout, ("field", "value"), ((k, self._data(v)) for k, v in rows))
        else:
            for label, value in rows:
                self.env.stdout.write(self._tsv((label, value)) + "\n")
        self.env.stdout.flush()

    # -- the primitives: stderr --

    def line(self, *fields: str) -> None:
        """One line of several fields on stderr: a terminal gets them readable (two spaces
        apart, escaped: a name never forges a line), a pipe gets a TSV row."""
        if self.env.stderr_isatty:
            self.env.message(terminal("  ".join(fields)))
        else:
            self.env.message(tsv_line(fields))

    def say(self, text: str) -> None:
        """A sentence on stderr that holds other people's text: always one line."""
        self.env.message(terminal(text))

    # -- helpers --

    def _plain(self, value: Cell) -> str:
        if isinstance(value, tuple):
            return "; ".join(cell_text(v, self.fmt) for v in value)
        return cell_text(value, self.fmt)

    def _data(self, value: Cell) -> str:
        """A csv value: exact on a pipe; on a terminal (``--format csv`` read by a person)
        control and format characters escaped, so a name cannot drive the terminal."""
        text = self._plain(value)
        return terminal(text) if self.env.stdout_isatty else text

    def _tsv(self, row: Sequence[Cell]) -> str:
        """A TSV row; on a terminal what tsv leaves (ESC, U+202E) is escaped as well."""
        if not self.env.stdout_isatty:
            return tsv_line(self._plain(value) for value in row)
        return "\t".join(terminal(tsv_escape(self._plain(value))) for value in row)

    def _table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        whole: Sequence[bool],
        *,
        wrap: bool,
        title: str | None,
    ) -> None:
        """A Rich table. When the terminal is too narrow, the long columns are cut with "…"
        (as gh does) or, with ``wrap``, folded; tokens and ids keep their width (the table
        may then be wider than the terminal)."""
        from rich.table import Table

        console = self.env.console()
        cells = [[self._cell(value) for value in row] for row in rows]
        natural = [
            max([len(header), *(row[index].cell_len for row in cells)])
            for index, header in enumerate(headers)
        ]
        if wrap:
            widths: list[int | None] = [
                n if keep else None for n, keep in zip(natural, whole, strict=True)
            ]
        else:
            widths = list(fit_widths(natural, console.width, gap=2, whole=whole))
        box: dict[str, Any] = {} if title else {"box": None, "pad_edge": False}
        table = Table(header_style="bold", title=title, **box)
        for header, width, keep in zip(headers, widths, whole, strict=True):
            table.add_column(
                header,
                overflow="fold" if wrap and not keep else "ellipsis",
                no_wrap=keep or not wrap,
                width=width,
            )
        for row in cells:
            if not wrap:
                for text, width in zip(row, widths, strict=True):
                    text.truncate(width, overflow="ellipsis")
            table.add_row(*row)
        needed = sum(w or 0 for w in widths) + 2 * (len(widths) - 1)
        if wrap or needed <= console.width:
            console.print(table)
            return
        saved = console.width
        console.width = needed  # tokens stay whole: the terminal wraps the line instead
        try:
            console.print(table)
        finally:
            console.width = saved

    def _cell(self, value: Cell) -> Any:
        if isinstance(value, tuple):  # several lines, each escaped
            return self._text("\n".join(terminal(cell_text(v, "table")) for v in value), False)
        return self._text(cell_text(value, "table"))

    @staticmethod
    def _text(text: str, escape: bool = True) -> Any:
        """Literal text for Rich: no markup, control and format characters escaped."""
        from rich.text import Text

        return Text(terminal(text) if escape else text)
