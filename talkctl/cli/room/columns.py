"""The conversation noun: the columns of ``room list`` and ``room browse``, the rows of
``room show`` and the valid ``--fields`` (the keys of Talk's conversation objects)."""

from __future__ import annotations

from typing import Any

from talkctl.api.models import Conversation
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


def _listable(c: Conversation) -> str:
    from talkctl.settings.values import LISTABLE_NAMES  # room browse only

    return LISTABLE_NAMES.get(_int(c, "listable"), "")


def guest_link(server: str, token: str) -> str:
    """The link guests open to join a public conversation."""
    return f"{server.rstrip('/')}/index.php/call/{token}"


def conversation_details(c: Conversation, server: str | None = None) -> list[tuple[str, Any]]:
    """The rows of ``room show`` (a public conversation's guest link needs the server)."""
    rows: list[tuple[str, Any]] = [
        ("token", c.token),
        ("name", c.display_name),
        ("type", c.type_name),
        ("password", "yes" if c.has_password else "no"),
    ]
    from talkctl.settings import Stamp, show_rows  # room show only: not room list's import

    # the settings' rows come from their table (a time there prints as one)
    rows += [(label, Time(v) if isinstance(v, Stamp) else v) for label, v in show_rows(c)]
    if "isCustomAvatar" in c.raw:
        rows.append(("avatar", "custom" if c.raw["isCustomAvatar"] is True else "default"))
    rows += [
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
        Column("listable", "LISTABLE", lambda c: _listable(c)),
        Column("description", "DESCRIPTION", lambda c: c.description),
    ],
    raw=lambda c: c.raw,
    fields=CONVERSATION_FIELDS,
)
