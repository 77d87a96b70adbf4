"""What ``apply`` prints of its plan and its results (the one renderer prints it): a table
on a terminal, rows on a pipe (tab-separated, or CSV), or the result records as JSON
(``--json``, ``--format jsonl``). The plan lists each change: ``read-only off → on``,
``+ alice``, ``+ group class-6a``, ``- bob (not declared)``, ``moderator + alice``, and what
is left alone in parentheses. A real run prints the same rows as a dry run on a pipe."""

from __future__ import annotations

from talkctl.cli.apply.run import ApplyRecord
from talkctl.cli.context import Environment
from talkctl.cli.output import Renderer
from talkctl.cli.output.records import summary
from talkctl.cli.results import Record, Results, change_text

HEADERS = ["name", "token", "action", "change"]
TITLE = "Plan (dry run: nothing is changed)"


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
    out = Renderer(env, fmt)
    records = results.records
    if out.machine:
        out.json([r.to_json() for r in records])
    elif results.dry_run and out.table_on_terminal:
        rows = [[r.label, _action(r), tuple(lines(r))] for r in records]
        out.rows(["CONVERSATION", "ACTION", "CHANGES"], rows, wrap=True, title=TITLE)
    elif not out.table_on_terminal:  # a pipe, csv or tsv: one change a row
        out.rows(HEADERS, _rows(records))
    if not results.dry_run and not out.machine:
        for record in records:
            out.say(_result_line(record))
    elif any(not record.ok for record in records):
        for record in records:
            if not record.ok:
                out.line(record.outcome, record.label, record.error or "")
    env.message(summary(results))


def _action(record: Record) -> str:
    return (record.action or "") if record.ok else record.outcome


def _rows(records: list[Record]) -> list[list[str]]:
    """name, token, action, one change per row (a conversation without changes: one row)."""
    return [
        [record.name or record.input or "", record.token or "", _action(record), line]
        for record in records
        for line in lines(record) or [""]
    ]


def _result_line(record: Record) -> str:
    if not record.ok:
        return f"{record.label}: {record.outcome}: {record.error}"
    done = record.done if isinstance(record, ApplyRecord) else []
    return f"{record.label}: {record.outcome}" + (f" ({', '.join(done)})" if done else "")
