"""How ``apply`` shows its plan and its results: a Rich table on a terminal, tab-separated rows
on a pipe, or the result records as JSON (``--json``, ``--format json|jsonl``)."""

from __future__ import annotations

import re

from talkctl.cli.apply_run import Record
from talkctl.cli.context import Environment
from talkctl.cli.jsonout import write_json_or_lines

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PAST = {"create": "created", "update": "updated", "unchanged": "unchanged"}


def literal(text: str) -> str:
    """Text from a file or a server, safe on a terminal: control characters escaped."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _one_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def render(env: Environment, fmt: str, records: list[Record], *, dry_run: bool) -> None:
    if fmt in ("json", "jsonl"):
        write_json_or_lines(env, fmt, [r.to_json() for r in records])
    elif dry_run and env.stdout_isatty and fmt == "table":
        _table(env, records)
    elif dry_run or fmt in ("csv", "tsv"):
        _rows(env, records, csv_format=fmt == "csv")
    if not dry_run and fmt not in ("json", "jsonl"):
        for record in records:
            env.message(literal(_result_line(record)))
    for record in records:
        if not record.ok and (dry_run or fmt in ("json", "jsonl")):
            env.message(literal(f"failed\t{record.label}\t{record.error}"))
    env.message(summary(records, dry_run=dry_run))


def _table(env: Environment, records: list[Record]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Plan (dry run: nothing is changed)", header_style="bold")
    for header in ("CONVERSATION", "ACTION", "CHANGES"):
        table.add_column(header, overflow="fold")
    for record in records:
        lines = record.plan.lines() if record.plan is not None else [record.error or ""]
        table.add_row(
            Text(literal(record.label)),
            Text(record.action),
            Text(literal("\n".join(lines))),
        )
    env.console().print(table)  # the run's one console: literal text
    env.stdout.flush()


def _rows(env: Environment, records: list[Record], *, csv_format: bool = False) -> None:
    """name, token, action, one change per row (a conversation without changes: one row);
    tab-separated (tabs, newlines and backslashes escaped), or CSV with a header."""
    rows: list[list[str]] = []
    for record in records:
        token = (record.plan.token if record.plan else None) or record.entry.token or ""
        lines = record.plan.lines() if record.plan is not None else [record.error or ""]
        rows += [[record.entry.name, token, record.action, line] for line in lines or [""]]
    if csv_format:
        import csv

        writer = csv.writer(env.stdout, lineterminator="\n")
        writer.writerow(["name", "token", "action", "change"])
        writer.writerows(rows)
    else:
        for row in rows:
            env.stdout.write("\t".join(_one_line(c) for c in row) + "\n")
    env.stdout.flush()


def _result_line(record: Record) -> str:
    if not record.ok:
        done = f" (done before: {', '.join(record.done)})" if record.done else ""
        return f"{record.label}: failed: {record.error}{done}"
    action = PAST.get(record.action, record.action)
    if record.done:
        return f"{record.label}: {action} ({', '.join(record.done)})"
    return f"{record.label}: {action}"


def summary(records: list[Record], *, dry_run: bool) -> str:
    def count(action: str) -> int:
        return sum(1 for r in records if r.ok and r.action == action)

    failed = sum(1 for r in records if not r.ok)
    if dry_run:
        return (
            f"dry run: {count('create')} to create, {count('update')} to update, "
            f"{count('unchanged')} unchanged, {failed} failed; nothing was sent"
        )
    return (
        f"{count('create')} created, {count('update')} updated, {count('unchanged')} unchanged, "
        f"{failed} failed"
    )
