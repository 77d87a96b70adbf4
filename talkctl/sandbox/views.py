"""Per-API-version serialization of rooms, participants and messages."""

from __future__ import annotations

import hashlib
from typing import Any

from .profiles import Profile
from .state import (
    CHANGELOG,
    FORMER_ONE_TO_ONE,
    GUEST,
    MODERATOR_TYPES,
    NOTE_TO_SELF,
    ONE_TO_ONE,
    Attendee,
    Message,
    Room,
    State,
)

PERMISSIONS_MODERATOR = 254
PERMISSIONS_USER = 246


def message_view(msg: Message, token: str, viewer: str | None) -> dict[str, Any]:
    text = msg.text
    if msg.kind == "system":
        text = text.replace("{actor}", "You", 1) if viewer == msg.actor_id else text
    return {
        "id": msg.id,
        "token": token,
        "actorType": msg.actor_type,
        "actorId": msg.actor_id,
        "actorDisplayName": msg.actor_display_name,
        "timestamp": msg.timestamp,
        "message": text,
        "messageParameters": msg.params if msg.params else [],
        "systemMessage": msg.system_message,
        "messageType": "system" if msg.kind == "system" else "comment",
        "isReplyable": msg.kind != "system",
        "referenceId": "",
        "reactions": {},
        "expirationTimestamp": msg.expiration,
        "markdown": msg.markdown,
    }


def other_user(room: Room, viewer: str | None) -> str:
    ids = room.name.split("\n")
    others = [u for u in ids if u != viewer]
    return others[0] if others else ids[0]


def room_name(state: State, room: Room, viewer: str | None) -> tuple[str, str]:
    """(name, displayName) as the viewer sees them."""
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        other = other_user(room, viewer)
        return other, state.display_name(other)
    if room.type == CHANGELOG:
        return viewer or "", "Talk updates ✅"
    if room.name == "":
        users = [state.display_name(u) for u in room.user_ids()]
        return "", ", ".join(sorted(users))
    return room.name, room.name


def avatar_version(room: Room, viewer: str | None) -> str:
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return hashlib.sha1(other_user(room, viewer).encode()).hexdigest()[:8]
    return room.avatar_version


def common_read(room: Room) -> int:
    reads = [a.last_read_message for a in room.attendees.values() if a.actor_type == "users"]
    return min(reads) if reads else 0


def _full_room(
    state: State, room: Room, viewer: str | None, att: Attendee | None, api: int
) -> dict[str, Any]:
    room.expire_lobby()
    name, display = room_name(state, room, viewer)
    is_mod = att is not None and att.participant_type in MODERATOR_TYPES
    data: dict[str, Any] = {
        "id": room.id,
        "token": room.token,
        "type": room.type,
        "name": name,
        "displayName": display,
        "objectType": room.object_type,
        "objectId": room.object_id,
        "participantType": GUEST,
        "participantInCall": False,
        "participantFlags": 0,
        "readOnly": room.read_only,
        "count": 0,
        "numGuests": 0,
        "hasPassword": room.password is not None,
        "hasCall": False,
        "callStartTime": 0,
        "callRecording": 0,
        "canStartCall": False,
        "lastActivity": room.last_activity,
        "lastReadMessage": 0,
        "unreadMessages": 0,
        "unreadMention": False,
        "unreadMentionDirect": False,
        "isFavorite": False,
        "canLeaveConversation": False,
        "canDeleteConversation": False,
        "notificationLevel": 3,
        "notificationCalls": 0,
        "lobbyState": room.lobby_state,
        "lobbyTimer": room.lobby_timer,
        "lastPing": 0,
        "sessionId": "0",
        "sipEnabled": 0,
        "actorType": "",
        "actorId": "",
        "attendeeId": 0,
        "permissions": 1,
        "attendeePermissions": 1,
        "callPermissions": 1,
        "defaultPermissions": 1,
        "canEnableSIP": False,
        "attendeePin": "",
        "description": room.description,
        "lastCommonReadMessage": 0,
        "listable": room.listable,
        "callFlag": 0,
        "messageExpiration": 0,
        "avatarVersion": avatar_version(room, viewer),
        "isCustomAvatar": room.is_custom_avatar,
        "breakoutRoomMode": 0,
        "breakoutRoomStatus": 0,
        "recordingConsent": 0,
        "mentionPermissions": room.mention_permissions,
        "isArchived": False,
        "isImportant": False,
        "participants": {},
        "guestList": "",
    }
    if att is None:
        return data
    level = att.notification_level or (1 if room.type == ONE_TO_ONE else 2)
    data.update(
        {
            "participantType": att.participant_type,
            "canStartCall": room.type != NOTE_TO_SELF
            and bool(effective_permissions(room, att) & 2),
            "lastReadMessage": att.last_read_message,
            "unreadMessages": att.unread_messages,
            "unreadMention": att.unread_mention,
            "isFavorite": att.favorite,
            "canLeaveConversation": room.type != NOTE_TO_SELF,
            "canDeleteConversation": is_mod and room.type not in (ONE_TO_ONE, FORMER_ONE_TO_ONE),
            "notificationLevel": level,
            "notificationCalls": att.notification_calls,
            "actorType": att.actor_type,
            "actorId": att.actor_id,
            "attendeeId": att.id,
            "permissions": effective_permissions(room, att),
            "attendeePermissions": att.permissions,
            "callPermissions": 0,
            "defaultPermissions": room.default_permissions,
            "lastCommonReadMessage": common_read(room),
            "messageExpiration": room.message_expiration,
            "isArchived": att.archived,
            "isImportant": att.important,
        }
    )
    if api < 3:
        data["participants"] = {
            a.actor_id: {
                "name": state.display_name(a.actor_id),
                "type": a.participant_type,
                "call": 0,
                "sessionId": "0",
            }
            for a in room.attendees.values()
            if a.actor_type == "users"
        }
    return data


def effective_permissions(room: Room, att: Attendee) -> int:
    """What an attendee may do, as recorded on Talk 22 (talk22-moderation/): moderators
    everything (254, whatever the default); others their own permissions when set, else
    the conversation's default when set, else the server's (246: all but lobby-ignore)."""
    if att.participant_type in MODERATOR_TYPES:
        return PERMISSIONS_MODERATOR
    return att.permissions or room.default_permissions or PERMISSIONS_USER


def room_view(
    state: State,
    profile: Profile,
    api: int,
    room: Room,
    viewer: str | None,
    *,
    include_last_message: bool = True,
) -> dict[str, Any]:
    att = room.attendee_of(viewer)
    full = _full_room(state, room, viewer, att, api)
    out: dict[str, Any] = {}
    for key in profile.room_keys(api):
        if key == "lastMessage":
            listed = att is None
            if listed and profile.talk >= (21, 0):
                continue  # Talk 21+ lists open conversations without their last message
            if not include_last_message and profile.supports_include_last_message:
                continue
            if room.last_message is None or listed:
                if not profile.supports_include_last_message:
                    out[key] = []
                continue
            out[key] = message_view(room.last_message, room.token, viewer)
        else:
            out[key] = full[key]
    return out


def participant_view(
    state: State, profile: Profile, api: int, room: Room, att: Attendee, viewer_is_moderator: bool
) -> dict[str, Any]:
    display = attendee_display_name(state, att)
    full: dict[str, Any] = {
        "roomToken": room.token,
        "inCall": 0,
        "lastPing": 0,
        "sessionIds": [],
        "sessionId": "0",
        "participantType": att.participant_type,
        "attendeeId": att.id,
        "actorId": att.actor_id,
        "actorType": att.actor_type,
        "userId": att.actor_id,
        "displayName": display,
        "permissions": effective_permissions(room, att),
        "attendeePermissions": att.permissions,
        "attendeePin": "",
        "phoneNumber": "",
        "callId": "",
    }
    keys = profile.participant_keys(api)
    if not viewer_is_moderator:
        keys = [k for k in keys if k not in ("phoneNumber", "callId")]
    view = {k: full[k] for k in keys}
    if att.actor_type == "emails" and api >= 3:
        # recorded (talk22-membership/participants-list-with-email-200.json): the address is
        # in invitedActorId, the actorId is its sha256, the display name empty
        view["invitedActorId"] = att.invited_actor_id
    return view


def attendee_display_name(state: State, att: Attendee) -> str:
    if att.display_name is not None:
        return att.display_name
    if att.actor_type == "users":
        return state.display_name(att.actor_id)
    if att.actor_type == "groups":
        return state.groups.get(att.actor_id, (att.actor_id, set()))[0]
    if att.actor_type == "circles":
        return state.teams.get(att.actor_id, (att.actor_id, set()))[0]
    return att.actor_id
