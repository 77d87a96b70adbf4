"""Bans (API v1, ``ban-v1``), as recorded on Talk 22 (recordings/talk22-moderation/b-*).

Recorded: ``POST ban/{token}`` answers the ban (id, moderator, banned actor and display name,
time, internal note) and removes a banned member from the conversation; users (even unknown
ones), guests and IP addresses or ranges may be banned; groups and a non-address are 400
``bannedActor``, yourself 400 ``self``, a moderator 400 ``moderator``, a note over 4000
characters 400 ``internalNote``, a one-to-one 400 ``room``; a plain participant gets 403 with
``data: []``. ``GET`` lists the bans; ``DELETE ban/{token}/{id}`` answers ``null``, for an
unknown id too; adding a banned user answers 400 ``ban`` (handlers_participants.py). The
order of the checks where several fail, and e-mail invitees (banned by their attendee's
actor id, removed like users), are guesses.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from .context import Ctx, moderated
from .ocs import Ocs, ok
from .state import GROUP, MODERATOR_TYPES, PUBLIC, Room, now

NOTE_LIMIT = 4000
KINDS = ("users", "guests", "emails", "ip")


def is_banned(room: Room, actor_type: str, actor_id: str) -> bool:
    return any(
        b["bannedActorType"] == actor_type and b["bannedActorId"] == actor_id
        for b in room.bans.values()
    )


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _next_id(ctx: Ctx) -> int:
    used = [ban_id for room in ctx.state.rooms.values() for ban_id in room.bans]
    return max(used, default=0) + 1


@moderated
def add(ctx: Ctx, room: Room) -> Ocs:
    actor_type, actor_id = ctx.str_param("actorType"), ctx.str_param("actorId")
    note = ctx.str_param("internalNote")
    if room.type not in (GROUP, PUBLIC):
        return ctx.error(400, "room")
    if actor_type not in KINDS or (actor_type == "ip" and not _is_address(actor_id)):
        return ctx.error(400, "bannedActor")
    if actor_type == "users" and actor_id == ctx.user:
        return ctx.error(400, "self")
    member = next(
        (
            a
            for a in room.attendees.values()
            if a.actor_type == actor_type and a.actor_id == actor_id
        ),
        None,
    )
    if member is not None and member.participant_type in MODERATOR_TYPES:
        return ctx.error(400, "moderator")
    if len(note) > NOTE_LIMIT:
        return ctx.error(400, "internalNote")
    display = ctx.state.display_name(actor_id) if actor_type == "users" else actor_id
    ban: dict[str, Any] = {
        "id": _next_id(ctx),
        "moderatorActorType": "users",
        "moderatorActorId": ctx.user,
        "moderatorDisplayName": ctx.state.display_name(ctx.user or ""),
        "bannedActorType": actor_type,
        "bannedActorId": actor_id,
        "bannedDisplayName": display,
        "bannedTime": now(),
        "internalNote": note,
    }
    room.bans[ban["id"]] = ban
    if member is not None:
        ctx.state.remove_attendee(room, member)
    return ok(ban)


@moderated
def listing(ctx: Ctx, room: Room) -> Ocs:
    return ok(list(room.bans.values()))


@moderated
def remove(ctx: Ctx, room: Room) -> Ocs:
    ban_id = ctx.path.rstrip("/").rsplit("/", 1)[-1]
    room.bans.pop(int(ban_id), None)
    return ok(None)
