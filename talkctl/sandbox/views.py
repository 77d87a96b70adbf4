"""Per-API-version serialization of rooms, participants and messages."""

from __future__ import annotations

import bisect
import hashlib
from typing import Any

from .message import Message
from .profiles import Profile
from .state import (
    CHANGELOG,
    FORMER_ONE_TO_ONE,
    GUEST,
    MODERATOR_TYPES,
    NOTE_TO_SELF,
    ONE_TO_ONE,
    Attendee,
    Room,
    State,
)

PERMISSIONS_MODERATOR = 254
PERMISSIONS_USER = 246
START_CALL, LOBBY_IGNORE = 2, 8  # permission bits (constants.md)


def message_view(
    msg: Message,
    token: str,
    viewer: str | None,
    room: Room | None = None,
    state: State | None = None,
) -> dict[str, Any]:
    """A chat message as ``viewer`` reads it (recorded: talk22-moderation/c-*); with ``room``,
    a reply or a message_deleted / message_edited carries the message it is about as
    ``parent``."""
    text, params = msg.text, msg.params
    if msg.kind == "system":
        text = text.replace("{actor}", "You", 1) if viewer == msg.actor_id else text
    view: dict[str, Any] = {
        "id": msg.id,
        "token": token,
        "actorType": msg.actor_type,
        "actorId": msg.actor_id,
        "actorDisplayName": msg.actor_display_name,
        "timestamp": msg.timestamp,
        "message": text,
        "messageParameters": params if params else [],
        "systemMessage": msg.system_message,
        "messageType": "system" if msg.kind == "system" else "comment",
        "isReplyable": msg.kind != "system",
        "referenceId": msg.reference_id,
        "reactions": {},
        "expirationTimestamp": msg.expiration,
        "markdown": msg.markdown,
    }
    if msg.deleted_by:
        # Talk's SystemMessage parser: "by you", "by author" (deleted by its author), or
        # "by {actor}" (recorded: the first, c-delete-own-200 and c-chat-with-deleted-200)
        by = msg.deleted_by
        view["message"] = (
            "Message deleted by you"
            if by == viewer
            else "Message deleted by author"
            if by == msg.actor_id
            else "Message deleted by {actor}"
        )
        view["messageParameters"] = {"actor": _user_param(by, state)}
        view.update(messageType="comment_deleted", isReplyable=False, deleted=True)
    elif msg.edited_by:
        view.update(
            lastEditActorType="users",
            lastEditActorId=msg.edited_by,
            lastEditActorDisplayName=_user_param(msg.edited_by, state)["name"],
            lastEditTimestamp=msg.edited_at,
        )
    if msg.silent:
        view["silent"] = True
    if msg.parent and room is not None:
        parent = find_message(room, msg.parent)
        if parent is not None:
            view["parent"] = message_view(parent, token, viewer, None, state)
    return view


def _user_param(user: str, state: State | None) -> dict[str, str]:
    name = state.display_name(user) if state is not None else user
    return {"type": "user", "id": user, "name": name, "mention-id": user}


def find_message(room: Room, message_id: int) -> Message | None:
    """The message of ``room`` with this id (the history is sorted by id)."""
    at = bisect.bisect_left(room.messages, message_id, key=lambda m: m.id)
    if at < len(room.messages) and room.messages[at].id == message_id:
        return room.messages[at]
    return None


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
        "breakoutRoomMode": room.breakout_mode,
        "breakoutRoomStatus": room.breakout_status,
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
            # recorded (talk22-moderation/l-room-get-as-bob-200.json): who waits in the lobby
            # cannot start a call; nor can who lacks the permission (a-room-as-alice-chat-only)
            "canStartCall": room.type != NOTE_TO_SELF
            and not in_lobby(room, att)
            and bool(effective_permissions(room, att) & START_CALL),
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


def in_lobby(room: Room, att: Attendee) -> bool:
    """Whether ``att`` waits in the lobby: it is on and they may not ignore it (moderators
    may, and whoever has the lobby-ignore permission: constants.md)."""
    room.expire_lobby()
    return bool(room.lobby_state) and not effective_permissions(room, att) & LOBBY_IGNORE


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
            if att is not None and in_lobby(room, att):
                continue  # recorded: l-room-get-as-bob-200 (no last message in the lobby)
            listed = att is None
            if listed and profile.talk >= (21, 0):
                continue  # Talk 21+ lists open conversations without their last message
            if not include_last_message and profile.supports_include_last_message:
                continue
            if room.last_message is None or listed:
                if not profile.supports_include_last_message:
                    out[key] = []
                continue
            out[key] = message_view(room.last_message, room.token, viewer, room, state)
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
    # a plain user sees phoneNumber and callId too (talk22-moderation/u-participants-as-alice)
    view = {k: full[k] for k in profile.participant_keys(api)}
    if att.actor_type == "emails" and api >= 3 and viewer_is_moderator:
        # recorded (talk22-membership/participants-list-with-email-200.json): the address is
        # in invitedActorId, the actorId is its sha256, the display name empty; others see
        # no invitedActorId (talk22-moderation/u-participants-as-alice-200.json)
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
