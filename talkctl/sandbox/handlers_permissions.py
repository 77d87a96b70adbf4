"""Permissions: the conversation's default and each attendee's own (API v4,
``conversation-permissions``), as recorded on Talk 22 (recordings/talk22-moderation/).

Recorded: the default takes 0 (the server's defaults) to 255 and is stored with the custom
bit added (128 → 129); setting it answers the room, posts nothing in the chat and resets
every attendee's own permissions to 0; ``permissions/call`` is refused with 400 ``mode``, a
one-to-one with 400 ``type``, a breakout room with 400 ``breakout-room``, a value outside
0-255 with 400 ``value``, a non-moderator with 403 and ``data: []``. An attendee's own
permissions: ``set`` (the custom bit added), ``add`` and ``remove`` flags; the answer is a
list with that attendee; 404 ``participant`` for an unknown attendee, 403 ``moderator`` for the
owner or a moderator, 400 ``method`` / ``value`` / ``room-type``; ``attendees/permissions/all``
is always 400 with ``data: null``. The order of the checks where several fail, and ``add`` /
``remove`` on an attendee without own permissions (counted here from 0), are guesses.
"""

from __future__ import annotations

from .context import Ctx, moderated
from .ocs import Ocs, fail_null, ok
from .state import GROUP, MODERATOR_TYPES, PUBLIC, Room
from .views import participant_view

CUSTOM = 1


def _stored(bits: int) -> int:
    return bits | CUSTOM if bits else 0


@moderated
def set_default(ctx: Ctx, room: Room) -> Ocs:
    """``PUT room/{token}/permissions/{mode}``: only ``default`` exists on Talk 20+."""
    mode = ctx.path.rstrip("/").rsplit("/", 1)[-1]
    value = ctx.int_param("permissions", -1)
    if room.type not in (GROUP, PUBLIC):
        return ctx.error(400, "type")
    if mode != "default":
        return ctx.error(400, "mode")
    if room.object_type == "room":
        return ctx.error(400, "breakout-room")
    if not 0 <= value <= 255:
        return ctx.error(400, "value")
    room.default_permissions = _stored(value)
    for attendee in room.attendees.values():
        attendee.permissions = 0
    return ctx.room(room)


@moderated
def set_attendee(ctx: Ctx, room: Room) -> Ocs:
    """``PUT room/{token}/attendees/permissions``: one attendee's own permissions."""
    method = ctx.str_param("method")
    value = ctx.int_param("permissions", -1)
    if room.type not in (GROUP, PUBLIC):
        return ctx.error(400, "room-type")
    attendee = room.attendees.get(ctx.int_param("attendeeId", 0))
    if attendee is None:
        return ctx.error(404, "participant")
    if attendee.participant_type in MODERATOR_TYPES:
        return ctx.error(403, "moderator")
    if method not in ("set", "add", "remove"):
        return ctx.error(400, "method")
    if not 0 <= value <= 255:
        return ctx.error(400, "value")
    if method == "set":
        attendee.permissions = _stored(value)
    elif method == "add":
        attendee.permissions = attendee.permissions | value | CUSTOM
    else:
        attendee.permissions = (attendee.permissions & ~value) | CUSTOM
    view = participant_view(ctx.state, ctx.profile, ctx.api, room, attendee, True)
    if attendee.actor_type == "users":  # recorded: this answer carries the user's status
        view.update(status="offline", statusIcon=None, statusMessage=None, statusClearAt=None)
    return ok([view])


@moderated
def set_all_attendees(ctx: Ctx, room: Room) -> Ocs:
    """``PUT room/{token}/attendees/permissions/all``: deprecated, always 400 (recorded)."""
    return fail_null(400)
