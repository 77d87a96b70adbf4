"""``talkctl audit --fix-file``: an apply file that fixes what settings can fix.

One ``[[conversation]]`` table per conversation with a fixable finding: its token, name and
type, and the apply keys of its findings' fixes (talkctl/audit/rules.py). Conversations apply
cannot manage (one-to-one, note-to-self, bound to an object: ``export.skip_reason``) are left
out: apply would refuse the whole file. A password it cannot
know is a ``password_env`` naming a variable after the token; ``variables`` lists them.
No typer, no rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tomli_w

from talkctl.audit.engine import Finding
from talkctl.declarative.export import skip_reason

HEADER = (
    "# Fixes for what 'talkctl audit' found that settings can fix: written by\n"
    "# 'talkctl audit --fix-file'. Check with 'talkctl apply FILE --dry-run', then apply.\n"
)


def fix_tables(findings: Sequence[Finding]) -> dict[str, dict[str, Any]]:
    """Token -> the apply table fixing its findings (in the findings' order)."""
    tables: dict[str, dict[str, Any]] = {}
    for finding in findings:
        conversation = finding.conversation
        if finding.fix is None or skip_reason(conversation, moderated_only=False) is not None:
            continue
        table = tables.setdefault(
            conversation.token,
            {
                "name": conversation.name,
                "token": conversation.token,
                "type": conversation.type_name,
            },
        )
        key, value = finding.fix
        table[key] = value
    return tables


def variables(tables: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(variable, conversation name) of every password the file names."""
    return [(t["password_env"], t["name"]) for t in tables.values() if "password_env" in t]


def render(findings: Sequence[Finding]) -> tuple[str, list[tuple[str, str]], int]:
    """The file's text, the variables to set before applying it, and its tables' count."""
    tables = fix_tables(findings)
    needed = variables(tables)
    chunks = [HEADER]
    if needed:
        chunks.append("# Set these environment variables (the new passwords) before applying:\n")
        chunks += [f"#   {name}  ({json_text(label)})\n" for name, label in needed]
    for table in tables.values():
        chunks.append("\n[[conversation]]\n" + tomli_w.dumps(table))
    if not tables:  # still a file apply takes (nothing to do), for audit-then-apply in cron
        chunks.append("\n# Nothing to fix.\nconversation = []\n")
    return "".join(chunks), needed, len(tables)


def json_text(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
