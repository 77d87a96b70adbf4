"""How the records of a change (talkctl/cli/results.py) are printed.

- json: the records (one object when the command named one item); jsonl: one a line.
- csv / tsv: a header of the record keys, then one row per record.
- table: stdout gets one row per item that did not fail, the same for a real run and a dry
  run: TOKEN, NAME, what was (or would be) done. On a terminal a dry run's rows are a table
  (a real run's lines are on stderr already); on a pipe they are TSV, with an empty token
  for a conversation that does not exist yet.
- stderr: a real run's line per item (one sentence when the command named one item), the
  failures, and the summary; readable on a terminal, TSV on a pipe (Renderer.line).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from talkctl.cli.output.formats import terminal
from talkctl.cli.results import ACTIONS, RECORD_KEYS, Record, Results, change_text, words_of

if TYPE_CHECKING:
    from talkctl.cli.output.renderer import Renderer

CSV_KEYS = RECORD_KEYS[:-1]  # every key but the conversation object
PLAN_HEADERS = ("TOKEN", "NAME", "PLAN")
OUTCOMES = list(
    dict.fromkeys([a.done for a in ACTIONS.values()] + ["refused", "failed", "interrupted"])
)


def render(out: Renderer, results: Results) -> None:
    records = results.records
    env = out.env
    if out.fmt == "jsonl":
        out.json([r.to_json() for r in records])
    elif out.fmt == "json":
        objects = [r.to_json() for r in records]
        out.json(objects[0] if results.single and len(objects) == 1 else objects)
    elif out.fmt in ("csv", "tsv"):
        rows = [[_cell(r, k) for k in CSV_KEYS] for r in records]
        out.rows(CSV_KEYS, rows, tsv_header=True)
    elif results.dry_run or not out.table_on_terminal:
        rows = [[r.token or "", r.name or "", r.text] for r in records if r.ok]
        out.rows(PLAN_HEADERS, rows, keys=PLAN_HEADERS, whole={"TOKEN"}, wrap=True)
    env.stdout.flush()
    if results.single:
        first = records[0] if records else None
        if first is not None and not first.ok:
            # the one error line (cli/errors.py words it); a name in it never breaks the line
            env.error(terminal(first.error or "failed"))
        elif first is not None and results.dry_run:
            env.message(summary(results))
        elif first is not None and out.fmt == "table":
            out.say(sentence(first))
        return
    if out.fmt == "table" and not results.dry_run:
        for record in records:
            state = "ok" if record.ok and not record.skipped else record.outcome
            out.line(state, record.item, record.text)
    else:
        for record in records:
            if not record.ok:
                out.line(record.outcome, record.item, record.error or "")
    env.message(summary(results))


def _cell(record: Record, key: str) -> str:
    if key == "changes":
        return "; ".join(change_text(c) for c in record.changes)
    value = record.to_json()[key]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def summary(results: Results) -> str:
    """``12 deleted, 1 skipped (bound to a file)`` / ``dry run: ...; nothing was sent``."""
    counts = Counter(r.outcome for r in results.records)
    planned = {a.done: a.planned for a in ACTIONS.values() if a.planned}
    parts: list[str] = []
    for outcome in OUTCOMES:
        count = counts.get(outcome)
        if not count:
            continue
        text = f"{count} {planned[outcome] if results.dry_run and outcome in planned else outcome}"
        if outcome == "skipped":
            reasons = Counter(_gist(r.skipped) for r in results.records if r.skipped)
            text += f" ({'; '.join(reasons)})"
        if outcome == "refused":
            text = f"{count} would be refused"
        if outcome == "interrupted":
            text = f"{count} not sent (interrupted)"
        parts.append(text)
    if results.dry_run:
        return f"dry run: {', '.join(parts) or 'nothing to do'}; nothing was sent"
    return ", ".join(parts) or "nothing to do"


def _gist(reason: str | None) -> str:
    """A skip reason without its details: ``bound to a file (file 42): ...`` → ``bound to a
    file``, for the summary."""
    return (reason or "").split(" (", 1)[0].split(":", 1)[0]


def sentence(record: Record) -> str:
    """One item, said as a sentence: ``Deleted Team (tok)``, ``Team (tok): name → 'x'``."""
    said = words_of(record.action)
    if record.member is not None and said.place:
        head = f"{said.done.capitalize()} {record.member} {said.place} {record.label}"
        roles = "".join(f", {change_text(c)}" for c in record.changes if c.field == "role")
        return head + roles + (f": {record.note}" if record.note else "")
    if said.sentence:
        return said.sentence.format(label=record.label)
    if record.action == "create":
        kind = next((c.after for c in record.changes if c.field == "type"), "")
        rest = [change_text(c) for c in record.changes if c.field != "type"]
        head = f"Created {kind} conversation {record.label}".replace("  ", " ")
        return head + (f": {', '.join(rest)}" if rest else "")
    return f"{record.label}: {record.text}"
