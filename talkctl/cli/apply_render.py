"""How ``apply`` shows its plan and its results: a Rich table on a terminal, rows on a pipe
(tab-separated, or CSV), or the result records as JSON (``--json``, ``--format jsonl``).
The plan lists each change: ``read-only off → on``, ``+ alice``, ``+ group class-6a``,
``- bob (not declared)``, ``moderator + alice``, and what is left alone in parentheses."""

from __future__ import annotations

import re

from talkctl.cli.apply_run import ApplyRecord
from talkctl.cli.context import Environment
from talkctl.cli.jsonout import write_json_or_lines
from talkctl.cli.results import Record, Results, change_text, summary

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HEADERS = ["name", "token", "action", "change"]


def literal(text: str) -> str:
    """Text from a file or a server, safe on a terminal: control characters escaped."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def lines(record: Record) -> list[str]:
    """What a conversation's plan holds, one change a line (a failure: its error)."""
    if not record.ok:
        return [record.error or ""]
    found = [change_text(change) for change in record.changes]
    if isinstance(record, ApplyRecord):
        found += [change.text for change in record.membership]
        found += [f"({note})" for note in record.notes]
    return found


def render(env: Environment, fmt: str, results: Results) -> None:
    records = results.records
    if fmt in ("json", "jsonl"):
        write_json_or_lines(env, fmt, [r.to_json() for r in records])
    elif results.dry_run and env.stdout_isatty and fmt == "table":
        _table(env, records)
    elif results.dry_run or fmt in ("csv", "tsv"):
        _rows(env, records, csv_format=fmt == "csv")
    if not results.dry_run and fmt not in ("json", "jsonl"):
        for record in records:
            env.message(literal(_result_line(record)))
    elif any(not record.ok for record in records):
        for record in records:
            if not record.ok:
                env.message(literal(f"{record.outcome}\t{record.label}\t{record.error}"))
    env.message(summary(results))


def _action(record: Record) -> str:
    return (record.action or "") if record.ok else record.outcome


def _table(env: Environment, records: list[Record]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Plan (dry run: nothing is changed)", header_style="bold")
    for header in ("CONVERSATION", "ACTION", "CHANGES"):
        table.add_column(header, overflow="fold")
    for record in records:
        table.add_row(
            Text(literal(record.label)),
            Text(_action(record)),
            Text(literal("\n".join(lines(record)))),
        )
    env.console().print(table)  # the run's one console: literal text
    env.stdout.flush()


def _rows(env: Environment, records: list[Record], *, csv_format: bool = False) -> None:
    """name, token, action, one change per row (a conversation without changes: one row);
    tab-separated (tabs, newlines and backslashes escaped), or CSV with a header."""
    rows = [
        [record.name or record.input or "", record.token or "", _action(record), line]
        for record in records
        for line in lines(record) or [""]
    ]
    if csv_format:
        import csv

        writer = csv.writer(env.stdout, lineterminator="\n")
        writer.writerow(HEADERS)
        writer.writerows(rows)
    else:
        for row in rows:
            env.stdout.write("\t".join(_escaped(cell) for cell in row) + "\n")
    env.stdout.flush()


def _result_line(record: Record) -> str:
    if not record.ok:
        return f"{record.label}: {record.outcome}: {record.error}"
    done = record.done if isinstance(record, ApplyRecord) else []
    return f"{record.label}: {record.outcome}" + (f" ({', '.join(done)})" if done else "")
