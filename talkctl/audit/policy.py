"""The policy an audit runs: which rules, their severities and parameters, which
conversations (scope), and the exceptions. The built-in one, or a TOML file checked with
line numbers as apply files are (talkctl/declarative/tomlfile.py): unknown rules and keys
are errors. No typer, no rich.

    [rules.inactive]          # enabled, severity, and the rule's own parameters
    days = 180
    [scope]                   # types (group, public, ...), names (globs or tokens)
    types = ["group", "public"]
    [[exceptions]]            # rule, conversation (a token or a name glob), reason
    rule = "public-without-lobby"
    conversation = "Town hall"
    reason = "open Q&A every Friday"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talkctl.api.models import CONVERSATION_TYPE_NAMES, Conversation, type_name
from talkctl.audit.rules import BY_ID, RULES, SEVERITIES, Rule, default_params, glob_matches
from talkctl.audit.rules import parse_param as _parse_param
from talkctl.declarative.tomlfile import InputFileError, Layout, layout_of, read_toml, show

DEFAULT_TYPES = ("group", "public")
TYPES = tuple(CONVERSATION_TYPE_NAMES.values())
RULE_KEYS = ("enabled", "severity")


@dataclass(frozen=True)
class Enabled:
    rule: Rule
    severity: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Exception_:
    rule: str
    conversation: str
    reason: str


@dataclass
class Policy:
    rules: list[Enabled]
    types: tuple[str, ...] = DEFAULT_TYPES
    names: tuple[str, ...] = ()  # empty: every name
    exceptions: list[Exception_] = field(default_factory=list)
    source: str = "the built-in policy"

    def in_scope(self, conversation: Conversation) -> bool:
        if type_name(conversation.type) not in self.types:
            return False
        return not self.names or any(glob_matches(n, conversation) for n in self.names)

    def excepted(self, rule: str, conversation: Conversation) -> Exception_ | None:
        for item in self.exceptions:
            if item.rule == rule and glob_matches(item.conversation, conversation):
                return item
        return None


def builtin() -> Policy:
    """The rules that run without a policy file, with their defaults."""
    return Policy([Enabled(r, r.severity, default_params(r)) for r in RULES if r.builtin])


class _Problems:
    def __init__(self, label: str) -> None:
        self.label = label
        self.lines: list[str] = []

    def __call__(self, line: int | None, text: str) -> None:
        self.lines.append(f"{self.label}:{line if line is not None else '?'}: {text}")


def load(path: Path) -> Policy:
    """The policy in ``path``; InputFileError (exit 2) listing every problem by line."""
    document, text = read_toml(path)
    layout = layout_of(text)
    at = _Problems(str(path))
    for key in document:
        if key not in ("rules", "scope", "exceptions"):
            at(layout.line_of(key), _unknown(key, document))
    rules = _rules(document.get("rules", {}), layout, at)
    types, names = _scope(document.get("scope", {}), layout, at)
    exceptions = _exceptions(document.get("exceptions", []), layout, at)
    if at.lines:
        raise InputFileError(str(path), at.lines)
    return Policy(rules, types, names, exceptions, source=str(path))


def _unknown(key: str, table: dict[str, Any]) -> str:
    return f"unknown key {key!r} = {show(table[key])} (valid: rules, scope, exceptions)"


def _rules(tables: Any, layout: Layout, at: _Problems) -> list[Enabled]:
    line = layout.line_of("rules")
    if not isinstance(tables, dict):
        at(line, "rules must be tables: [rules.ID]")
        return builtin().rules
    chosen = {item.rule.id: item for item in builtin().rules}
    parent = layout.tables.get("rules")  # [rules] with inactive.days = 90: that key's line
    for rule_id, table in tables.items():
        section = layout.tables.get(f"rules.{rule_id}")
        where = section.line if section is not None else line
        if section is None and parent is not None:
            where = parent.keys.get(rule_id, where)
        rule = BY_ID.get(rule_id)
        if rule is None:
            at(where, f"unknown rule {rule_id!r} (rules: {', '.join(BY_ID)})")
            continue
        if not isinstance(table, dict):
            at(where, f"rules.{rule_id} must be a table")
            continue
        keys = section.keys if section is not None else {}
        enabled, severity, params = True, rule.severity, default_params(rule)
        for key, value in table.items():
            key_line = keys.get(key, where)
            if key == "enabled":
                if not isinstance(value, bool):
                    at(key_line, f"enabled = {show(value)}: true or false")
                enabled = value is not False
            elif key == "severity":
                if value not in SEVERITIES:
                    at(key_line, f"severity = {show(value)}: one of {', '.join(SEVERITIES)}")
                else:
                    severity = value
            elif key in rule.params:
                try:
                    params[key] = _parse_param(rule, key, value)
                except ValueError as exc:
                    at(key_line, f"{rule_id}.{key} = {show(value)}: must be {exc}")
            else:
                valid = ", ".join((*RULE_KEYS, *rule.params))
                at(key_line, f"unknown key {key!r} for rule {rule_id} (valid: {valid})")
        if rule.id == "email-domains" and enabled and "allowed" not in table:
            at(where, 'email-domains needs allowed = ["example.com", ...]')
        if rule.id == "name-pattern" and enabled and "pattern" not in table:
            at(where, 'name-pattern needs pattern = "REGULAR EXPRESSION"')
        if enabled:
            chosen[rule_id] = Enabled(rule, severity, params)
        else:
            chosen.pop(rule_id, None)
    return [chosen[r.id] for r in RULES if r.id in chosen]


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _scope(table: Any, layout: Layout, at: _Problems) -> tuple[tuple[str, ...], tuple[str, ...]]:
    section = layout.tables.get("scope")
    where = section.line if section is not None else layout.line_of("scope")
    if not isinstance(table, dict):
        at(where, "scope must be a table: [scope]")
        return DEFAULT_TYPES, ()
    keys = section.keys if section is not None else {}
    types, names = DEFAULT_TYPES, ()
    for key, value in table.items():
        if key == "types":
            if not _strings(value) or any(v not in TYPES for v in value):
                at(keys.get(key, where), f"types = {show(value)}: a list of {', '.join(TYPES)}")
            else:
                types = tuple(value)
        elif key == "names":
            if not _strings(value):
                at(keys.get(key, where), f"names = {show(value)}: a list of names or globs")
            else:
                names = tuple(value)
        else:
            at(keys.get(key, where), f"unknown key {key!r} in [scope] (valid: types, names)")
    return types, names


def _exceptions(items: Any, layout: Layout, at: _Problems) -> list[Exception_]:
    sections = layout.arrays.get("exceptions", [])
    if not isinstance(items, list):
        at(layout.line_of("exceptions"), "exceptions must be [[exceptions]] tables")
        return []
    found: list[Exception_] = []
    for number, item in enumerate(items):
        section = sections[number] if number < len(sections) else None
        where = section.line if section is not None else None
        keys = section.keys if section is not None else {}
        if not isinstance(item, dict):
            at(where, "each exception must be a table")
            continue
        for key in item:
            if key not in ("rule", "conversation", "reason"):
                valid = "rule, conversation, reason"
                at(keys.get(key, where), f"unknown key {key!r} in [[exceptions]] (valid: {valid})")
        before = len(at.lines)
        rule, conversation, reason = (item.get(k) for k in ("rule", "conversation", "reason"))
        if not isinstance(rule, str) or rule not in BY_ID:
            at(keys.get("rule", where), f"rule = {show(rule)}: one of {', '.join(BY_ID)}")
        for key, value in (("conversation", conversation), ("reason", reason)):
            if not isinstance(value, str) or not value.strip():
                at(keys.get(key, where), f"an exception needs {key} (a non-empty string)")
        if len(at.lines) == before:
            found.append(Exception_(str(rule), str(conversation), str(reason)))
    return found
