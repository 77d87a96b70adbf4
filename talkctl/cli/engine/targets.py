"""What a verb over conversations acts on: CONVs (arguments or ``--stdin``), resolved.

``collect_refs`` reads them, ``resolve_all`` turns each into its ``Target`` or, when it does
not resolve (not found, ambiguous), its failed ``Record``: the targets of an ``Operation``.
``split_last`` parts ``CONV... VALUE`` (the setting verbs, ``bot enable CONV... BOT``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from talkctl.api.models import Conversation
from talkctl.cli.context import Factory
from talkctl.cli.engine.jobs import failed
from talkctl.cli.results import Record
from talkctl.errors import TalkctlError, UsageError
from talkctl.resolve import Target

JSON_ARRAY = re.compile(r'\[\s*[\[{"\]]')  # an array of objects, strings, arrays, or none
JSON_OBJECT = re.compile(r'\{\s*["}]')


def read_refs(text: str) -> list[str]:
    """``--stdin``: tokens one per line, or the JSON array / JSON lines ``room list`` prints.

    A line holding tabs (the plain rows ``room list`` prints on a pipe) counts by its first
    column, the token. Blank lines are ignored; an empty input is an empty selection. JSON is
    what starts as JSON does (``[{``, ``["``, ``[]``, ``{"``): a name like ``[draft] Budget``
    or ``{x} notes`` is a name.
    """
    stripped = text.strip()
    if not stripped:
        return []
    if JSON_ARRAY.match(stripped):
        data = _json(stripped, "--stdin: invalid JSON array")
        if not isinstance(data, list):  # pragma: no cover - starts with "["
            raise UsageError("--stdin: expected a JSON array")
        return [_ref_of(item, n) for n, item in enumerate(data, 1)]
    refs: list[str] = []
    for number, line in enumerate(stripped.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if JSON_OBJECT.match(line):
            refs.append(_ref_of(_json(line, f"--stdin line {number}: invalid JSON"), number))
        else:
            refs.append(line.split("\t", 1)[0])
    return refs


def _json(text: str, what: str) -> object:
    try:
        return json.loads(text)
    except RecursionError:
        raise UsageError(f"{what}: nested too deeply") from None
    except ValueError as exc:
        raise UsageError(f"{what}: {exc}") from None


def _ref_of(item: object, number: int) -> str:
    if isinstance(item, str) and item:
        return item
    if isinstance(item, dict) and isinstance(item.get("token"), str) and item["token"]:
        return str(item["token"])
    raise UsageError(f"--stdin item {number} has no 'token'")


def read_stdin(factory: Factory, what: str = "conversations") -> str:
    """All of stdin; at a terminal, first say that it is read (and how to end it). A byte
    order mark at the start (a file saved by some Windows editors) is not part of the first
    item."""
    environment = factory.environment
    if environment.stdin_isatty:
        environment.message(f"reading {what} from stdin, one a line (Ctrl-D to end)")
    return environment.stdin.read().removeprefix("\ufeff")


def collect_refs(factory: Factory, convs: Sequence[str], use_stdin: bool) -> tuple[list[str], bool]:
    """The CONVs to act on and whether this is a bulk run (several CONVs or ``--stdin``)."""
    refs = list(convs)
    if use_stdin:
        refs.extend(read_refs(read_stdin(factory)))
    elif not refs:
        raise UsageError("no conversation given: pass CONV arguments or --stdin")
    return refs, use_stdin or len(refs) > 1


def conversations_named(factory: Factory, refs: Sequence[str]) -> list[Conversation]:
    """The conversations CONV... name, through the listing, each once however it was named
    (by name and by token); one that does not resolve raises (exit 3, 8): read-only
    commands over whole conversations (export, audit)."""
    found: dict[str, Conversation] = {}
    for ref in refs:
        conversation = factory.resolver.resolve(ref, need_state=True).conversation
        if conversation is not None:
            found.setdefault(conversation.token, conversation)
    return list(found.values())


def resolve_all(factory: Factory, refs: list[str], need_state: bool) -> list[Target | Record]:
    """Each ref → its target, or a failed record (not found, ambiguous).

    A bulk run fetches the one listing first, outside the per-item handling: a run that
    cannot list (401, network down) fails as a whole instead of failing every item alike.
    """
    if refs and need_state:
        factory.resolver.listing()
    resolved: list[Target | Record] = []
    for ref in refs:
        try:
            resolved.append(factory.resolver.resolve(ref, need_state=need_state))
        except TalkctlError as exc:
            resolved.append(failed(Record(ref, None, None, None), exc))
    return resolved


def split_last(values: list[str] | None, what: str, stdin: bool = False) -> tuple[list[str], str]:
    """``CONV... VALUE``: the last positional is the value, the rest are conversations."""
    items = list(values or [])
    if not items:
        raise UsageError(f"missing {what}")
    if len(items) == 1 and not stdin:
        raise UsageError(
            f"{what} is missing (or the conversation): give CONV... {what}, or --stdin {what}"
        )
    return items[:-1], items[-1]
