"""In-memory state of the fake server: users, groups, app passwords, rooms."""

from __future__ import annotations

import hashlib
import itertools
import random
import string
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .bots import Bot
from .message import Message

OWNER, MODERATOR, USER, GUEST, USER_SELF_JOINED, GUEST_MODERATOR = 1, 2, 3, 4, 5, 6
ONE_TO_ONE, GROUP, PUBLIC, CHANGELOG, FORMER_ONE_TO_ONE, NOTE_TO_SELF = 1, 2, 3, 4, 5, 6
MODERATOR_TYPES = (OWNER, MODERATOR, GUEST_MODERATOR)
TOKEN_CHARS = string.ascii_lowercase + string.digits
AVATAR_VERSIONS = {GROUP: "d663b3a8", PUBLIC: "0fc7b73c"}  # as recorded on Talk 22


_default_seeds: Iterator[int] | None = None
_seeded = 0


def now() -> int:
    return int(time.time())


def seed_new_states(seed: int | None) -> None:
    """Seed every State created from now on without a seed of its own with ``seed``,
    ``seed + 1``, ... (test suites call this once per test, so that each test sees the same
    tokens, ids and passwords on every run); ``None`` makes them random again."""
    global _default_seeds, _seeded
    _default_seeds = None if seed is None else itertools.count(seed)
    _seeded = 0


def seeded_states() -> int:
    """How many States took their seed from :func:`seed_new_states` since it was called."""
    return _seeded


@dataclass
class User:
    id: str
    password: str
    display_name: str
    talk_enabled: bool = True
    enabled: bool = True  # False: disabled by an admin (provisioning API's "enabled")


@dataclass
class Attendee:
    id: int
    actor_type: str
    actor_id: str
    participant_type: int
    favorite: bool = False
    archived: bool = False
    important: bool = False
    notification_level: int = 0  # 0 = default (1 for one-to-one, 2 otherwise)
    notification_calls: int = 1
    last_read_message: int = 0
    unread_messages: int = 0
    unread_mention: bool = False
    invited_actor_id: str = ""  # e-mail invitees: the address (actor_id is its sha256)
    display_name: str | None = None  # None: the user's, group's or team's name
    permissions: int = 0  # the attendee's own permissions (0: the conversation's default)


@dataclass
class Room:
    id: int
    token: str
    type: int
    name: str
    description: str = ""
    read_only: int = 0
    password: str | None = None
    listable: int = 0
    lobby_state: int = 0
    lobby_timer: int = 0
    message_expiration: int = 0
    object_type: str = ""
    object_id: str = ""
    last_activity: int = 0
    last_message: Message | None = None
    attendees: dict[int, Attendee] = field(default_factory=dict)
    avatar_version: str = ""
    is_custom_avatar: bool = False
    mention_permissions: int = 0
    bots: list[int] = field(default_factory=list)  # ids of the bots enabled here
    breakout_mode: int = 0  # 0 none, 1 automatic, 2 manual, 3 free (handlers_breakout.py)
    breakout_status: int = 0  # 0 stopped, 1 started
    messages: list[Message] = field(default_factory=list)  # the history, oldest first
    default_permissions: int = 0  # 0: the server's defaults
    bans: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> the ban as answered

    def expire_lobby(self) -> None:
        """Talk resets the lobby to "no lobby" once its timer has passed (webinar.md: the
        timer is the "Timestamp when the lobby state is reset to no lobby"); it does so when it
        reads the room, and so does the fake, before every view of it."""
        if self.lobby_timer and self.lobby_timer <= now():
            self.lobby_state, self.lobby_timer = 0, 0

    def attendee_of(self, user: str | None) -> Attendee | None:
        if user is None:
            return None
        for att in self.attendees.values():
            if att.actor_type == "users" and att.actor_id == user:
                return att
        return None

    def user_ids(self) -> list[str]:
        return [a.actor_id for a in self.attendees.values() if a.actor_type == "users"]

    def as_dict(self) -> dict[str, Any]:
        """Plain snapshot for test assertions (srv.room(token))."""
        self.expire_lobby()
        return {
            "id": self.id,
            "token": self.token,
            "type": self.type,
            "name": self.name,
            "description": self.description,
            "readOnly": self.read_only,
            "password": self.password,
            "hasPassword": self.password is not None,
            "listable": self.listable,
            "lobbyState": self.lobby_state,
            "lobbyTimer": self.lobby_timer,
            "messageExpiration": self.message_expiration,
            "mentionPermissions": self.mention_permissions,
            "defaultPermissions": self.default_permissions,
            "attendeePermissions": {
                a.actor_id: a.permissions for a in self.attendees.values() if a.permissions
            },
            "objectType": self.object_type,
            "objectId": self.object_id,
            "lastActivity": self.last_activity,
            "participants": {_actor_key(a): a.participant_type for a in self.attendees.values()},
            "attendeeIds": {
                a.actor_id: a.id for a in self.attendees.values() if a.actor_type == "users"
            },
            "favorite": [a.actor_id for a in self.attendees.values() if a.favorite],
            "archived": [a.actor_id for a in self.attendees.values() if a.archived],
            "important": [a.actor_id for a in self.attendees.values() if a.important],
            "notificationLevel": {
                a.actor_id: a.notification_level
                for a in self.attendees.values()
                if a.actor_type == "users"
            },
            "lastMessage": None if self.last_message is None else self.last_message.text,
        }


def _actor_key(att: Attendee) -> str:
    return att.actor_id if att.actor_type == "users" else f"{att.actor_type}/{att.actor_id}"


class State:
    """All mutable server state; every access happens under ``lock``."""

    def __init__(self, seed: int | None = None) -> None:
        global _seeded
        if seed is None and _default_seeds is not None:
            seed = next(_default_seeds)
            _seeded += 1
        self.seed = seed
        self.lock = threading.RLock()
        self.rng = random.Random(seed)
        # session cookies draw from their own generator: how many requests a client sends
        # (and in which order its threads send them) never changes the tokens drawn later
        self.session_rng = random.Random(self.rng.random())
        self.users: dict[str, User] = {}
        self.groups: dict[str, tuple[str, set[str]]] = {}  # id -> (display name, members)
        self.teams: dict[str, tuple[str, set[str]]] = {}  # circles: id -> (name, members)
        self.subadmins: dict[str, set[str]] = {}  # group id -> its sub-admins
        self.app_passwords: dict[str, str] = {}  # app password -> user id
        self.rooms: dict[str, Room] = {}
        self.bots: dict[int, Bot] = {}  # installed bots by id (bots.py)
        self.user_rooms: dict[str, set[str]] = {}  # user id -> tokens (index)
        self._room_id = 0
        self._attendee_id = 100
        self._message_id = 1000

    # -- users ---------------------------------------------------------------
    def add_user(
        self, user: str, password: str | None = None, display_name: str | None = None
    ) -> User:
        with self.lock:
            u = User(user, password or f"{user}-password", display_name or user)
            self.users[user] = u
            self.user_rooms.setdefault(user, set())
            return u

    def add_group(
        self, group: str, members: list[str] | set[str], display_name: str | None = None
    ) -> None:
        with self.lock:
            self.groups[group] = (display_name or group, set(members))

    def add_team(self, team: str, members: list[str] | set[str], display_name: str) -> None:
        with self.lock:
            self.teams[team] = (display_name, set(members))

    def is_admin(self, user: str | None) -> bool:
        admins = self.groups.get("admin")
        return user is not None and admins is not None and user in admins[1]

    def delete_user(self, user: str) -> None:
        """The user leaves every group and conversation (rules: membership.delete_user)."""
        from . import membership

        with self.lock:
            membership.delete_user(self, user)

    def groups_of(self, user: str) -> list[str]:
        return sorted(g for g, (_, members) in self.groups.items() if user in members)

    def user_of_login(self, login: str) -> str | None:
        """The user id a login name stands for, as Nextcloud's user database resolves it:
        the id itself, else the one id that equals it but for case (``ADMIN`` logs in as
        ``admin``: the login name is not the user id)."""
        if login in self.users:
            return login
        folded = login.casefold()
        found = [user for user in self.users if user.casefold() == folded]
        return found[0] if len(found) == 1 else None

    def display_name(self, user: str) -> str:
        u = self.users.get(user)
        return u.display_name if u else user

    def new_app_password(self, user: str) -> str:
        with self.lock:
            if user not in self.users:
                raise KeyError(f"unknown user {user!r}")
            alphabet = string.ascii_letters + string.digits
            pw = "".join(self.rng.choice(alphabet) for _ in range(72))
            self.app_passwords[pw] = user
            return pw

    def random_string(self, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def session_id(self) -> str:
        with self.lock:
            return "".join(self.session_rng.choice(TOKEN_CHARS) for _ in range(26))

    # -- rooms ---------------------------------------------------------------
    def new_token(self) -> str:
        while True:
            token = "".join(self.rng.choice(TOKEN_CHARS) for _ in range(8))
            if token not in self.rooms:
                return token

    def create_room(
        self,
        room_type: int,
        name: str,
        owner: str | None,
        *,
        object_type: str = "",
        object_id: str = "",
        last_activity: int | None = None,
        message: bool = True,
    ) -> Room:
        with self.lock:
            self._room_id += 1
            room = Room(
                self._room_id,
                self.new_token(),
                room_type,
                name,
                object_type=object_type,
                object_id=object_id,
                last_activity=last_activity if last_activity is not None else now(),
            )
            room.avatar_version = AVATAR_VERSIONS.get(
                room_type, hashlib.sha1(f"{room_type}".encode()).hexdigest()[:8]
            )
            self.rooms[room.token] = room
            if owner is not None:
                self.add_attendee(room, owner, OWNER)
            if message and owner is not None:
                self.system_message(
                    room,
                    owner,
                    "conversation_created",
                    "{actor} created the conversation",
                    ts=room.last_activity,
                )
            return room

    def add_attendee(
        self, room: Room, actor_id: str, participant_type: int, actor_type: str = "users"
    ) -> Attendee:
        with self.lock:
            for att in room.attendees.values():
                if att.actor_type == actor_type and att.actor_id == actor_id:
                    return att
            self._attendee_id += 1
            att = Attendee(self._attendee_id, actor_type, actor_id, participant_type)
            if room.last_message is not None:
                att.last_read_message = room.last_message.id
            room.attendees[att.id] = att
            if actor_type == "users":
                self.user_rooms.setdefault(actor_id, set()).add(room.token)
            return att

    def remove_attendee(self, room: Room, att: Attendee) -> None:
        with self.lock:
            room.attendees.pop(att.id, None)
            if att.actor_type == "users":
                self.user_rooms.get(att.actor_id, set()).discard(room.token)

    def delete_room(self, room: Room) -> None:
        with self.lock:
            for att in list(room.attendees.values()):
                self.remove_attendee(room, att)
            self.rooms.pop(room.token, None)

    # -- membership: users, groups and teams (the rules are in membership.py) ---------
    def add_member(self, room: Room, actor_type: str, actor_id: str, by: str) -> Attendee | None:
        """Add a user, group or team (``circles``) as ``by``; None when there is none such."""
        from . import membership

        with self.lock:
            return membership.add_member(self, room, actor_type, actor_id, by)

    def remove_member(self, room: Room, att: Attendee, by: str) -> None:
        from . import membership

        with self.lock:
            membership.remove_member(self, room, att, by)

    def change_group(self, group: str, user: str, *, add: bool, by: str) -> None:
        """Add ``user`` to ``group`` or remove them, and follow it in the conversations."""
        from . import membership

        with self.lock:
            membership.change_group(self, group, user, add=add, by=by)

    def delete_group(self, group: str, by: str) -> None:
        from . import membership

        with self.lock:
            membership.delete_group(self, group, by)

    def next_message_id(self) -> int:
        self._message_id += 1
        return self._message_id

    def system_message(
        self,
        room: Room,
        actor: str,
        system_message: str,
        text: str,
        params: dict[str, Any] | None = None,
        ts: int | None = None,
    ) -> Message:
        with self.lock:
            ts = ts if ts is not None else now()
            name = self.display_name(actor)
            actor_param = {"type": "user", "id": actor, "name": name, "mention-id": actor}
            msg = Message(
                self.next_message_id(),
                "users",
                actor,
                name,
                ts,
                text,
                system_message,
                "system",
                {"actor": actor_param, **(params or {})},
                expiration=ts + room.message_expiration if room.message_expiration else 0,
            )
            self.set_last_message(room, msg, actor)
            return msg

    def set_last_message(self, room: Room, msg: Message, author: str | None) -> None:
        room.messages.append(msg)  # ids only grow: the history stays sorted by id
        room.last_message = msg
        room.last_activity = max(room.last_activity, msg.timestamp)
        att = room.attendee_of(author)
        if att is not None:
            att.last_read_message = msg.id

    def rooms_of(self, user: str) -> list[Room]:
        with self.lock:
            tokens = self.user_rooms.get(user, set())
            return sorted((self.rooms[t] for t in tokens if t in self.rooms), key=lambda r: r.id)

    def one_to_one_between(self, a: str, b: str) -> Room | None:
        for room in self.rooms.values():
            if room.type == 1 and room.object_type == "" and set(room.name.split("\n")) == {a, b}:
                return room
        return None
