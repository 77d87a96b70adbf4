"""What a noun prints: its columns, its valid ``--fields`` and its detail rows (like gh's
``cmdutil`` exporters: the machinery is shared, each noun owns its fields).

A noun (conversations in ``cli/room/columns.py``, accounts in ``cli/auth/render.py``) is
one :class:`Noun`; ``cli/output/renderer.py:Renderer`` prints any noun as a table, tsv, csv, json or
jsonl. To add a noun: define its columns and fields, then call ``Renderer.items`` /
``Renderer.detail``::

    PARTICIPANT = Noun(
        "participant",
        columns=[Column("attendeeId", "ATTENDEE", lambda p: p.attendee_id), ...],
        fields=frozenset({"attendeeId", "actorType", "actorId", "displayName", ...}),
        raw=lambda p: p.raw,
    )
    Renderer(env, fmt).items(PARTICIPANT, participants, PARTICIPANT.parse_fields(spec))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from talkctl.errors import UsageError

T = TypeVar("T")

# Fields that name a thing: a table never cuts them (a cut token or id is useless); names are
# cut with "…" instead. A noun whose ids are other fields says so in ``Noun.whole``.
IDS: frozenset[str] = frozenset(
    {"token", "id", "attendeeId", "actorId", "invitedActorId", "remoteToken", "objectId"}
)


@dataclass(frozen=True)
class Time:
    """A cell holding seconds since the epoch: local time in a table, ISO 8601 with the UTC
    offset in csv/tsv. 0 or an impossible value prints as empty (it spoils only this cell)."""

    seconds: int


@dataclass(frozen=True)
class Column(Generic[T]):
    """One default column: ``key`` heads csv (a field key, as ``--fields`` takes), ``header``
    heads the table; ``get`` reads the cell (a str, int, bool, None, :class:`Time`, ...)."""

    key: str
    header: str
    get: Callable[[T], Any]


@dataclass(frozen=True)
class Noun(Generic[T]):
    """Everything the shared printers need to know about one kind of thing.

    ``raw`` gives an item's object as the server sent it (``--json`` and ``--fields`` print
    its values unchanged); ``fields`` are the valid ``--fields``; ``details`` gives the
    (label, value) rows of a single item (``show``); ``whole`` are the field keys a table
    never cuts (tokens and ids).
    """

    name: str
    columns: Sequence[Column[T]]
    raw: Callable[[T], Mapping[str, Any]]
    fields: frozenset[str] = frozenset()
    details: Callable[[T], list[tuple[str, Any]]] | None = None
    plural: str = ""
    whole: frozenset[str] = IDS

    def parse_fields(self, spec: str | None) -> list[str] | None:
        """``--fields a,b`` → ["a", "b"]; an unknown field is exit 2 listing the valid ones."""
        if spec is None:
            return None
        chosen = [f.strip() for f in spec.split(",") if f.strip()]
        if not chosen:
            raise UsageError("--fields needs at least one field name")
        unknown = [f for f in chosen if f not in self.fields]
        if unknown:
            raise UsageError(
                f"unknown field(s) {', '.join(unknown)}; "
                f"valid fields: {', '.join(sorted(self.fields))}"
            )
        return chosen

    def pick(self, item: T, fields: Sequence[str] | None) -> dict[str, Any]:
        """The item's server object, or only ``fields`` of it (missing ones are null)."""
        raw = self.raw(item)
        if not fields:
            return dict(raw)
        return {f: raw.get(f) for f in fields}
