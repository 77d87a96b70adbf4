"""Participant endpoints of the spreed API."""

from __future__ import annotations

from .context import Ctx
from .ocs import Ocs, fail, fail_null, ok
from .state import (
    CHANGELOG,
    FORMER_ONE_TO_ONE,
    GROUP,
    GUEST,
    GUEST_MODERATOR,
    MODERATOR,
    MODERATOR_TYPES,
    NOTE_TO_SELF,
    ONE_TO_ONE,
    OWNER,
    PUBLIC,
    USER,
    USER_SELF_JOINED,
    Attendee,
    Room,
)
from .views import participant_view

LOCKED_TYPES = (ONE_TO_ONE, FORMER_ONE_TO_ONE, NOTE_TO_SELF, CHANGELOG)


def list_participants(ctx: Ctx) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    room, att = found
    if att.participant_type == GUEST:
        return fail_null(403) if ctx.profile.returns_room_on_change else fail(403)
    is_mod = att.participant_type in MODERATOR_TYPES
    return ok(
        [
            participant_view(ctx.state, ctx.profile, ctx.api, room, a, is_mod)
            for a in room.attendees.values()
        ]
    )


def add_participant(ctx: Ctx) -> Ocs:
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, _ = found
    new, source = ctx.str_param("newParticipant"), ctx.str_param("source") or "users"
    if room.type in LOCKED_TYPES:
        return ctx.error(400, "room-type")
    if source == "users":
        if new not in ctx.state.users:
            return ctx.error(404, "new-participant")
        _add_user(ctx, room, new)
    elif source == "groups":
        group = ctx.state.groups.get(new)
        if group is None:
            return ctx.error(404, "new-participant")
        ctx.state.add_attendee(room, new, USER, actor_type="groups")
        for member in sorted(group[1]):
            _add_user(ctx, room, member)
    elif source == "emails":
        if "@" not in new:
            return ctx.error(400, "new-participant")
        ctx.state.add_attendee(room, new, GUEST, actor_type="emails")
        if room.type == GROUP:
            room.type = PUBLIC
            return ok({"type": PUBLIC})
    elif source in ("circles", "teams"):
        return ctx.error(404, "new-participant")
    else:
        return ctx.error(400, "source")
    return ok([])


def _add_user(ctx: Ctx, room: Room, user: str) -> None:
    if room.attendee_of(user) is not None:
        return
    ctx.state.add_attendee(room, user, USER)
    ctx.state.system_message(
        room, ctx.user or "", "user_added", "{actor} added {user}", {"user": _user_param(ctx, user)}
    )


def _user_param(ctx: Ctx, user: str) -> dict[str, str]:
    return {"type": "user", "id": user, "name": ctx.state.display_name(user), "mention-id": user}


def _can_leave(room: Room, att: Attendee) -> bool:
    if att.participant_type not in MODERATOR_TYPES or room.type in LOCKED_TYPES:
        return True
    users = [a for a in room.attendees.values() if a.actor_type == "users" and a is not att]
    return not users or any(a.participant_type in MODERATOR_TYPES for a in users)


def _remove(ctx: Ctx, room: Room, att: Attendee) -> None:
    ctx.state.remove_attendee(room, att)
    if not room.user_ids():
        ctx.state.delete_room(room)


def leave_room(ctx: Ctx) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    room, att = found
    if not _can_leave(room, att):
        return ctx.error(400, "last-moderator")
    _remove(ctx, room, att)
    return ctx.done()


def _target(ctx: Ctx, room: Room) -> Attendee | None:
    if ctx.api >= 3:
        return room.attendees.get(ctx.int_param("attendeeId", -1))
    return room.attendee_of(ctx.str_param("participant"))


def _null_or_empty(ctx: Ctx, status: int) -> Ocs:
    return fail_null(status) if ctx.profile.returns_room_on_change else fail(status)


def promote(ctx: Ctx) -> Ocs:
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, _ = found
    target = _target(ctx, room)
    if target is None:
        return _null_or_empty(ctx, 404)
    if target.participant_type == OWNER:
        return _null_or_empty(ctx, 403)
    promoted = {USER: MODERATOR, USER_SELF_JOINED: MODERATOR, GUEST: GUEST_MODERATOR}
    if target.participant_type not in promoted:
        return _null_or_empty(ctx, 400)
    target.participant_type = promoted[target.participant_type]
    ctx.state.system_message(
        room,
        ctx.user or "",
        "moderator_promoted",
        "{actor} promoted {user} to moderator",
        {"user": _user_param(ctx, target.actor_id)},
    )
    return ctx.done()


def demote(ctx: Ctx) -> Ocs:
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, me = found
    target = _target(ctx, room)
    if target is None:
        return _null_or_empty(ctx, 404)
    if target is me or target.participant_type == OWNER:
        return _null_or_empty(ctx, 403)
    demoted = {MODERATOR: USER, GUEST_MODERATOR: GUEST}
    if target.participant_type not in demoted:
        return _null_or_empty(ctx, 400)
    target.participant_type = demoted[target.participant_type]
    ctx.state.system_message(
        room,
        ctx.user or "",
        "moderator_demoted",
        "{actor} demoted {user} from moderator",
        {"user": _user_param(ctx, target.actor_id)},
    )
    return ctx.done()


def remove_attendee(ctx: Ctx) -> Ocs:
    found = ctx.lookup(moderator=True)
    if isinstance(found, Ocs):
        return found
    room, me = found
    target = _target(ctx, room)
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return ctx.error(400, "room-type")
    if target is None:
        return ctx.error(404, "participant")
    if target.participant_type == OWNER and target is not me:
        return ctx.error(403, "owner")
    if target is me and not _can_leave(room, me):
        return ctx.error(400, "last-moderator")
    _remove(ctx, room, target)
    if target.actor_type == "users" and room.token in ctx.state.rooms:
        ctx.state.system_message(
            room,
            ctx.user or "",
            "user_removed",
            "{actor} removed {user}",
            {"user": _user_param(ctx, target.actor_id)},
        )
    return ctx.done()
