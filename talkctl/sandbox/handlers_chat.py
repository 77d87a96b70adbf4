"""The chat (``/api/v1/chat/{token}``): posting, the history and its paging, deleting,
editing and clearing, as Talk 22 answers them (recorded: talk22-moderation/c-*, o2o-post-201,
o2o-clear-history-403, l-chat-as-bob-412, l-post-as-bob-412; the rules: chat-*/*.feature).

What is a guess, and says so: a read-only conversation refuses a post, an edit or a deletion
with 403 and data [] (group-read-only.feature has the status, not the body); a history read
without ``lookIntoFuture`` is answered 500 with data [] (the status was seen on Talk 22, the
body not recorded); polling (``lookIntoFuture=1``) with nothing newer is answered 304 at once
whatever ``timeout`` says (the real server waits up to ``timeout`` seconds, 30 by default);
the read marker moves only when polling with ``setReadMarker=1`` (Talk's ChatController);
edits older than 24 hours are refused with ``{"error": "age"}`` (openapi: "the message is too
old"). Notifications, the user status, reactions, bots and message expiry are not emulated:
``markNotificationsAsRead`` and ``noStatusUpdate`` are accepted and change nothing.
"""

from __future__ import annotations

import bisect
from typing import Any

from .context import Ctx
from .message import Message
from .ocs import JSON_TYPE, Ocs, Response, fail, fail_null, ok
from .state import (
    FORMER_ONE_TO_ONE,
    MODERATOR_TYPES,
    ONE_TO_ONE,
    OWNER,
    Attendee,
    Room,
    now,
)
from .views import common_read, find_message, message_view

MAX_LENGTH = 32000  # characters (capabilities: config.chat.max-length)
MAX_PAGE = 200  # the most messages one read answers (openapi: limit, 200 at most)
EDIT_AGE = 24 * 3600
UNREAD_FIRST_MESSAGE = -2  # the read markers after clearing (c-clear-history-200's header)


def _member(ctx: Ctx) -> tuple[Room, Attendee] | Ocs:
    """The room and the user's attendee; 404 [] for a stranger, 412 [] in the lobby."""
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    room, att = found
    room.expire_lobby()
    if room.lobby_state == 1 and att.participant_type not in MODERATOR_TYPES:
        return fail(412)
    return found


def _headers(room: Room, **extra: str) -> dict[str, str]:
    return {**extra, "X-Chat-Last-Common-Read": str(common_read(room))}


def _view(ctx: Ctx, room: Room, msg: Message) -> dict[str, Any]:
    return message_view(msg, room.token, ctx.user, room, ctx.state)


def _text(ctx: Ctx) -> str | Ocs:
    text = ctx.str_param("message")
    if text.strip() == "":
        return fail(400, {"error": "message"})
    if len(text) > MAX_LENGTH:
        return fail(413, {"error": "message"})
    return text


def receive(ctx: Ctx) -> Ocs | Response:
    found = _member(ctx)
    if isinstance(found, Ocs):
        return found
    room, att = found
    if "lookIntoFuture" not in ctx.params:
        return fail(500)
    future = ctx.int_param("lookIntoFuture") == 1
    limit = max(1, min(ctx.int_param("limit", 100), MAX_PAGE))
    known = max(0, ctx.int_param("lastKnownMessageId"))
    include = ctx.int_param("includeLastKnown") == 1
    history = room.messages
    start = 0
    if future:
        start = (bisect.bisect_left if include else bisect.bisect_right)(history, known, key=_id)
        page = history[start : start + limit]
    else:
        end = len(history)
        if known:
            end = (bisect.bisect_right if include else bisect.bisect_left)(history, known, key=_id)
        page = history[max(0, end - limit) : end][::-1]
    if not page:
        return Response(304, b"", {"Content-Type": JSON_TYPE})
    if future and ctx.int_param("setReadMarker", 1) == 1 and att.last_read_message < page[-1].id:
        att.last_read_message = page[-1].id
        newer = room.messages[start + len(page) :]
        att.unread_messages = sum(1 for m in newer if m.kind != "system")
    headers = _headers(room, **{"X-Chat-Last-Given": str(page[-1].id)})
    return ok([_view(ctx, room, m) for m in page], headers=headers)


def _id(msg: Message) -> int:
    return msg.id


def _writable(room: Room) -> Ocs | None:
    return fail(403) if room.read_only == 1 else None


def send(ctx: Ctx) -> Ocs:
    found = _member(ctx)
    if isinstance(found, Ocs):
        return found
    room, _ = found
    refused = _writable(room)
    if refused is not None:
        return refused
    text = _text(ctx)
    if isinstance(text, Ocs):
        return text
    reply_to = ctx.int_param("replyTo")
    if reply_to:
        parent = find_message(room, reply_to)
        if parent is None or parent.kind != "comment" or parent.deleted_by:
            return fail(400, {"error": "reply-to"})
    user = ctx.user or ""
    if room.type == ONE_TO_ONE:  # the first message brings the other one in (o2o-post-201)
        for other in room.name.split("\n"):
            if room.attendee_of(other) is None and other in ctx.state.users:
                ctx.state.add_attendee(room, other, OWNER)
    ts = now()
    msg = Message(
        ctx.state.next_message_id(),
        "users",
        user,
        ctx.state.display_name(user),
        ts,
        text,
        kind="comment",
        markdown=True,
        expiration=ts + room.message_expiration if room.message_expiration else 0,
        reference_id=ctx.str_param("referenceId")[:64],
        silent=ctx.bool_param("silent"),
        parent=reply_to,
    )
    ctx.state.set_last_message(room, msg, user)
    for member in room.attendees.values():
        if member.actor_type == "users" and member.actor_id != user:
            member.unread_messages += 1
    return ok(_view(ctx, room, msg), 201, _headers(room))


def _own_or_moderated(ctx: Ctx, message_id: int) -> tuple[Room, Message] | Ocs:
    """404 {error: message} for no such message, 403 {error: permission} for someone else's
    without moderation rights (never in a one-to-one), 405 {error: message} for a system or
    deleted message: in this order, as Talk's ChatController checks."""
    found = _member(ctx)
    if isinstance(found, Ocs):
        return found
    room, att = found
    refused = _writable(room)
    if refused is not None:
        return refused
    msg = find_message(room, message_id)
    if msg is None:
        return fail(404, {"error": "message"})
    moderator = att.participant_type in MODERATOR_TYPES and room.type not in (
        ONE_TO_ONE,
        FORMER_ONE_TO_ONE,
    )
    if msg.actor_id != ctx.user and not moderator:
        return fail(403, {"error": "permission"})
    if msg.kind != "comment" or msg.deleted_by:
        return fail(405, {"error": "message"})
    return room, msg


def _message_id(ctx: Ctx) -> int:
    try:
        return int(ctx.path.rstrip("/").rsplit("/", 1)[1])
    except ValueError:
        return 0


def delete(ctx: Ctx) -> Ocs:
    found = _own_or_moderated(ctx, _message_id(ctx))
    if isinstance(found, Ocs):
        return found
    room, msg = found
    msg.deleted_by = ctx.user or ""
    note = ctx.state.system_message(
        room, msg.deleted_by, "message_deleted", "{actor} deleted a message"
    )
    note.parent = msg.id
    return ok(_view(ctx, room, note), headers=_headers(room))


def edit(ctx: Ctx) -> Ocs:
    found = _own_or_moderated(ctx, _message_id(ctx))
    if isinstance(found, Ocs):
        return found
    room, msg = found
    text = _text(ctx)
    if isinstance(text, Ocs):
        return text
    if now() - msg.timestamp > EDIT_AGE:
        return fail(400, {"error": "age"})
    msg.text, msg.edited_by, msg.edited_at = text, ctx.user or "", now()
    note = ctx.state.system_message(
        room, msg.edited_by, "message_edited", "{actor} edited a message"
    )
    note.parent = msg.id
    return ok(_view(ctx, room, note), headers=_headers(room))


def clear_history(ctx: Ctx) -> Ocs:
    found = ctx.lookup()
    if isinstance(found, Ocs):
        return found
    room, att = found
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return fail_null(403)  # unless delete_one_to_one_conversations is on (not emulated)
    if att.participant_type not in MODERATOR_TYPES:
        return fail(403)
    room.messages.clear()
    for other in room.attendees.values():
        other.last_read_message, other.unread_messages = UNREAD_FIRST_MESSAGE, 0
        other.unread_mention = False
    note = ctx.state.system_message(
        room, ctx.user or "", "history_cleared", "{actor} cleared the history of the conversation"
    )
    # the author's read marker moved to the note, the others' stay "first message unread"
    return ok(_view(ctx, room, note), headers=_headers(room))
