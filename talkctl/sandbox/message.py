"""A chat message of the fake server: a comment or a system message (the chat: history.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Message:
    id: int
    actor_type: str
    actor_id: str
    actor_display_name: str
    timestamp: int
    text: str  # "{actor} ..." for system messages; rendered "You ..." for the actor
    system_message: str = ""
    kind: str = "system"  # "system" or "comment"
    params: dict[str, Any] = field(default_factory=dict)
    expiration: int = 0
    markdown: bool = False
    # chat (history.py): the reference id, sent silently, the message it answers or (for
    # message_deleted / message_edited) the one it is about, who deleted or last edited it
    reference_id: str = ""
    silent: bool = False
    parent: int = 0
    deleted_by: str = ""
    edited_by: str = ""
    edited_at: int = 0
