"""Typed views of Talk objects. ``Conversation`` keeps the server's dict so no field is lost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class ConversationType(IntEnum):
    ONE_TO_ONE = 1
    GROUP = 2
    PUBLIC = 3
    CHANGELOG = 4
    FORMER_ONE_TO_ONE = 5
    NOTE_TO_SELF = 6


CONVERSATION_TYPE_NAMES: dict[int, str] = {
    ConversationType.ONE_TO_ONE: "one-to-one",
    ConversationType.GROUP: "group",
    ConversationType.PUBLIC: "public",
    ConversationType.CHANGELOG: "changelog",
    ConversationType.FORMER_ONE_TO_ONE: "former-one-to-one",
    ConversationType.NOTE_TO_SELF: "note-to-self",
}
CONVERSATION_TYPES_BY_NAME: dict[str, int] = {v: k for k, v in CONVERSATION_TYPE_NAMES.items()}


class NotificationLevel(IntEnum):
    DEFAULT = 0
    ALWAYS = 1
    MENTION = 2
    NEVER = 3


NOTIFICATION_LEVEL_NAMES: dict[int, str] = {
    NotificationLevel.DEFAULT: "default",
    NotificationLevel.ALWAYS: "always",
    NotificationLevel.MENTION: "mention",
    NotificationLevel.NEVER: "never",
}


def type_name(value: Any) -> str:
    """A conversation type's name; unknown values (a newer server) never crash."""
    if isinstance(value, int) and value in CONVERSATION_TYPE_NAMES:
        return CONVERSATION_TYPE_NAMES[value]
    return f"unknown({value})"


def level_name(value: Any) -> str:
    if isinstance(value, int) and value in NOTIFICATION_LEVEL_NAMES:
        return NOTIFICATION_LEVEL_NAMES[value]
    return f"unknown({value})"


def default_notification_level(conversation_type: int) -> int:
    """The level ``default`` stands for (constants.md): 1 for one-to-one, 2 otherwise.

    Talk refuses level 0 over the API, so talkctl sends the type's default instead.
    """
    one_to_one = (ConversationType.ONE_TO_ONE, ConversationType.FORMER_ONE_TO_ONE)
    return (
        NotificationLevel.ALWAYS if conversation_type in one_to_one else NotificationLevel.MENTION
    )


@dataclass(frozen=True)
class Conversation:
    """A conversation as the server sent it; accessors tolerate missing and unknown values."""

    raw: Mapping[str, Any]

    def _get(self, key: str, default: Any) -> Any:
        value = self.raw.get(key, default)
        return default if value is None else value

    @property
    def token(self) -> str:
        return str(self._get("token", ""))

    @property
    def name(self) -> str:
        return str(self._get("name", ""))

    @property
    def display_name(self) -> str:
        return str(self._get("displayName", "")) or self.name

    @property
    def type(self) -> int:
        value = self.raw.get("type")
        return value if isinstance(value, int) else -1

    @property
    def type_name(self) -> str:
        return type_name(self.raw.get("type"))

    @property
    def is_public(self) -> bool:
        return self.type == ConversationType.PUBLIC

    @property
    def has_password(self) -> bool:
        return bool(self._get("hasPassword", False))

    @property
    def read_only(self) -> bool:
        return bool(self._get("readOnly", 0) == 1)

    @property
    def is_favorite(self) -> bool:
        return bool(self._get("isFavorite", False))

    @property
    def is_archived(self) -> bool:
        return bool(self._get("isArchived", False))

    @property
    def notification_level(self) -> int:
        value = self._get("notificationLevel", 0)
        return value if isinstance(value, int) else 0

    @property
    def effective_notification_level(self) -> int:
        level = self.notification_level
        return level if level else default_notification_level(self.type)

    @property
    def description(self) -> str:
        return str(self._get("description", ""))

    @property
    def object_type(self) -> str:
        return str(self._get("objectType", ""))

    @property
    def last_activity(self) -> int:
        value = self._get("lastActivity", 0)
        return value if isinstance(value, int) else 0

    @property
    def unread_messages(self) -> int:
        value = self._get("unreadMessages", 0)
        return value if isinstance(value, int) else 0

    @property
    def unread_mention(self) -> bool:
        return bool(self._get("unreadMention", False))

    @property
    def participant_type(self) -> int:
        value = self._get("participantType", 0)
        return value if isinstance(value, int) else 0

    def to_json(self) -> dict[str, Any]:
        return dict(self.raw)
