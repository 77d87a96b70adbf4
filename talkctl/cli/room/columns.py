"""The conversation noun: the columns of ``room list`` and ``room browse``, the rows of
``room show`` and the valid ``--fields`` (the keys of Talk's conversation objects)."""

from __future__ import annotations

from typing import Any

from talkctl.api.models import Conversation, level_name
from talkctl.cli.fields import Column, Noun, Time

# The documented fields (conversation.md) and those of the recorded Talk 22 room objects.
CONVERSATION_FIELDS: frozenset[str] = frozenset(
    [
        "id",
        "token",
        "type",
        "name",
        "displayName",
        "description",
        "participantType",
        "attendeeId",
        "attendeePin",
        "actorType",
        "actorId",
        "permissions",
        "attendeePermissions",
        "callPermissions",
        "defaultPermissions",
        "participantFlags",
        "readOnly",
        "listable",
        "messageExpiration",
        "lastPing",
        "sessionId",
        "hasPassword",
        "hasCall",
        "callFlag",
        "canStartCall",
        "canDeleteConversation",
        "canLeaveConversation",
        "lastActivity",
        "isFavorite",
        "notificationLevel",
        "notificationCalls",
        "lobbyState",
        "lobbyTimer",
        "sipEnabled",
        "canEnableSIP",
        "unreadMessages",
        "unreadMention",
        "unreadMentionDirect",
        "lastReadMessage",
        "lastCommonReadMessage",
        "lastMessage",
        "objectType",
        "objectId",
        "breakoutRoomMode",
        "breakoutRoomStatus",
        "status",
        "statusIcon",
        "statusMessage",
        "statusClearAt",
        "avatarVersion",
        "isCustomAvatar",
        "callStartTime",
        "callRecording",
        "recordingConsent",
        "mentionPermissions",
        "isArchived",
        "isImportant",
        "isSensitive",
        "remoteServer",
        "remoteToken",
        "invitedActorId",
        "participantInCall",
        "count",
        "numGuests",
        "participants",  # API v1 only (removed in v2)
        "guestList",  # API v1 only (removed in v2)
    ]
)


LISTABLE_NAMES = {0: "none", 1: "users", 2: "everyone"}


def flags(c: Conversation) -> str:
    marks = [
        ("favorite", c.is_favorite),
        ("password", c.has_password),
        ("read-only", c.read_only),
        ("archived", c.is_archived),
    ]
    return ",".join(name for name, on in marks if on)


def _int(c: Conversation, key: str) -> int:
    value = c.raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def duration_text(seconds: int) -> str:
    """``messageExpiration`` for people: off, or the largest whole unit (4w, 1d, 90m, 45s)."""
    if seconds <= 0:
        return "off"
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def guest_link(server: str, token: str) -> str:
    """The link guests open to join a public conversation."""
    return f"{server.rstrip('/')}/index.php/call/{token}"


def conversation_details(c: Conversation, server: str | None = None) -> list[tuple[str, Any]]:
    """The rows of ``room show`` (a public conversation's guest link needs the server)."""
    lobby = "on" if _int(c, "lobbyState") == 1 else "off"
    rows: list[tuple[str, Any]] = [
        ("token", c.token),
        ("name", c.display_name),
        ("type", c.type_name),
        ("description", c.description),
        ("password", "yes" if c.has_password else "no"),
        ("read-only", "on" if c.read_only else "off"),
        ("listable", LISTABLE_NAMES.get(_int(c, "listable"), str(c.raw.get("listable")))),
        ("lobby", lobby),
    ]
    if lobby == "on" and _int(c, "lobbyTimer"):
        rows.append(("lobby until", Time(_int(c, "lobbyTimer"))))
    rows += [
        ("message expiration", duration_text(_int(c, "messageExpiration"))),
        ("archived", "yes" if c.is_archived else "no"),
        ("favorite", "yes" if c.is_favorite else "no"),
        ("notifications", level_name(c.notification_level)),
        ("unread", c.unread_messages),
        ("last activity", Time(c.last_activity)),
    ]
    if c.is_public and server:
        rows.append(("guest link", guest_link(server, c.token)))
    if c.object_type:
        rows.append(("object", f"{c.object_type} {c.raw.get('objectId', '')}".strip()))
    if mode := _int(c, "breakoutRoomMode"):  # a parent: 'talkctl breakout list' shows them
        from talkctl.api.breakout import mode_name, status_name

        started = status_name(_int(c, "breakoutRoomStatus"))
        rows.append(("breakout rooms", f"{mode_name(mode)}, {started}"))
    return rows


CONVERSATION: Noun[Conversation] = Noun(
    "conversation",
    columns=[
        Column("token", "TOKEN", lambda c: c.token),
        Column("type", "TYPE", lambda c: c.type_name),
        Column("displayName", "NAME", lambda c: c.display_name),
        Column("unreadMessages", "UNREAD", lambda c: c.unread_messages),
        Column("lastActivity", "LAST ACTIVITY", lambda c: Time(c.last_activity)),
        Column("flags", "FLAGS", flags),
    ],
    raw=lambda c: c.raw,
    fields=CONVERSATION_FIELDS,
    details=conversation_details,
)

# ``room browse``: conversations you are not in (no unread count, no favorite of yours)
LISTED: Noun[Conversation] = Noun(
    "conversation",
    columns=[
        Column("token", "TOKEN", lambda c: c.token),
        Column("type", "TYPE", lambda c: c.type_name),
        Column("displayName", "NAME", lambda c: c.display_name),
        Column("listable", "LISTABLE", lambda c: LISTABLE_NAMES.get(_int(c, "listable"), "")),
        Column("description", "DESCRIPTION", lambda c: c.description),
    ],
    raw=lambda c: c.raw,
    fields=CONVERSATION_FIELDS,
)
