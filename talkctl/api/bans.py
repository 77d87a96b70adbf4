"""Bans (API v1, capability ``ban-v1``): who may not join a conversation.

``GET``/``POST ban/{token}``, ``DELETE ban/{token}/{id}`` (openapi-talk22.json; answers as
recorded in talk22-moderation/b-*). Banning a member removes them from the conversation;
lifting a ban does not bring them back. No typer, no rich, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from talkctl.api.client import TalkClient

NOTE_LIMIT = 4000  # characters of the internal note (recorded: 4001 is 400 internalNote)


def ban_path(token: str, suffix: str = "") -> str:
    return f"/ban/{quote(token, safe='')}{suffix}"


@dataclass(frozen=True)
class Ban:
    """One ban as the server listed it; ``raw`` keeps every field for --json."""

    raw: Mapping[str, Any]

    def _str(self, key: str) -> str:
        value = self.raw.get(key)
        return value if isinstance(value, str) else ""

    @property
    def id(self) -> int | None:
        value = self.raw.get("id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def actor_type(self) -> str:
        return self._str("bannedActorType")

    @property
    def actor_id(self) -> str:
        return self._str("bannedActorId")

    @property
    def display_name(self) -> str:
        return self._str("bannedDisplayName")

    @property
    def moderator(self) -> str:
        return self._str("moderatorActorId")

    @property
    def note(self) -> str:
        return self._str("internalNote")

    @property
    def time(self) -> int:
        value = self.raw.get("bannedTime")
        return value if isinstance(value, int) and not isinstance(value, bool) else 0


class BansApi:
    def __init__(self, client: TalkClient) -> None:
        self.client = client

    def list(self, token: str) -> list[Ban]:
        response = self.client.spreed("GET", ban_path(token))
        return [Ban(item) for item in response.listing() if isinstance(item, dict)]

    def add(self, token: str, actor_type: str, actor_id: str, note: str = "") -> Ban:
        """Ban ``actor_type`` ``actor_id`` (users, guests, emails, ip: an address or range)."""
        form = {"actorType": actor_type, "actorId": actor_id, "internalNote": note}
        response = self.client.spreed("POST", ban_path(token), data=form)
        data = response.data
        return Ban(data if isinstance(data, dict) else {})

    def remove(self, token: str, ban_id: int) -> None:
        """Lift a ban (an unknown id is no error: recorded 200)."""
        self.client.spreed("DELETE", ban_path(token, f"/{ban_id}"), repeatable=True)
