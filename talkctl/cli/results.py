"""Results of changes (one item, many items, a dry run, a removal) and their rendering.

Lists and details of conversations are rendered by talkctl/cli/output.py; this module owns
what a change reports: per-item results, their JSON contract and the summary line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from talkctl.api.models import Conversation
from talkctl.cli.jsonout import write_json_or_lines, write_jsonl
from talkctl.cli.output import ConversationDetail, ConversationList, Renderer


@dataclass
class Removal:
    token: str
    name: str
    action: str  # "deleted" or "left"

    def to_json(self) -> dict[str, Any]:
        return {"token": self.token, self.action: True}


@dataclass
class ItemResult:
    """One item of a command given several conversations (the bulk JSON contract)."""

    token: str | None
    name: str | None
    ok: bool
    changed: bool
    error: str | None = None
    exit_code: int = 0
    message: str | None = None
    conversation: Conversation | None = field(default=None, repr=False)
    skipped: bool = False  # refused before sending anything (e.g. bound to an object)

    def to_json(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "name": self.name,
            "ok": self.ok,
            "changed": self.changed,
            "error": self.error,
            "exit_code": self.exit_code,
        }

    @property
    def label(self) -> str:
        return f"{self.name} ({self.token})" if self.name else (self.token or "?")


def first_failure_code(items: list[ItemResult]) -> int:
    """The exit code of the first failed item in input order; 0 when all succeeded."""
    return next((item.exit_code for item in items if not item.ok), 0)


@dataclass
class BatchResult:
    items: list[ItemResult]
    verb: str

    @property
    def exit_code(self) -> int:
        return first_failure_code(self.items)


@dataclass
class Plan:
    """What a --dry-run would do: one item per conversation, nothing was sent.

    ``changed`` means "would change"; ``message`` says how. JSON items carry the bulk
    contract's keys plus ``action``; a single CONV gives one object instead of an array.
    """

    items: list[ItemResult]
    bulk: bool = True

    @property
    def exit_code(self) -> int:
        return first_failure_code(self.items)


class ResultRenderer(Renderer):
    """Renders results of changes, and (through Renderer) conversation lists and details."""

    def render(self, result: Any) -> None:
        if isinstance(result, ConversationList | ConversationDetail):
            super().render(result)
            return
        if isinstance(result, Removal):
            self.removal(result)
        elif isinstance(result, BatchResult):
            self.batch(result)
        elif isinstance(result, Plan):
            self.plan(result)
        else:  # pragma: no cover - a programming error
            raise TypeError(f"cannot render {type(result).__name__}")
        self.env.stdout.flush()

    def removal(self, result: Removal) -> None:
        if self.fmt in ("json", "jsonl"):
            write_json_or_lines(self.env, self.fmt, result.to_json())
            return
        label = f"{result.name} ({result.token})" if result.name else result.token
        self.env.message(f"{'Deleted' if result.action == 'deleted' else 'Left'} {label}")

    def _json_items(self, objects: list[dict[str, Any]], as_array: bool) -> None:
        if self.fmt == "jsonl":
            write_jsonl(self.env, objects)
        elif as_array:
            self._json(objects)
        else:
            self._json(objects[0])

    def _problems(self, items: list[ItemResult], *, each: bool = True) -> None:
        """Failed and skipped items on stderr, then which were skipped and why."""
        skipped = [item for item in items if item.skipped]
        for item in items if each else []:
            if not item.ok:
                word = "skipped" if item.skipped else "failed"
                self.env.message(f"{word}\t{item.label}\t{item.error}")
        if skipped:
            self.env.message(
                f"skipped {len(skipped)} conversation(s) bound to an object: "
                + ", ".join(item.label for item in skipped)
            )

    def batch(self, result: BatchResult) -> None:
        if self.fmt in ("json", "jsonl"):
            self._json_items([item.to_json() for item in result.items], as_array=True)
            self._problems(result.items, each=False)
        else:
            for item in result.items:
                if item.ok:
                    state = item.message or (result.verb if item.changed else "unchanged")
                    self.env.message(f"ok\t{item.label}\t{state}")
            self._problems(result.items)
        changed = sum(1 for i in result.items if i.ok and i.changed)
        unchanged = sum(1 for i in result.items if i.ok and not i.changed)
        failed = sum(1 for i in result.items if not i.ok)
        parts = [f"{changed} changed"]
        if unchanged:
            parts.append(f"{unchanged} unchanged")
        parts.append(f"{failed} failed")
        self.env.message(", ".join(parts))

    def plan(self, result: Plan) -> None:
        items = result.items
        if self.fmt in ("json", "jsonl"):
            objects = [{**item.to_json(), "action": item.message} for item in items]
            self._json_items(objects, as_array=result.bulk)
            self._problems(items, each=False)
        else:
            rows = [[i.token or "", i.name or "", i.message or ""] for i in items if i.ok]
            if rows:
                self._rows(["TOKEN", "NAME", "PLAN"], rows)
            self._problems(items)
        would = sum(1 for i in items if i.ok and i.changed)
        unchanged = sum(1 for i in items if i.ok and not i.changed)
        failed = sum(1 for i in items if not i.ok)
        self.env.message(
            f"dry run: {would} would change, {unchanged} unchanged, {failed} failed; "
            "nothing was sent"
        )
