"""Conversation endpoints of the spreed API (room list, create, get and settings)."""

from __future__ import annotations

from .context import Ctx, moderated
from .handlers_bans import is_banned
from .limits import NAME_LIMIT, password_policy
from .ocs import Ocs, fail, fail_null, ok
from .state import (
    AVATAR_VERSIONS,
    FORMER_ONE_TO_ONE,
    GROUP,
    NOTE_TO_SELF,
    ONE_TO_ONE,
    PUBLIC,
    Room,
    now,
)
from .views import room_view


def format_duration(seconds: int) -> str:
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}" + ("" if n == 1 else "s")
    return f"{seconds} seconds"


# -- list / get -------------------------------------------------------------------
def list_rooms(ctx: Ctx) -> Ocs:
    assert ctx.user is not None
    started = now()
    since = ctx.int_param("modifiedSince", 0) if ctx.api >= 4 else 0
    include_status = ctx.bool_param("includeStatus")
    include_last = ctx.int_param("includeLastMessage", 1) != 0
    out = []
    for room in ctx.state.rooms_of(ctx.user):
        if since and room.last_activity <= since and not (include_status and room.type == 1):
            continue
        out.append(
            room_view(
                ctx.state, ctx.profile, ctx.api, room, ctx.user, include_last_message=include_last
            )
        )
    headers = {"X-Nextcloud-Talk-Hash": ctx.srv.talk_hash}
    if ctx.api >= 4:
        headers["X-Nextcloud-Talk-Modified-Before"] = str(started)
    return ok(out, headers=headers)


def get_room(ctx: Ctx) -> Ocs:
    room = ctx.state.rooms.get(ctx.token)
    if room is None:
        return fail(404)
    if room.attendee_of(ctx.user) is None and room.listable == 0 and room.type != PUBLIC:
        return fail(404)
    answer = ctx.room(room, headers={"X-Nextcloud-Talk-Hash": ctx.srv.talk_hash})
    if room.attendee_of(ctx.user) is None and is_banned(room, "users", ctx.user or ""):
        # recorded (talk22-moderation/b-room-get-as-banned-bob-200.json): a banned user still
        # gets a public conversation's reduced view, without its name, description or activity
        answer.data.update(name="", displayName="", description="", lastActivity=0)
    return answer


def note_to_self(ctx: Ctx) -> Ocs:
    assert ctx.user is not None
    for room in ctx.state.rooms_of(ctx.user):
        if room.type == NOTE_TO_SELF:
            break
    else:
        room = ctx.srv.make_note_to_self(ctx.user)
    return ctx.room(room, headers={"X-Nextcloud-Talk-Hash": ctx.srv.talk_hash})


def listed_rooms(ctx: Ctx) -> Ocs:
    term = ctx.str_param("searchTerm").lower()
    out = [
        room_view(ctx.state, ctx.profile, ctx.api, room, ctx.user)
        for room in sorted(ctx.state.rooms.values(), key=lambda r: r.id)
        if room.listable > 0 and room.attendee_of(ctx.user) is None and term in room.name.lower()
    ]
    return ok(out)


# -- moderator settings ---------------------------------------------------------
# the system message (its kind and text) each change posts, by the new state
DESCRIPTION_MESSAGES = {
    True: ("description_set", "{actor} set the description"),
    False: ("description_removed", "{actor} removed the description"),
}
READ_ONLY_MESSAGES = {
    1: ("read_only", "{actor} locked the conversation"),
    0: ("read_only_off", "{actor} unlocked the conversation"),
}
LOBBY_MESSAGES = {
    1: ("lobby_non_moderators", "{actor} restricted the conversation to moderators"),
    0: ("lobby_none", "{actor} opened the conversation to everyone"),
}


@moderated
def rename(ctx: Ctx, room: Room) -> Ocs:
    name = ctx.str_param("roomName").strip()
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return ctx.error(400, "type")
    if name == "" or len(name) > NAME_LIMIT:
        return ctx.error(400, "value")
    if name != room.name:
        old, room.name = room.name, name
        ctx.say(
            room,
            "conversation_renamed",
            f'{{actor}} renamed the conversation from "{old}" to "{name}"',
        )
    return ctx.changed(room)


@moderated
def delete_room(ctx: Ctx, room: Room) -> Ocs:
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return fail_null(400) if ctx.profile.returns_room_on_change else fail(400)
    ctx.state.delete_room(room)
    return ctx.done()


@moderated
def set_description(ctx: Ctx, room: Room) -> Ocs:
    description = ctx.str_param("description").strip()
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return ctx.error(400, "type")
    if len(description) > ctx.profile.description_limit:
        return ctx.error(400, "value")
    if description != room.description:
        room.description = description
        ctx.say(room, *DESCRIPTION_MESSAGES[description != ""])
    return ctx.changed(room)


@moderated
def make_public(ctx: Ctx, room: Room) -> Ocs:
    password = ""
    if ctx.profile.has("conversation-creation-password"):
        password = ctx.str_param("password")
        if ctx.srv.force_passwords and password == "":
            return fail(400, {"error": "password", "message": "Password needs to be set"})
    if room.type == PUBLIC:
        return ctx.changed(room)
    if room.type != GROUP:
        return ctx.error(400, "type")
    problem = password_policy(password) if password else None
    if problem:
        return fail(400, {"error": "password", "message": problem})
    room.type = PUBLIC
    room.avatar_version = AVATAR_VERSIONS[PUBLIC]
    ctx.say(room, "guests_allowed", "{actor} allowed guests")
    if password:
        room.password = password
        ctx.say(room, "password_set", "{actor} set a password")
    return ctx.changed(room)


@moderated
def make_private(ctx: Ctx, room: Room) -> Ocs:
    """Recorded (talk22-moderation/u-unpublish-200.json and the answers after it): the
    e-mail invitees are removed, the password is kept (``hasPassword`` stays true, and
    setting or clearing it is then refused as on any group conversation)."""
    if room.type == GROUP:
        return ctx.changed(room)
    if room.type != PUBLIC:
        return ctx.error(400, "type")
    for invitee in [a for a in room.attendees.values() if a.actor_type == "emails"]:
        ctx.state.remove_attendee(room, invitee)
    room.type, room.avatar_version = GROUP, AVATAR_VERSIONS[GROUP]
    ctx.say(room, "guests_disallowed", "{actor} disallowed guests")
    return ctx.changed(room)


@moderated
def set_read_only(ctx: Ctx, room: Room) -> Ocs:
    state = ctx.int_param("state", -1)
    if state not in (0, 1):
        return ctx.error(400, "value")
    if room.type not in (GROUP, PUBLIC):
        return ctx.error(400, "type")
    if state != room.read_only:
        room.read_only = state
        ctx.say(room, *READ_ONLY_MESSAGES[state])
    return ctx.changed(room)


@moderated
def set_password(ctx: Ctx, room: Room) -> Ocs:
    password = ctx.str_param("password")
    if room.type != PUBLIC:
        return ctx.error(400, "type") if ctx.profile.error_reasons else fail(403)
    if (
        password == ""
        and ctx.srv.force_passwords
        and ctx.profile.has("conversation-creation-password")
    ):
        return ctx.error(400, "value", "Password needs to be set")
    problem = password_policy(password) if password else None
    if problem:
        return ctx.error(400, "value", problem, old_style={"message": problem})
    if password:
        room.password = password
        ctx.say(room, "password_set", "{actor} set a password")
    elif room.password is not None:
        room.password = None
        ctx.say(room, "password_removed", "{actor} removed the password")
    return ctx.changed(room)


LISTABLE_MESSAGES = {
    0: ("listable_none", "{actor} limited the conversation to the current participants"),
    1: ("listable_users", "{actor} opened the conversation to registered users"),
    2: (
        "listable_all",
        "{actor} opened the conversation to registered users and users created with the Guests app",
    ),
}


@moderated
def set_listable(ctx: Ctx, room: Room) -> Ocs:
    scope = ctx.int_param("scope", -1)
    if scope not in LISTABLE_MESSAGES:
        return ctx.error(400, "value")
    if room.type not in (GROUP, PUBLIC):
        return ctx.error(400, "type")
    if scope != room.listable:
        room.listable = scope
        ctx.say(room, *LISTABLE_MESSAGES[scope])
    return ctx.changed(room)


@moderated
def set_mention_permissions(ctx: Ctx, room: Room) -> Ocs:
    """``PUT room/{token}/mention-permissions`` (v4, Talk 20+): who may mention @all.

    As recorded (recordings/talk22-moderation/): 200 with the room and no
    system message; 400 ``{"error": "value"}`` for a value other than 0 or 1; 403 with
    ``data: []`` for a non-moderator (``moderated``). The 400 ``type`` and ``breakout-room``
    reasons are the spec's (openapi-talk22.json); that they are checked before the value is
    a guess, and so is the room in Talk 20's answer (only Talk 22's is recorded).
    """
    value = ctx.int_param("mentionPermissions", -1)
    if room.type not in (GROUP, PUBLIC):
        return ctx.error(400, "type")
    if room.object_type == "room":
        return ctx.error(400, "breakout-room")
    if value not in (0, 1):
        return ctx.error(400, "value")
    room.mention_permissions = value
    return ctx.room(room)


@moderated
def needs_configuration(ctx: Ctx, room: Room) -> Ocs:
    """``PUT room/{token}/recording-consent`` and ``PUT room/{token}/webinar/sip``: the
    sandbox has no recording server and no SIP bridge, and answers as recorded on such a
    Talk 22 (talk22-moderation/a-recording-consent-*, a-sip-*): 412 ``config`` for any value,
    403 with ``data: []`` for a non-moderator (``moderated``)."""
    return ctx.error(412, "config")


@moderated
def set_lobby(ctx: Ctx, room: Room) -> Ocs:
    state, timer = ctx.int_param("state", -1), ctx.opt_int_param("timer")
    if state not in (0, 1) or (timer is not None and timer < 0):
        return ctx.error(400, "value")
    if room.type not in (GROUP, PUBLIC):
        return ctx.error(400, "type")
    room.lobby_timer = (timer or 0) if state else 0
    if state != room.lobby_state:
        room.lobby_state = state
        ctx.say(room, *LOBBY_MESSAGES[state])
    # the lobby endpoint answered the room already before Talk 21 (Talk 18 openapi)
    return ctx.room(room) if ctx.api >= 4 else ok([])


@moderated
def set_message_expiration(ctx: Ctx, room: Room) -> Ocs:
    seconds = ctx.int_param("seconds", -1)
    if seconds < 0:
        return fail(400, {"error": "value"})
    if seconds != room.message_expiration:
        room.message_expiration = seconds
        if seconds:
            ctx.say(
                room,
                "message_expiration_enabled",
                "{actor} set the message expiration to " + format_duration(seconds),
            )
        else:
            ctx.say(room, "message_expiration_disabled", "{actor} disabled the message expiration")
    return ctx.changed(room)


# -- per-participant settings -----------------------------------------------------
def _participant_flag(ctx: Ctx, attr: str, value: bool) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    room, att = found
    setattr(att, attr, value)
    return ctx.changed(room)


def favorite(ctx: Ctx) -> Ocs:
    return _participant_flag(ctx, "favorite", ctx.method == "POST")


def important(ctx: Ctx) -> Ocs:
    """``POST``/``DELETE room/{token}/important`` (Talk 21.1+): the user's own flag; the room
    as recorded (talk22-moderation/a-important-200, a-unimportant-200)."""
    return _participant_flag(ctx, "important", ctx.method == "POST")


def archive(ctx: Ctx) -> Ocs:
    return _participant_flag(ctx, "archived", ctx.method == "POST")


def notify(ctx: Ctx) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    room, att = found
    level = ctx.int_param("level", -1)
    if level not in (1, 2, 3):
        return ctx.error(400, "level")
    att.notification_level = level
    return ctx.changed(room)
