"""CONV arguments → conversations, without ever probing tokens.

A CONV is a token or an exact name (``name`` or ``displayName``, case-sensitive). A token
found in the local cache is used as it is (one request for the change); anything else is
resolved against one fresh listing of the user's conversations. Guessing with
``GET /room/{token}`` is never done: Nextcloud's brute-force protection counts every 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from talkctl.api.conversations import ConversationsApi
from talkctl.api.models import Conversation, type_name
from talkctl.cache import AccountCache
from talkctl.errors import AmbiguousConversation, ConversationNotFound, UsageError


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


class ConversationIndex:
    """One listing indexed by token and by name: resolving N CONVs against M conversations
    costs N + M, not N x M (a bulk of 5,000 would otherwise compare 25 million times)."""

    def __init__(self, conversations: Sequence[Conversation]) -> None:
        self.by_token: dict[str, Conversation] = {}
        self.by_name: dict[str, list[Conversation]] = {}
        for conversation in conversations:
            self.by_token.setdefault(conversation.token, conversation)
            names = {conversation.name, conversation.display_name}
            for name in names:
                self.by_name.setdefault(name, []).append(conversation)

    def match(self, ref: str) -> Target:
        conversation = self.by_token.get(ref)
        if conversation is not None:
            return _target(ref, conversation)
        matches = self.by_name.get(ref, [])
        if not matches:
            raise ConversationNotFound(f"no conversation matches {ref!r}")
        if len(matches) > 1:
            candidates = [(c.token, c.display_name, c.type_name) for c in matches]
            listed = "; ".join(f"{t} {n!r} ({k})" for t, n, k in candidates)
            raise AmbiguousConversation(
                f"{len(matches)} conversations are named {ref!r}: {listed}; use a token",
                candidates,
            )
        return _target(ref, matches[0])


def _target(ref: str, conversation: Conversation) -> Target:
    return Target(
        ref, conversation.token, conversation.display_name, conversation.type, conversation
    )


__all__ = ["Resolver", "Target", "type_name"]
