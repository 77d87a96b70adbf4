"""Who is in a conversation, and through whom: users, groups and teams as members.

The rules are Talk 22's own (``talk22-features/conversation-3/group-participants.feature``)
and its recorded answers (``talk22-moderation/g-*``):

- adding a group posts ``group_added``, then adds each member who is not in yet (one
  ``user_added`` each); a member who had joined by themselves (participant type 5) becomes a
  plain user (3); adding a user who is already in changes nothing;
- a user added to a group that is a member of a conversation is added to it (and a
  self-joined one becomes a plain user);
- a user removed from such a group is removed from the conversation (``user_removed``) unless
  a moderator there or a member of another group (or team) in it; Talk keeps no record of how
  a user came in, so one who had also been added by name goes too (recorded:
  ``g-remove-alice-from-group-200.json``);
- removing a group from a conversation (or deleting the group) removes those of its members
  the same rule lets go;
- deleting a user turns their one-to-ones into former one-to-ones (type 5), read-only and
  named after them, even those they had left (conversation-5/delete-user.feature); a
  conversation goes with its last user.

Teams (circles) follow the same rules with ``circle_added``/``circle_removed``: a guess in the
recorded shape, nothing recorded for them.
"""

from __future__ import annotations

from .state import (
    FORMER_ONE_TO_ONE,
    MODERATOR_TYPES,
    ONE_TO_ONE,
    USER,
    USER_SELF_JOINED,
    Attendee,
    Room,
    State,
)

ADDED = {"groups": "group_added", "circles": "circle_added"}
REMOVED = {"groups": "group_removed", "circles": "circle_removed"}
PARAM = {"groups": "group", "circles": "circle"}


def _members(state: State, actor_type: str, actor_id: str) -> set[str] | None:
    table = state.groups if actor_type == "groups" else state.teams
    found = table.get(actor_id)
    return None if found is None else found[1]


def user_param(state: State, user: str) -> dict[str, str]:
    return {"type": "user", "id": user, "name": state.display_name(user), "mention-id": user}


def _set_param(state: State, actor_type: str, actor_id: str) -> dict[str, str]:
    table = state.groups if actor_type == "groups" else state.teams
    name = table.get(actor_id, (actor_id, set()))[0]
    if actor_type == "groups":  # recorded (g-chat-after-group-add-200.json)
        return {
            "type": "group",
            "id": actor_id,
            "name": name,
            "mention-id": f"user-group/{actor_id}",
        }
    return {"type": "circle", "id": actor_id, "name": name, "mention-id": f"team/{actor_id}"}


def add_user(state: State, room: Room, user: str, by: str) -> Attendee:
    att = room.attendee_of(user)
    if att is not None:
        if att.participant_type == USER_SELF_JOINED:
            att.participant_type = USER
        return att
    att = state.add_attendee(room, user, USER)
    state.system_message(
        room, by, "user_added", "{actor} added {user}", {"user": user_param(state, user)}
    )
    return att


def add_member(
    state: State, room: Room, actor_type: str, actor_id: str, by: str
) -> Attendee | None:
    """Add a user, a group or a team (``circles``) with its members; None when none such."""
    if actor_type == "users":
        return add_user(state, room, actor_id, by) if actor_id in state.users else None
    members = _members(state, actor_type, actor_id)
    if members is None:
        return None
    existing = _attendee(room, actor_type, actor_id)
    if existing is not None:
        return existing
    att = state.add_attendee(room, actor_id, USER, actor_type=actor_type)
    param = PARAM[actor_type]
    state.system_message(
        room,
        by,
        ADDED[actor_type],
        f"{{actor}} added {param} {{{param}}}",
        {param: _set_param(state, actor_type, actor_id)},
    )
    for member in sorted(members):
        if member in state.users:
            add_user(state, room, member, by)
    return att


def _attendee(room: Room, actor_type: str, actor_id: str) -> Attendee | None:
    for att in room.attendees.values():
        if att.actor_type == actor_type and att.actor_id == actor_id:
            return att
    return None


def _linked(state: State, room: Room, user: str) -> bool:
    """Whether ``user`` is in a group or team that is a member of ``room``."""
    for att in room.attendees.values():
        if att.actor_type in PARAM:
            members = _members(state, att.actor_type, att.actor_id)
            if members is not None and user in members:
                return True
    return False


def _let_go(state: State, room: Room, user: str, by: str) -> None:
    """Remove ``user``, who lost a link through a group or team, unless a moderator or
    still linked through another one."""
    att = room.attendee_of(user)
    if att is None or att.participant_type in MODERATOR_TYPES or _linked(state, room, user):
        return
    remove_member(state, room, att, by)


def remove_member(state: State, room: Room, att: Attendee, by: str) -> None:
    """Remove an attendee (``user_removed`` for a user); a group or team takes those of its
    members with it that nothing else keeps in. The conversation goes with its last user."""
    state.remove_attendee(room, att)
    if att.actor_type == "users" and room.user_ids():
        state.system_message(
            room,
            by,
            "user_removed",
            "{actor} removed {user}",
            {"user": user_param(state, att.actor_id)},
        )
    elif att.actor_type in PARAM:
        param = PARAM[att.actor_type]
        state.system_message(
            room,
            by,
            REMOVED[att.actor_type],
            f"{{actor}} removed {param} {{{param}}}",
            {param: _set_param(state, att.actor_type, att.actor_id)},
        )
        for member in sorted(_members(state, att.actor_type, att.actor_id) or ()):
            _let_go(state, room, member, by)
    if not room.user_ids():
        state.delete_room(room)


def _rooms_with(state: State, actor_type: str, actor_id: str) -> list[Room]:
    return [
        room
        for room in sorted(state.rooms.values(), key=lambda r: r.id)
        if _attendee(room, actor_type, actor_id) is not None
    ]


def change_group(state: State, group: str, user: str, *, add: bool, by: str) -> None:
    members = state.groups[group][1]
    if add and user not in members:
        members.add(user)
        for room in _rooms_with(state, "groups", group):
            add_user(state, room, user, by)
    elif not add and user in members:
        members.discard(user)
        for room in _rooms_with(state, "groups", group):
            _let_go(state, room, user, by)


def delete_group(state: State, group: str, by: str) -> None:
    """The group is removed from every conversation first (Talk's GroupDeletedListener
    removes its attendee), taking members along as :func:`remove_member` does."""
    for room in _rooms_with(state, "groups", group):
        att = _attendee(room, "groups", group)
        if att is not None:
            remove_member(state, room, att, by)
    state.groups.pop(group, None)
    state.subadmins.pop(group, None)


def delete_user(state: State, user: str) -> None:
    name = state.display_name(user)
    for _name, members in list(state.groups.values()) + list(state.teams.values()):
        members.discard(user)
    for admins in state.subadmins.values():
        admins.discard(user)
    for room in list(state.rooms.values()):
        if room.type == ONE_TO_ONE and user in room.name.split("\n"):
            room.type, room.read_only, room.name = FORMER_ONE_TO_ONE, 1, name
    for room in state.rooms_of(user):
        att = room.attendee_of(user)
        if att is not None:
            state.remove_attendee(room, att)
        if not room.user_ids():
            state.delete_room(room)
    state.app_passwords = {k: v for k, v in state.app_passwords.items() if v != user}
    state.users.pop(user, None)
    state.user_rooms.pop(user, None)
