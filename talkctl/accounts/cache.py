"""Per server+user cache: capabilities and the (token, name, type) list of conversations.

Files are 0600: public tokens are guest links.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from talkctl.api.models import Conversation
from talkctl.files import write_private


def account_key(server: str, user: str) -> str:
    return hashlib.sha1(f"{server.rstrip('/')}\n{user}".encode()).hexdigest()[:16]


class AccountCache:
    """Cache files of one account under ``cache_dir/<hash of server and user>/``."""

    def __init__(self, root: Path, server: str, user: str) -> None:
        self.dir = root / account_key(server, user)
        self.server = server
        self.user = user

    def _read(self, name: str) -> Any:
        try:
            return json.loads((self.dir / name).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, name: str, data: Any) -> None:
        # a cache that cannot be written only costs a request next time
        with contextlib.suppress(OSError):
            write_private(self.dir / name, json.dumps(data, separators=(",", ":")), sync=False)

    def load_capabilities(self) -> dict[str, Any] | None:
        data = self._read("capabilities.json")
        return data if isinstance(data, dict) else None

    def save_capabilities(self, data: dict[str, Any]) -> None:
        self._write("capabilities.json", data)

    def load_user_id(self) -> str | None:
        """The user id the server reported for this login (see accounts.identity)."""
        data = self._read("user.json")
        value = data.get("id") if isinstance(data, dict) else None
        return value if isinstance(value, str) and value else None

    def save_user_id(self, user_id: str) -> None:
        self._write("user.json", {"server": self.server, "login": self.user, "id": user_id})

    def load_rooms(self) -> list[dict[str, Any]]:
        data = self._read("rooms.json")
        rooms = data.get("rooms") if isinstance(data, dict) else None
        return [r for r in rooms if isinstance(r, dict)] if isinstance(rooms, list) else []

    def save_rooms(self, conversations: Iterable[Conversation]) -> None:
        rooms = [_entry(c) for c in conversations]
        self._write("rooms.json", {"server": self.server, "user": self.user, "rooms": rooms})

    def remember_room(self, conversation: Conversation) -> None:
        """Add (or update) one conversation, e.g. one just created, so that its token is
        used directly by the next command."""
        rooms = [r for r in self.load_rooms() if r.get("token") != conversation.token]
        rooms.append(_entry(conversation))
        self._write("rooms.json", {"server": self.server, "user": self.user, "rooms": rooms})

    def forget_room(self, token: str) -> None:
        rooms = [r for r in self.load_rooms() if r.get("token") != token]
        self._write("rooms.json", {"server": self.server, "user": self.user, "rooms": rooms})


def _entry(conversation: Conversation) -> dict[str, Any]:
    return {
        "token": conversation.token,
        "name": conversation.name,
        "displayName": conversation.display_name,
        "type": conversation.type,
    }
