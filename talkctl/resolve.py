"""CONV arguments → conversations, without ever probing tokens.

A CONV is a token or an exact name (``name`` or ``displayName``, case-sensitive, compared
after Unicode NFC normalization). A token
found in the local cache is used as it is (one request for the change); anything else is
resolved against one fresh listing of the user's conversations. Guessing with
``GET /room/{token}`` is never done: Nextcloud's brute-force protection counts every 404.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from talkctl.accounts.cache import AccountCache
from talkctl.api.conversations import ConversationsApi
from talkctl.api.models import Conversation, type_name
from talkctl.errors import Ambiguous, Candidate, NotFound, UsageError

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """A resolved CONV: its token, what we know of its name and type, and (if listed) its state."""

    ref: str
    token: str
    name: str
    type: int
    conversation: Conversation | None = None

    @property
    def label(self) -> str:
        return (
            f"{self.name} ({self.token})" if self.name and self.name != self.token else self.token
        )


class Resolver:
    """Resolves CONV arguments for one run, listing the conversations at most once."""

    def __init__(self, api: ConversationsApi, cache: AccountCache | None) -> None:
        self.api = api
        self.cache = cache
        self._listing: list[Conversation] | None = None
        self._index: ConversationIndex | None = None
        self._cached: dict[str, dict[str, object]] | None = None

    def listing(self) -> list[Conversation]:
        if self._listing is None:
            self._listing = self.api.list(include_last_message=False)
            if self.cache is not None:
                self.cache.save_rooms(self._listing)
        return self._listing

    def cached_rooms(self) -> dict[str, dict[str, object]]:
        """The cached (token, name, type) entries by token, read once per run."""
        if self._cached is None:
            rooms = self.cache.load_rooms() if self.cache is not None else []
            self._cached = {str(room.get("token")): room for room in rooms}
        return self._cached

    def resolve(self, ref: str, *, need_state: bool = False) -> Target:
        if not ref or not ref.strip():
            raise UsageError("a conversation (token or name) must not be empty")
        if not need_state and self._listing is None and self.cache is not None:
            room = self.cached_rooms().get(ref)
            if room is not None:
                room_type = room.get("type")
                return Target(
                    ref,
                    ref,
                    str(room.get("displayName") or room.get("name") or ""),
                    room_type if isinstance(room_type, int) else -1,
                )
        if self._index is None:
            self._index = ConversationIndex(self.listing())
        return self._index.match(ref)

    @staticmethod
    def match(ref: str, conversations: Sequence[Conversation]) -> Target:
        return ConversationIndex(conversations).match(ref)


def normalized(name: str) -> str:
    """A name as names are compared: Unicode NFC (a decomposed ``café`` is ``café``)."""
    return unicodedata.normalize("NFC", name)


class Index(Generic[T]):
    """Items of one ``kind`` indexed by id and by name, for resolving references to them.

    A reference that is an item's id wins; else it matches by name (after NFC
    normalization); no match raises NotFound (naming the names that differ only in case:
    "did you mean ..."), several raise Ambiguous with every candidate. Resolving N
    references against M items costs N + M, not N x M. Conversations use it (a name is
    how people know them); people are never matched by display name (anybody can choose
    theirs): participants resolve by id alone (cli/participant/resolve.py).
    """

    def __init__(
        self,
        kind: str,
        items: Iterable[T],
        *,
        ids: Callable[[T], Iterable[str]],
        names: Callable[[T], Iterable[str]],
        candidate: Callable[[T], Candidate],
        advice: str = "use the id",
    ) -> None:
        self.kind = kind
        self.candidate = candidate
        self.advice = advice
        self.by_id: dict[str, T] = {}
        self.by_name: dict[str, list[T]] = {}
        self._folded: dict[str, set[str]] | None = None
        for item in items:
            for item_id in ids(item):
                self.by_id.setdefault(item_id, item)
            for name in {normalized(n) for n in names(item) if n}:
                self.by_name.setdefault(name, []).append(item)

    def find(self, ref: str) -> T:
        item = self.by_id.get(ref)
        if item is not None:
            return item
        matches = self.by_name.get(normalized(ref), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            candidates = [self.candidate(m) for m in matches]
            raise Ambiguous(self.kind, ref, candidates, advice=self.advice)
        raise NotFound(self.kind, ref, suggestions=self.case_variants(ref))

    def case_variants(self, ref: str) -> list[str]:
        """The names that equal ``ref`` but for case."""
        if self._folded is None:
            self._folded = {}
            for name in self.by_name:
                self._folded.setdefault(name.casefold(), set()).add(name)
        return sorted(self._folded.get(normalized(ref).casefold(), set()))


class ConversationIndex:
    """One listing of conversations by token and by name (``name`` and ``displayName``)."""

    def __init__(self, conversations: Sequence[Conversation]) -> None:
        self.index: Index[Conversation] = Index(
            "conversation",
            conversations,
            ids=lambda c: (c.token,),
            names=lambda c: (c.name, c.display_name),
            candidate=conversation_candidate,
            advice="use a token",
        )

    def match(self, ref: str) -> Target:
        return _target(ref, self.index.find(ref))


def conversation_candidate(conversation: Conversation) -> Candidate:
    return Candidate(conversation.token, conversation.display_name, conversation.type_name)


def _target(ref: str, conversation: Conversation) -> Target:
    return Target(
        ref, conversation.token, conversation.display_name, conversation.type, conversation
    )


__all__ = ["Index", "Resolver", "Target", "normalized", "type_name"]
