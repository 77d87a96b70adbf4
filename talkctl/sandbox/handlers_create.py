"""Creating conversations (POST /room)."""

from __future__ import annotations

from . import handlers_create_all as create_all
from .context import Ctx
from .limits import NAME_LIMIT, password_policy
from .ocs import Ocs, fail
from .state import GROUP, ONE_TO_ONE, OWNER, PUBLIC, USER


# -- create -----------------------------------------------------------------------
def create_room(ctx: Ctx) -> Ocs:
    assert ctx.user is not None
    room_type = ctx.int_param("roomType", GROUP if ctx.profile.talk >= (21, 0) else 0)
    invite = ctx.str_param("invite")
    if room_type == ONE_TO_ONE:
        return _create_one_to_one(ctx, invite)
    if room_type not in (GROUP, PUBLIC):
        return _create_error(ctx, 400, "type")
    name = ctx.str_param("roomName").strip()
    source = ctx.str_param("source") or "groups"
    members: list[str] = []
    if invite:
        group = ctx.state.groups.get(invite) if source == "groups" else None
        if group is None:
            return _create_error(ctx, 404, "invite")
        members = sorted(group[1])
        name = name or group[0]
    if name == "":
        if ctx.profile.talk >= (21, 0):
            name = "---"  # what Talk 22 does (room-create-empty-name-group.json)
        elif room_type == PUBLIC:
            return _create_error(ctx, 400, "name")
    if len(name) > NAME_LIMIT:
        return _create_error(ctx, 400, "name")
    object_type, object_id = ctx.str_param("objectType"), ctx.str_param("objectId")
    if bool(object_type) != bool(object_id):
        return _create_error(ctx, 400, "object")
    password = ""
    if room_type == PUBLIC and ctx.profile.has("conversation-creation-password"):
        password = ctx.str_param("password")
        if password == "" and ctx.srv.force_passwords:
            return fail(400, {"error": "password", "message": "Password needs to be set"})
        problem = password_policy(password) if password else None
        if problem:
            return fail(400, {"error": "password", "message": problem})
    settings: dict[str, int | str] = {}
    if ctx.profile.has("conversation-creation-all"):
        problem = create_all.read_settings(ctx, settings)
        if problem is not None:
            return _create_error(ctx, 400, problem)
    room = ctx.state.create_room(
        room_type, name, ctx.user, object_type=object_type, object_id=object_id, message=False
    )
    room.password = password or None
    create_all.apply_settings(room, settings)
    ctx.state.system_message(
        room, ctx.user, "conversation_created", "{actor} created the conversation"
    )
    if invite:
        ctx.state.add_attendee(room, invite, USER, actor_type="groups")
        for member in members:
            ctx.state.add_attendee(room, member, USER)
    invalid = (
        create_all.add_participants(ctx, room)
        if ctx.profile.has("conversation-creation-all")
        else {}
    )
    if invalid and not create_all.any_added(ctx, invalid):
        # recorded: x-create-json-unknown-group-only-404 (no valid invitee: nothing created)
        ctx.state.delete_room(room)
        return _create_error(ctx, 404, "invite")
    if invalid:
        answer = ctx.room(room, 202)
        answer.data["invalidParticipants"] = invalid
        return answer
    return ctx.room(room, 201)


def _create_error(ctx: Ctx, status: int, reason: str) -> Ocs:
    if ctx.profile.talk >= (18, 0):  # Talk 18's openapi already knows {"error": ...} here
        return fail(status, {"error": reason})
    return fail(status)


def _create_one_to_one(ctx: Ctx, invite: str) -> Ocs:
    assert ctx.user is not None
    if invite not in ctx.state.users:
        return _create_error(ctx, 404, "invite")
    if invite == ctx.user:
        return _create_error(ctx, 403, "invite")
    room = ctx.state.one_to_one_between(ctx.user, invite)
    if room is not None:
        ctx.state.add_attendee(room, ctx.user, OWNER)  # re-add after leaving
        return ctx.room(room, 200)
    # the invitee is no attendee until a first message or call, or until they create the
    # same one-to-one (one-to-one.feature; recorded: talk22-moderation/o2o-*)
    room = ctx.state.create_room(ONE_TO_ONE, "\n".join(sorted([ctx.user, invite])), ctx.user)
    return ctx.room(room, 201)
