"""The bot endpoints (``bots-v1``, API v1): the administrators' list, and per conversation the
moderators' list, enable and disable.

Recorded (talk22-moderation/bot-*.json): ``bot/admin`` answers 403 "Logged in account must be
an admin" to others; the per-conversation endpoints answer 403 to a participant who is no
moderator; enabling answers 201 and the bot (state 1), 200 when it was enabled already;
an unknown bot id is 400 ``{"error": "bot"}`` for both. From Talk's scenarios
(chat-2/bots.feature) and its BotController: a bot that is not enabled server-wide (disabled
or no-setup) cannot be enabled or disabled per conversation (400 ``bot``); disabling a bot
that is not enabled here answers 200 all the same; a disabled bot is not listed per
conversation.
"""

from __future__ import annotations

from .bots import ENABLED, NO_SETUP, Bot, admin_view, room_view
from .context import Ctx, moderated
from .ocs import Ocs, fail, ok
from .state import Room

ADMINS_ONLY = "Logged in account must be an admin"


def admin_list(ctx: Ctx) -> Ocs:
    if not ctx.state.is_admin(ctx.user):
        return fail(403, message=ADMINS_ONLY)
    return ok([admin_view(bot) for bot in sorted(ctx.state.bots.values(), key=lambda b: b.id)])


@moderated
def list_bots(ctx: Ctx, room: Room) -> Ocs:
    bots = sorted(ctx.state.bots.values(), key=lambda b: b.id)
    return ok([room_view(bot, room) for bot in bots if bot.state in (ENABLED, NO_SETUP)])


def _bot(ctx: Ctx) -> Bot | None:
    """The bot the path names, when it may be set up per conversation."""
    bot = ctx.state.bots.get(int(ctx.path.rstrip("/").rsplit("/", 1)[1]))
    return bot if bot is not None and bot.state == ENABLED else None


@moderated
def enable_bot(ctx: Ctx, room: Room) -> Ocs:
    bot = _bot(ctx)
    if bot is None:
        return fail(400, {"error": "bot"})
    if bot.id in room.bots:
        return ok(room_view(bot, room))
    room.bots.append(bot.id)
    return ok(room_view(bot, room), 201)


@moderated
def disable_bot(ctx: Ctx, room: Room) -> Ocs:
    bot = _bot(ctx)
    if bot is None:
        return fail(400, {"error": "bot"})
    if bot.id in room.bots:
        room.bots.remove(bot.id)
    return ok(room_view(bot, room))
