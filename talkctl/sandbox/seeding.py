"""Direct state set-up for tests: rooms as they would exist on a used server."""

from __future__ import annotations

import json
from typing import Any

from .message import Message
from .profiles import Profile
from .state import CHANGELOG, NOTE_TO_SELF, ONE_TO_ONE, OWNER, USER, Room, State, now
from .views import room_view

CHANGELOG_TEXT = (
    "## New in Talk 21\n- Schedule a meeting into your calendar from within a "
    "conversation\n- Search for messages of the current conversation directly in "
    "the right sidebar\n- See more conversations on a first glance with the new "
    "compact list (enable in the Talk settings)"
)
SAMPLE_DESCRIPTION = (
    "**Nextcloud Talk** is a secure, self-hosted communication platform that "
    "integrates seamlessly with the Nextcloud ecosystem."
)
TARGET_ROOM_BYTES = 2300  # a Talk 22 room object with a last message is about this big


def comment(
    state: State,
    room: Room,
    author: str,
    text: str,
    ts: int | None = None,
    actor_type: str = "users",
    display: str | None = None,
) -> Message:
    ts = ts if ts is not None else now()
    msg = Message(
        state.next_message_id(),
        actor_type,
        author,
        display if display is not None else state.display_name(author),
        ts,
        text,
        kind="comment",
        markdown=True,
        expiration=ts + room.message_expiration if room.message_expiration else 0,
    )
    state.set_last_message(room, msg, author)
    return msg


def add_room(
    state: State,
    *,
    owner: str,
    type: int,
    name: str,
    participants: dict[str, int] | None,
    object_type: str,
    object_id: str,
    last_activity: int | None,
    description: str,
    read_only: int,
    password: str | None,
    listable: int,
    favorite_for: list[str],
    unread_for: dict[str, int],
    archived_for: list[str],
    last_message: str | None,
) -> Room:
    with state.lock:
        others = dict(participants or {})
        if type == ONE_TO_ONE:
            if len(others) != 1:
                raise ValueError("a one-to-one room needs exactly one other participant")
            name = "\n".join(sorted([owner, *others]))
            others = {u: OWNER for u in others}
        room = state.create_room(
            type,
            name,
            owner,
            object_type=object_type,
            object_id=object_id,
            last_activity=last_activity,
        )
        room.description, room.read_only = description, read_only
        room.password, room.listable = password, listable
        for user, ptype in others.items():
            state.add_attendee(room, user, ptype)
        if last_message is not None:
            comment(state, room, owner, last_message, ts=room.last_activity)
        for user in favorite_for:
            _att(room, user).favorite = True
        for user in archived_for:
            _att(room, user).archived = True
        for user, count in unread_for.items():
            _att(room, user).unread_messages = count
        return room


def _att(room: Room, user: str) -> Any:
    att = room.attendee_of(user)
    if att is None:
        raise ValueError(f"{user!r} is no participant of {room.token}")
    return att


def make_note_to_self(state: State, user: str, ts: int | None = None) -> Room:
    with state.lock:
        room = state.create_room(
            NOTE_TO_SELF,
            "Note to self",
            user,
            object_type="note_to_self",
            object_id=user,
            message=False,
            last_activity=ts,
        )
        room.description = "A place for your private notes, thoughts and ideas"
        room.is_custom_avatar = True
        room.avatar_version = state.random_string(16)
        att = _att(room, user)
        att.favorite = True
        actor = {
            "type": "guest",
            "id": "guest/system",
            "name": "System",
            "mention-id": "guest/system",
        }
        msg = Message(
            state.next_message_id(),
            "guests",
            "system",
            "",
            room.last_activity,
            "System created the conversation",
            "conversation_created",
            params={"actor": actor},
        )
        state.set_last_message(room, msg, user)
        return room


def seed_realistic(state: State, user: str) -> dict[str, str]:
    """What a fresh Talk 22 account shows (room-list.json): changelog, note to self and
    the sample conversation."""
    with state.lock:
        ts = now() - 3600
        changelog = state.create_room(CHANGELOG, user, None, last_activity=ts)
        changelog.read_only = 1
        state.add_attendee(changelog, user, USER)
        comment(
            state,
            changelog,
            "changelog",
            CHANGELOG_TEXT,
            ts=ts,
            actor_type="bots",
            display="Talk updates ✅",
        )
        first = changelog.last_message.id if changelog.last_message else 0
        att = _att(changelog, user)
        att.last_read_message, att.unread_messages = first, 55
        note = make_note_to_self(state, user, ts=ts)
        sample = state.create_room(
            2,
            "Let's get started!",
            user,
            object_type="sample",
            object_id=user,
            message=False,
            last_activity=ts,
        )
        sample.description, sample.is_custom_avatar = SAMPLE_DESCRIPTION, True
        sample.avatar_version = state.random_string(16)
        comment(
            state,
            sample,
            "sample",
            "## ⚙️ Manage conversation settings",
            ts=ts,
            actor_type="bots",
            display="Nextcloud",
        )
        _att(sample, user).unread_messages = 7
        return {"changelog": changelog.token, "note_to_self": note.token, "sample": sample.token}


def seed_rooms(
    state: State,
    profile: Profile,
    user: str,
    n: int,
    *,
    name_prefix: str,
    participants: dict[str, int] | None,
    start: int | None,
) -> list[str]:
    """``n`` group rooms owned by ``user``, each with a comment as last message sized so
    that the serialized room is about as big as on Talk 22 (~2.3 KB)."""
    with state.lock:
        start = start if start is not None else now() - n
        text = "x"
        tokens: list[str] = []
        for i in range(n):
            room = state.create_room(
                2, f"{name_prefix} {i + 1:05d}", user, message=False, last_activity=start + i
            )
            for other, ptype in (participants or {}).items():
                state.add_attendee(room, other, ptype)
            if i == 0:
                comment(state, room, user, text, ts=start)
                size = len(
                    json.dumps(
                        room_view(state, profile, max(profile.apis), room, user),
                        separators=(",", ":"),
                    )
                )
                text = ("Lorem ipsum dolor sit amet. " * 200)[: max(1, TARGET_ROOM_BYTES - size)]
            comment(state, room, user, text, ts=start + i)
            tokens.append(room.token)
        return tokens


def add_history(
    state: State,
    room: Room,
    count: int,
    *,
    authors: list[str] | None = None,
    start: int | None = None,
    step: int = 60,
    text: str = "Message {n} from {author}",
) -> list[int]:
    """``count`` comments by ``authors`` in turn (default: the room's users), ``step``
    seconds apart from ``start`` (default: so that the last one is now); their ids."""
    with state.lock:
        people = authors or room.user_ids()
        if not people:
            raise ValueError(f"{room.token} has no users to write messages")
        first = start if start is not None else now() - step * max(0, count - 1)
        ids = []
        for n in range(count):
            author = people[n % len(people)]
            msg = comment(
                state, room, author, text.format(n=n + 1, author=author), ts=first + n * step
            )
            ids.append(msg.id)
        return ids
