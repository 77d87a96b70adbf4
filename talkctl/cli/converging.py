"""Runs ``room ensure`` and ``apply``: plan everything, check it, then change what differs.

Every wish is planned against ONE listing and every problem (ambiguous name, password on a
group conversation, missing capability...) is found before the first changing request.
The plan is printed (--dry-run) or executed; results go to stderr as lines, or to stdout as
JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from talkctl.api.models import Conversation
from talkctl.cli.context import Environment, Factory
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.cli.jsonout import write_json_or_lines
from talkctl.declarative.converge import FieldChange, Outcome, Plan, Wanted, execute, plan_for
from talkctl.errors import TalkctlError


@dataclass
class Converged:
    """One wish's result: an outcome, or the error that stopped it."""

    name: str
    token: str | None
    result: str  # created / updated / unchanged / failed
    fields: list[str]
    error: str | None = None
    exit_code: int = 0
    conversation: Conversation | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "token": self.token,
            "result": self.result,
            "fields": self.fields,
            "ok": self.ok,
            "error": self.error,
            "exit_code": self.exit_code,
            "conversation": self.conversation.to_json() if self.conversation else None,
        }

    @property
    def line(self) -> str:
        label = f"{self.name} ({self.token})" if self.token else self.name
        if not self.ok:
            return f"{label}: failed: {self.error}"
        if self.result == "updated":
            return f"{label}: updated ({', '.join(self.fields)})"
        return f"{label}: {self.result}"


def plan_all(factory: Factory, wishes: Sequence[Wanted]) -> list[Plan]:
    """Plan every wish against one listing; the first problem raises (nothing was sent)."""
    api = factory.conversations
    force = factory.client.capabilities.force_passwords
    listing = factory.resolver.listing()
    plans = [plan_for(wish, listing, force_passwords=force) for wish in wishes]
    for operation in dict.fromkeys(op for plan in plans for op in plan.requirements()):
        api.require(operation)
    return plans


def converge(
    factory: Factory, wishes: Sequence[Wanted], *, dry_run: bool, fmt: str, single: bool
) -> int:
    """Plan, then print the plan or execute it. Returns the exit code."""
    plans = plan_all(factory, wishes)
    env = factory.environment
    if dry_run:
        render_plans(env, fmt, plans, single=single)
        return 0
    need_state = fmt in ("json", "jsonl")
    results = [_run_one(factory, plan, need_state=need_state, single=single) for plan in plans]
    render_results(env, fmt, results, single=single)
    return next((r.exit_code for r in results if not r.ok), 0)


def _run_one(factory: Factory, plan: Plan, *, need_state: bool, single: bool) -> Converged:
    """Execute one plan; with several, a failure is recorded and the others go on."""
    name = plan.wanted.name
    try:
        outcome: Outcome = execute(factory.conversations, plan)
        conversation = outcome.conversation
        if plan.action != "unchanged":
            factory.cache.forget_room(outcome.token)  # the next listing refreshes it
        if conversation is None and need_state:
            conversation = factory.conversations.get(outcome.token)
    except (TalkctlError, OSError) as exc:
        if single:
            raise  # one line "talkctl: error: ..." and its exit code, like every command
        return Converged(
            name, plan.token, "failed", plan.fields, error_line(exc), int(exit_status_for(exc))
        )
    return Converged(name, outcome.token, outcome.result, plan.fields, conversation=conversation)


# --- rendering -------------------------------------------------------------------------------


def _change_text(change: FieldChange) -> str:
    if not change.before:
        return f"{change.field}: {change.after}"
    return f"{change.field}: {change.before} → {change.after}"


def _plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "name": plan.wanted.name,
        "token": plan.token,
        "action": plan.action,
        "changes": [
            {"field": c.field, "before": c.before or None, "after": c.after} for c in plan.changes
        ],
    }


def _write_json(env: Environment, fmt: str, objects: list[dict[str, Any]], single: bool) -> None:
    value: Any = objects[0] if single and len(objects) == 1 else objects
    write_json_or_lines(env, fmt, objects if fmt == "jsonl" else value)


def render_plans(env: Environment, fmt: str, plans: list[Plan], *, single: bool) -> None:
    """The plan: a Rich table on a terminal, tab-separated rows on a pipe, or JSON."""
    if fmt in ("json", "jsonl"):
        _write_json(env, fmt, [_plan_json(p) for p in plans], single)
    elif env.stdout_isatty and fmt == "table":
        from rich.table import Table

        table = Table(title="Plan (dry run: nothing is changed)", header_style="bold")
        for header in ("CONVERSATION", "ACTION", "CHANGES"):
            table.add_column(header, overflow="fold")
        for plan in plans:
            label = f"{plan.wanted.name} ({plan.token})" if plan.token else plan.wanted.name
            changes = "\n".join(_change_text(c) for c in plan.changes)
            table.add_row(label, plan.action, changes)
        env.console().print(table)  # literal: names from the file are not markup
    else:
        for plan in plans:
            rows = [[c.field, c.before, c.after] for c in plan.changes] or [["", "", ""]]
            for row in rows:
                cells = [plan.wanted.name, plan.token or "", plan.action, *row]
                env.stdout.write("\t".join(" ".join(c.split()) for c in cells) + "\n")
        env.stdout.flush()
    counts = {a: sum(p.action == a for p in plans) for a in ("create", "update", "unchanged")}
    env.message(
        f"dry run: {counts['create']} to create, {counts['update']} to update, "
        f"{counts['unchanged']} unchanged; nothing was sent"
    )


def render_results(env: Environment, fmt: str, results: list[Converged], *, single: bool) -> None:
    if fmt in ("json", "jsonl"):
        _write_json(env, fmt, [r.to_json() for r in results], single)
    else:
        for result in results:
            env.message(result.line)
    if not single:
        counts = {k: sum(r.result == k for r in results) for k in ("created", "updated")}
        unchanged = sum(r.result == "unchanged" for r in results)
        failed = sum(not r.ok for r in results)
        env.message(
            f"{counts['created']} created, {counts['updated']} updated, {unchanged} unchanged, "
            f"{failed} failed"
        )
