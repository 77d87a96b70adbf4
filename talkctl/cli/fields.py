"""The conversation fields talkctl knows, for validating ``--fields``."""

from __future__ import annotations

from talkctl.errors import UsageError

# The documented fields (conversation.md) and those seen on a real Talk 22 (fixtures).
KNOWN_FIELDS: frozenset[str] = frozenset(
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


def validate_fields(spec: str) -> list[str]:
    fields = [f.strip() for f in spec.split(",") if f.strip()]
    if not fields:
        raise UsageError("--fields needs at least one field name")
    unknown = [f for f in fields if f not in KNOWN_FIELDS]
    if unknown:
        raise UsageError(
            f"unknown field(s) {', '.join(unknown)}; "
            f"valid fields: {', '.join(sorted(KNOWN_FIELDS))}"
        )
    return fields
