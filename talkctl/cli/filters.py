"""Which conversations ``room list`` shows: filters, order and limit.

Pure selection logic over ``Conversation`` objects (no typer, no rich), so it is unit-testable
with plain dicts. Times come from ``lastActivity`` (seconds since the epoch); ``now`` is passed
in so that tests need no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from talkctl.api.models import CONVERSATION_TYPES_BY_NAME, Conversation, ConversationType
from talkctl.errors import UsageError

SORT_KEYS = ("activity", "name")


def parse_age(text: str, option: str = "duration") -> int:
    """``90d``, ``12h``, ``2w``, ``30m``, ``45s`` → seconds (the one duration parser, without
    ``off``)."""
    from talkctl.settings.values import parse_duration  # only for --inactive / --active

    return parse_duration(text, option, off=False)


def parse_types(names: Iterable[str]) -> frozenset[int]:
    """``--type`` values (repeatable; ``a,b`` also accepted) → conversation type numbers."""
    types: set[int] = set()
    for value in names:
        for name in value.split(","):
            name = name.strip()
            if name not in CONVERSATION_TYPES_BY_NAME:
                valid = ", ".join(CONVERSATION_TYPES_BY_NAME)
                raise UsageError(f"unknown --type {name!r}: choose from {valid}")
            types.add(CONVERSATION_TYPES_BY_NAME[name])
    return frozenset(types)


@dataclass(frozen=True)
class Selection:
    """Every filter of ``room list``; all given filters must hold (AND)."""

    types: frozenset[int] = frozenset()
    name_glob: str | None = None
    favorite: bool = False
    unread: bool = False
    mentioned: bool = False
    public: bool = False
    has_password: bool = False
    read_only: bool = False
    inactive_for: int | None = None  # seconds without activity, at least
    active_within: int | None = None  # seconds since the last activity, at most
    archived: bool | None = None  # None: both
    object_types: frozenset[str] = frozenset()  # "" selects conversations bound to nothing
    sort: str | None = None  # None: as Talk shows them (favorites first, then by activity)
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.sort is not None and self.sort not in SORT_KEYS:
            raise UsageError(f"unknown --sort {self.sort!r}: choose activity or name")
        if self.limit is not None and self.limit < 1:
            raise UsageError("--limit must be at least 1")

    def matches(self, conversation: Conversation, now: int) -> bool:
        c = conversation
        checks = (
            not self.types or c.type in self.types,
            self.name_glob is None
            or fnmatchcase(c.display_name, self.name_glob)
            or fnmatchcase(c.name, self.name_glob),
            not self.favorite or c.is_favorite,
            not self.unread or c.unread_messages > 0,
            not self.mentioned or c.unread_mention or bool(c.raw.get("unreadMentionDirect")),
            not self.public or c.type == ConversationType.PUBLIC,
            not self.has_password or c.has_password,
            not self.read_only or c.read_only,
            self.inactive_for is None or c.last_activity <= now - self.inactive_for,
            self.active_within is None or c.last_activity >= now - self.active_within,
            self.archived is None or c.is_archived == self.archived,
            not self.object_types or c.object_type in self.object_types,
        )
        return all(checks)

    def apply(self, conversations: Sequence[Conversation], now: int) -> list[Conversation]:
        """The matching conversations, sorted and limited."""
        chosen = [c for c in conversations if self.matches(c, now)]
        if self.sort is None:  # Talk's own order: favorites first, then most recent first
            chosen.sort(key=lambda c: (not c.is_favorite, -c.last_activity, c.token))
        elif self.sort == "activity":  # most recent first
            chosen.sort(key=lambda c: (-c.last_activity, c.display_name.casefold(), c.token))
        elif self.sort == "name":
            chosen.sort(key=lambda c: (c.display_name.casefold(), c.display_name, c.token))
        if self.limit is not None:
            chosen = chosen[: self.limit]
        return chosen
