"""Breakout rooms (``breakout-rooms-v1``): configure, remove, start, stop, broadcast, move
attendees (API v1), and the parent's listing of them and of their participants (the
conversation API, v4).

Recorded (talk22-moderation/br-*.json, o2o-breakout-configure-400): a one-to-one is refused
400 ``room``; a participant who is no moderator 403; a refused configuration stores the
parent's ``breakoutRoomMode`` before the amount is checked (400 ``amount``), and every later
configuration is then refused 400 ``room`` until the breakout rooms are removed (DELETE
answers the parent, mode 0); a configuration answers the breakout rooms ``Room 1`` ...
(``objectType`` room, ``objectId`` the parent's token, the lobby on while stopped) and the
parent; start, stop and broadcast answer the same list (broadcast 201); the parent's
listing of a conversation without breakout rooms is 400 ``mode``. From Talk's scenarios
(conversation-1/breakout-rooms.feature) and its BreakoutRoomService: 1 to 20 rooms; no
breakout rooms of a breakout room; an ``attendeeMap`` of attendee id -> 0-based room that
maps a moderator is 400 ``moderator``, an invalid one 400 ``attendeeMap``; moderators of
the parent are in every breakout room; a non-moderator's listing while the rooms are
stopped is 400 ``status``. A broadcast longer than the chat's max-length is 413 (the
openapi's "Chat message too long"), with the chat's recorded body (c-post-too-long-413:
``message``). A guess (documented here): automatic mode deals the non-moderator users out
in the order of their attendee ids, Room 1 first.
"""

from __future__ import annotations

import json
from typing import Any

from . import membership
from .context import Ctx, moderated
from .handlers_chat import MAX_LENGTH
from .ocs import Ocs, fail, ok
from .state import FORMER_ONE_TO_ONE, GROUP, MODERATOR_TYPES, ONE_TO_ONE, Room
from .views import participant_view, room_view

AUTOMATIC, MANUAL, FREE = 1, 2, 3
MAX_ROOMS = 20


def breakout_rooms(ctx: Ctx, parent: Room) -> list[Room]:
    rooms = ctx.state.rooms.values()
    found = [r for r in rooms if r.object_type == "room" and r.object_id == parent.token]
    return sorted(found, key=lambda r: r.id)


def _answer(ctx: Ctx, parent: Room, status: int = 200) -> Ocs:
    rooms = [*breakout_rooms(ctx, parent), parent]
    return ok([room_view(ctx.state, ctx.profile, 4, r, ctx.user) for r in rooms], status)


def _map(ctx: Ctx, parent: Room, amount: int) -> dict[str, int] | Ocs:
    """The attendeeMap (user id -> 0-based room), or the refusal."""
    text = ctx.str_param("attendeeMap", "[]") or "[]"
    try:
        raw: Any = json.loads(text)
    except ValueError:
        return ctx.error(400, "attendeeMap")
    if raw == []:
        raw = {}
    if not isinstance(raw, dict):
        return ctx.error(400, "attendeeMap")
    by_id = {str(att.id): att for att in parent.attendees.values()}
    mapped: dict[str, int] = {}
    for key, index in raw.items():
        att = by_id.get(str(key))
        if att is None or not isinstance(index, int) or not 0 <= index < amount:
            return ctx.error(400, "attendeeMap")
        if att.participant_type in MODERATOR_TYPES:
            return ctx.error(400, "moderator")
        if att.actor_type == "users":
            mapped[att.actor_id] = index
    return mapped


@moderated
def configure(ctx: Ctx, parent: Room) -> Ocs:
    if parent.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE) or parent.object_type == "room":
        return ctx.error(400, "room")
    if parent.breakout_mode != 0:
        return ctx.error(400, "room")
    mode = ctx.int_param("mode")
    if mode not in (AUTOMATIC, MANUAL, FREE):
        return ctx.error(400, "mode")
    parent.breakout_mode = mode  # stored before the amount is checked (recorded)
    amount = ctx.int_param("amount")
    if not 1 <= amount <= MAX_ROOMS:
        return ctx.error(400, "amount")
    mapped = _map(ctx, parent, amount) if mode == MANUAL else {}
    if isinstance(mapped, Ocs):
        return mapped
    if mode == AUTOMATIC:
        users = [
            a.actor_id
            for a in sorted(parent.attendees.values(), key=lambda a: a.id)
            if a.actor_type == "users" and a.participant_type not in MODERATOR_TYPES
        ]
        mapped = {user: n % amount for n, user in enumerate(users)}
    made = []
    for number in range(1, amount + 1):
        room = ctx.state.create_room(
            GROUP, f"Room {number}", None, object_type="room", object_id=parent.token
        )
        room.lobby_state = 1
        for att in sorted(parent.attendees.values(), key=lambda a: a.id):
            if att.actor_type == "users" and att.participant_type in MODERATOR_TYPES:
                ctx.state.add_attendee(room, att.actor_id, att.participant_type)
        made.append(room)
    _place(ctx, made, mapped)
    return _answer(ctx, parent)


def _place(ctx: Ctx, rooms: list[Room], mapped: dict[str, int]) -> None:
    """Each mapped user into their room (out of the others)."""
    for user, index in mapped.items():
        for n, room in enumerate(rooms):
            att = room.attendee_of(user)
            if n != index and att is not None and att.participant_type not in MODERATOR_TYPES:
                ctx.state.remove_attendee(room, att)
        membership.add_user(ctx.state, rooms[index], user, ctx.user or "")


@moderated
def remove(ctx: Ctx, parent: Room) -> Ocs:
    for room in breakout_rooms(ctx, parent):
        ctx.state.delete_room(room)
    parent.breakout_mode, parent.breakout_status = 0, 0
    return ok(room_view(ctx.state, ctx.profile, 4, parent, ctx.user))  # the v4 room (recorded)


def _configured(ctx: Ctx) -> tuple[Room, list[Room]] | Ocs:
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    parent = found[0]
    rooms = breakout_rooms(ctx, parent)
    if parent.breakout_mode == 0 or not rooms:
        return ctx.error(400, "mode")
    return parent, rooms


def _set_status(ctx: Ctx, started: bool) -> Ocs:
    found = _configured(ctx)
    if isinstance(found, Ocs):
        return found
    parent, rooms = found
    if parent.breakout_status != int(started):
        parent.breakout_status = int(started)
        kind = "breakout_rooms_started" if started else "breakout_rooms_stopped"
        for room in rooms:
            room.lobby_state = 0 if started else 1
            ctx.say(room, kind, f"{{actor}} {'started' if started else 'stopped'} breakout rooms")
    return _answer(ctx, parent)


def start(ctx: Ctx) -> Ocs:
    return _set_status(ctx, True)


def stop(ctx: Ctx) -> Ocs:
    return _set_status(ctx, False)


def broadcast(ctx: Ctx) -> Ocs:
    found = _configured(ctx)
    if isinstance(found, Ocs):
        return found
    parent, rooms = found
    text = ctx.str_param("message").strip()
    if not text:
        return ctx.error(400, "message")
    if len(text) > MAX_LENGTH:
        return fail(413, {"error": "message"})
    for room in rooms:
        msg = ctx.state.system_message(room, ctx.user or "", "", text)
        msg.kind, msg.params, msg.markdown = "comment", {}, True
    return _answer(ctx, parent, 201)


def move(ctx: Ctx) -> Ocs:
    found = _configured(ctx)
    if isinstance(found, Ocs):
        return found
    parent, rooms = found
    mapped = _map(ctx, parent, len(rooms))
    if isinstance(mapped, Ocs):
        return mapped
    _place(ctx, rooms, mapped)
    return _answer(ctx, parent)


def list_breakout_rooms(ctx: Ctx) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    parent, att = found
    rooms = breakout_rooms(ctx, parent)
    if parent.breakout_mode == 0 or not rooms:
        return ctx.error(400, "mode")
    moderator = att.participant_type in MODERATOR_TYPES
    if not moderator and parent.breakout_status == 0:
        return ctx.error(400, "status")
    if not moderator and parent.breakout_mode != FREE:
        rooms = [r for r in rooms if r.attendee_of(ctx.user) is not None]
    # without lastMessage (recorded: br-list-200)
    views = [
        room_view(ctx.state, ctx.profile, ctx.api, r, ctx.user, include_last_message=False)
        for r in rooms
    ]
    return ok(views)


def list_participants(ctx: Ctx) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    parent, att = found
    rooms = breakout_rooms(ctx, parent)
    if parent.breakout_mode == 0 or not rooms:
        return ctx.error(400, "mode")
    if att.participant_type not in MODERATOR_TYPES and parent.breakout_status == 0:
        return ctx.error(400, "status")
    out = []
    for room in [parent, *rooms]:
        for member in room.attendees.values():
            out.append(participant_view(ctx.state, ctx.profile, ctx.api, room, member, True))
    return ok(out)
