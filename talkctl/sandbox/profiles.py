"""Server profiles: which Talk/Nextcloud version the fake pretends to be.

Feature lists come from docs/capabilities.md (Talk 21.0.3); a feature listed
under Talk X is present from profile X on.  Room fields come from the
Added/Removed columns of docs/conversation.md, gated by the capability named in
their description.  Profile "22" adds what the recorded Talk 22.0.0 answers show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from . import limits

Version = tuple[int, int]

# (introduced in, features) -- docs/capabilities.md, superseded ones left out
# ("chat" -> "chat-v2", "invite-by-mail" -> "invite-groups-and-mails").
FEATURE_TABLE: list[tuple[Version, list[str]]] = [
    ((3, 0), ["audio", "video"]),
    ((3, 1), ["guest-signaling", "empty-group-room"]),
    ((3, 2), ["guest-display-names", "multi-room-users", "chat-v2"]),
    (
        (4, 0),
        [
            "favorites",
            "last-room-activity",
            "no-ping",
            "system-messages",
            "mention-flag",
            "in-call-flags",
        ],
    ),
    ((5, 0), ["notification-levels", "invite-groups-and-mails"]),
    ((6, 0), ["locked-one-to-one-rooms", "read-only-rooms"]),
    ((7, 0), ["chat-read-marker", "webinary-lobby", "start-call-flag"]),
    ((8, 0), ["chat-replies", "circles-support"]),
    ((9, 0), ["force-mute", "conversation-v2", "chat-reference-id"]),
    ((10, 1), ["conversation-v3", "sip-support"]),
    (
        (11, 0),
        [
            "chat-read-status",
            "listable-rooms",
            "phonebook-search",
            "raise-hand",
            "room-description",
        ],
    ),
    (
        (11, 1),
        [
            "delete-messages",
            "rich-object-sharing",
            "conversation-call-flags",
            "temp-user-avatar-api",
        ],
    ),
    (
        (12, 0),
        [
            "conversation-v4",
            "signaling-v3",
            "geo-location-sharing",
            "voice-message-sharing",
            "publishing-permissions",
        ],
    ),
    ((12, 1), ["clear-history"]),
    ((13, 0), ["direct-mention-flag", "notification-calls", "conversation-permissions"]),
    ((14, 0), ["chat-unread", "reactions", "rich-object-list-media", "rich-object-delete"]),
    (
        (15, 0),
        [
            "unified-search",
            "chat-permission",
            "silent-send",
            "message-expiration",
            "sip-support-nopin",
            "send-call-notification",
            "silent-call",
            "talk-polls",
        ],
    ),
    (
        (16, 0),
        [
            "breakout-rooms-v1",
            "recording-v1",
            "chat-get-context",
            "single-conversation-status",
            "chat-keep-notifications",
        ],
    ),
    ((17, 0), ["avatar", "typing-privacy"]),
    ((17, 1), ["remind-me-later", "bots-v1", "markdown-messages"]),
    (
        (18, 0),
        [
            "media-caption",
            "session-state",
            "note-to-self",
            "recording-consent",
            "sip-support-dialout",
        ],
    ),
    (
        (19, 0),
        [
            "delete-messages-unlimited",
            "edit-messages",
            "silent-send-state",
            "chat-read-last",
            "federation-v1",
        ],
    ),
    ((20, 0), ["ban-v1", "mention-permissions", "federation-v2", "edit-messages-note-to-self"]),
    (
        (20, 1),
        [
            "archived-conversations-v2",
            "talk-polls-drafts",
            "download-call-participants",
            "chat-summary-api",
            "email-csv-import",
        ],
    ),
    (
        (21, 0),
        [
            "conversation-creation-password",
            "call-notification-state-api",
            "schedule-meeting",
            "call-end-to-end-encryption",
            "edit-draft-poll",
        ],
    ),
]
LOCAL_FEATURES = {
    "favorites",
    "chat-read-status",
    "listable-rooms",
    "phonebook-search",
    "temp-user-avatar-api",
    "unified-search",
    "avatar",
    "remind-me-later",
    "note-to-self",
    "archived-conversations-v2",
    "chat-summary-api",
    "call-notification-state-api",
    "schedule-meeting",
    "important-conversations",
}

# (field, added, removed, required capability) -- docs/conversation.md table.
ROOM_FIELDS: list[tuple[str, int, int | None, str | None]] = [
    ("id", 1, None, None),
    ("token", 1, None, None),
    ("type", 1, None, None),
    ("name", 1, None, None),
    ("displayName", 1, None, None),
    ("objectType", 1, None, None),
    ("objectId", 1, None, None),
    ("participantType", 1, None, None),
    ("participantInCall", 1, 2, None),
    ("participantFlags", 1, None, "in-call-flags"),
    ("readOnly", 1, None, "read-only-rooms"),
    ("count", 1, 2, None),
    ("numGuests", 1, 2, None),
    ("hasPassword", 1, None, None),
    ("hasCall", 1, None, None),
    ("callStartTime", 4, None, "recording-v1"),
    ("callRecording", 4, None, "recording-v1"),
    ("canStartCall", 1, None, "start-call-flag"),
    ("lastActivity", 1, None, None),
    ("lastReadMessage", 1, None, "chat-read-marker"),
    ("unreadMessages", 1, None, "chat-v2"),
    ("unreadMention", 1, None, None),
    ("unreadMentionDirect", 4, None, "direct-mention-flag"),
    ("isFavorite", 1, None, None),
    ("canLeaveConversation", 2, None, None),
    ("canDeleteConversation", 2, None, None),
    ("notificationLevel", 1, None, None),
    ("notificationCalls", 4, None, "notification-calls"),
    ("lobbyState", 1, None, "webinary-lobby"),
    ("lobbyTimer", 1, None, "webinary-lobby"),
    ("lastPing", 1, None, None),
    ("sessionId", 1, None, None),
    ("sipEnabled", 3, None, None),
    ("actorType", 3, None, None),
    ("actorId", 3, None, None),
    ("attendeeId", 3, None, None),
    ("permissions", 4, None, None),
    ("attendeePermissions", 4, None, None),
    ("callPermissions", 4, None, None),
    ("defaultPermissions", 4, None, None),
    ("canEnableSIP", 3, None, None),
    ("attendeePin", 3, None, None),
    ("description", 3, None, "room-description"),
    ("lastCommonReadMessage", 3, None, "chat-read-status"),
    ("listable", 3, None, "listable-rooms"),
    ("callFlag", 3, None, "conversation-call-flags"),
    ("messageExpiration", 4, None, "message-expiration"),
    ("avatarVersion", 4, None, "avatar"),
    ("isCustomAvatar", 4, None, "avatar"),
    ("breakoutRoomMode", 4, None, "breakout-rooms-v1"),
    ("breakoutRoomStatus", 4, None, "breakout-rooms-v1"),
    ("recordingConsent", 4, None, "recording-consent"),
    ("mentionPermissions", 4, None, "mention-permissions"),
    ("isArchived", 4, None, "archived-conversations-v2"),
    ("isImportant", 4, None, "important-conversations"),
    ("participants", 1, 2, None),
    ("guestList", 1, 2, None),
    ("lastMessage", 1, None, None),
]


@dataclass(frozen=True)
class Profile:
    name: str
    talk: Version
    nextcloud: tuple[int, int, int]
    apis: tuple[int, ...]
    extra_features: tuple[str, ...] = field(default=())

    @cached_property
    def features(self) -> list[str]:
        out = [f for ver, names in FEATURE_TABLE if ver <= self.talk for f in names]
        if 4 in self.apis:  # v4 servers no longer announce the v2/v3 conversation APIs
            out = [f for f in out if f not in ("conversation-v2", "conversation-v3")]
        return out + list(self.extra_features)

    def has(self, feature: str) -> bool:
        return feature in self.features

    @property
    def returns_room_on_change(self) -> bool:
        """Talk 21 changed setters to answer the room instead of data []."""
        return self.talk >= (21, 0)

    @property
    def error_reasons(self) -> bool:
        """Talk 21+ answers most 400s with {"error": reason}; older ones with []."""
        return self.talk >= (21, 0)

    @property
    def description_limit(self) -> int:
        return limits.description_limit(self.talk)

    @property
    def supports_include_last_message(self) -> bool:
        return self.talk >= (21, 0)  # in the Talk 21 openapi, not in Talk 18

    def room_keys(self, api: int) -> list[str]:
        keys = []
        for name, added, removed, cap in ROOM_FIELDS:
            if added > api or (removed is not None and api >= removed):
                continue
            if cap is not None and not self.has(cap):
                continue
            keys.append(name)
        return keys

    def participant_keys(self, api: int) -> list[str]:
        if api >= 4:
            keys = [
                "roomToken",
                "inCall",
                "lastPing",
                "sessionIds",
                "participantType",
                "attendeeId",
                "actorId",
                "actorType",
                "displayName",
                "permissions",
                "attendeePermissions",
                "attendeePin",
            ]
            if self.has("sip-support-dialout"):
                keys += ["phoneNumber", "callId"]
            return keys
        if api == 3:
            return [
                "inCall",
                "lastPing",
                "sessionId",
                "participantType",
                "attendeeId",
                "actorId",
                "actorType",
                "displayName",
            ]
        return ["inCall", "lastPing", "sessionId", "participantType", "userId", "displayName"]


PROFILES: dict[str, Profile] = {
    "8": Profile("8", (8, 0), (18, 0, 14), (1,)),
    "9": Profile("9", (9, 0), (19, 0, 13), (1, 2)),
    "10": Profile("10", (10, 0), (20, 0, 14), (1, 2)),
    "11": Profile("11", (11, 9), (21, 0, 9), (1, 2, 3)),
    "18": Profile("18", (18, 9), (28, 0, 14), (4,)),
    "19": Profile("19", (19, 9), (29, 0, 16), (4,)),
    "20": Profile("20", (20, 0), (30, 0, 0), (4,)),
    "21": Profile("21", (21, 9), (31, 0, 9), (4,)),
    "22": Profile(
        "22",
        (22, 0),
        (32, 0, 1),
        (4,),
        extra_features=("conversation-creation-all", "important-conversations"),
    ),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[str(name)]
    except KeyError:
        raise ValueError(f"unknown Talk profile {name!r}; known: {', '.join(PROFILES)}") from None
