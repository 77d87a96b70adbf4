"""Bots installed on the sandbox's server, and how the bot API shows them.

An administrator installs a bot with ``occ talk:bot:install`` (there is no API for that); the
sandbox has ``install_bot`` instead (its demo data installs a few, tests their own). A bot
has a server-wide ``state`` (constants: 0 disabled, 1 enabled, 2 no-setup) and ``features``
(a bit field: 1 webhook, 2 response, 4 event, 8 reaction); moderators enable an enabled bot
per conversation (``Room.bots``). The two views are the recorded ones
(talk22-moderation/bot-admin-list-200.json, bot-list-200.json).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Room, State

DISABLED, ENABLED, NO_SETUP = 0, 1, 2
WEBHOOK, RESPONSE, EVENT, REACTION = 1, 2, 4, 8


@dataclass
class Bot:
    id: int
    name: str
    url: str
    description: str = ""
    state: int = ENABLED
    features: int = WEBHOOK | RESPONSE
    error_count: int = 0
    last_error_date: int = 0
    last_error_message: str | None = None


def install_bot(
    state: State,
    name: str,
    *,
    url: str | None = None,
    description: str = "",
    bot_state: int = ENABLED,
    features: int = WEBHOOK | RESPONSE,
    bot_id: int | None = None,
) -> Bot:
    """Install a bot as ``occ talk:bot:install`` does (the next id unless ``bot_id``)."""
    with state.lock:
        number = bot_id if bot_id is not None else max(state.bots, default=0) + 1
        address = url or f"http://127.0.0.1:9/bots/{number}"
        bot = Bot(number, name, address, description, bot_state, features)
        state.bots[number] = bot
        return bot


def admin_view(bot: Bot) -> dict[str, Any]:
    """A bot as ``GET bot/admin`` lists it (recorded: bot-admin-list-200.json)."""
    return {
        "id": bot.id,
        "name": bot.name,
        "url": bot.url,
        "url_hash": hashlib.sha1(bot.url.encode()).hexdigest(),
        "description": bot.description,
        "error_count": bot.error_count,
        "last_error_date": bot.last_error_date,
        "last_error_message": bot.last_error_message,
        "state": bot.state,
        "features": bot.features,
    }


def room_view(bot: Bot, room: Room) -> dict[str, Any]:
    """A bot as ``GET bot/{token}`` lists it: its state in this conversation (1 enabled here,
    0 not), or 2 for a bot that cannot be set up per conversation (recorded: bot-list-200)."""
    here = NO_SETUP if bot.state == NO_SETUP else (ENABLED if bot.id in room.bots else DISABLED)
    return {"id": bot.id, "name": bot.name, "description": bot.description, "state": here}
