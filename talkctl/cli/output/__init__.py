"""The output package: one renderer for everything a command prints, one escaper per format.

- ``renderer.py``  the one :class:`Renderer`: any noun's lists and details, results of
                   changes and plans, as a table, tsv, csv, json or jsonl; lines on stderr
- ``formats.py``   cells (times, values) and the escaper of each format (terminal, tsv, csv)
- ``records.py``   how the records of a change become rows, lines and a summary

Commands take the shared options below and hand what they print to ``Renderer(env, fmt)``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.completion import complete_choices
from talkctl.cli.output.formats import (
    SHORT_COLUMN,
    cell_text,
    fit_widths,
    iso_time,
    local_time,
    tsv_escape,
    tsv_unescape,
)
from talkctl.cli.output.renderer import Renderer
from talkctl.errors import UsageError

__all__ = [
    "FORMATS",
    "SHORT_COLUMN",
    "FieldsOption",
    "FormatOption",
    "JsonOption",
    "Renderer",
    "cell_text",
    "choose_format",
    "fit_widths",
    "iso_time",
    "local_time",
    "tsv_escape",
    "tsv_unescape",
]

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
