"""The bot API (``bots-v1``, Talk 17.1+, API v1 on every server that has it).

Moderators list the bots of a conversation and enable or disable one there
(``bot/{token}``, ``bot/{token}/{botId}``: openapi-bots-talk22.json and openapi-talk22.json);
administrators list every installed bot with its features (``bot/admin``: Talk 22's
administration API, openapi-administration-talk22.json). Installing a bot has no API (``occ
talk:bot:install``). Recorded (talk22-moderation/bot-*.json): enabling answers 201, or 200
when the bot was enabled already; an unknown bot, or one the administrator did not allow
per conversation, is 400 ``bot``; a participant who is no moderator gets 403, a user who is
no administrator 403 on ``bot/admin``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from talkctl.api.client import TalkClient
from talkctl.api.conversations import room_path
from talkctl.api.errors import ApiError

FEATURE = "bots-v1"
# a bot's state (constants.md "Bot states"): server-wide, or in one conversation
STATE_NAMES = {0: "disabled", 1: "enabled", 2: "no-setup"}
NO_SETUP = 2
# a bot's features (a bit field; constants.md "Bot features")
FEATURE_NAMES = {1: "webhook", 2: "response", 4: "event", 8: "reaction"}


def state_name(state: int | None) -> str:
    """``enabled``; an unknown state as its number (a newer server), never a crash."""
    if state is None:
        return ""
    return STATE_NAMES.get(state, str(state))


def feature_names(features: int | None) -> list[str]:
    """``["webhook", "response"]`` for 3; unknown bits as their numbers."""
    if not features:
        return []
    names = [name for bit, name in FEATURE_NAMES.items() if features & bit]
    rest = features & ~sum(FEATURE_NAMES)
    bit = 1
    while rest:
        if rest & bit:
            names.append(str(bit))
            rest &= ~bit
        bit <<= 1
    return names


@dataclass(frozen=True)
class Bot:
    """A bot as the server listed it; ``raw`` keeps every field for --json."""

    raw: Mapping[str, Any]
    # the features ``bot/admin`` lists, for a bot of a conversation's list (which has none)
    admin_features: int | None = None

    def _int(self, key: str) -> int | None:
        value = self.raw.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def id(self) -> int | None:
        return self._int("id")

    @property
    def name(self) -> str:
        value = self.raw.get("name")
        return value if isinstance(value, str) else ""

    @property
    def description(self) -> str:
        value = self.raw.get("description")
        return value if isinstance(value, str) else ""

    @property
    def state(self) -> int | None:
        return self._int("state")

    @property
    def features(self) -> int | None:
        """Only ``bot/admin`` lists them."""
        listed = self._int("features")
        return listed if listed is not None else self.admin_features

    @property
    def enabled(self) -> bool:
        return self.state == 1


def bot_path(token: str, bot_id: int | None = None) -> str:
    """``/bot/{token}`` or ``/bot/{token}/{botId}``, the token URL-encoded (one segment)."""
    path = "/bot/" + room_path(token)[len("/room/") :]  # a token of dots is refused
    return path if bot_id is None else f"{path}/{int(bot_id)}"


class BotsApi:
    """The bot API of one server."""

    def __init__(self, client: TalkClient) -> None:
        self.client = client

    def require(self) -> None:
        """UnsupportedError (nothing sent) when the server has no bots."""
        self.client.capabilities.require(FEATURE, "bots")

    def in_conversation(self, token: str) -> list[Bot]:
        """The bots a moderator may see in the conversation, ``state`` as it is there."""
        response = self.client.spreed("GET", bot_path(token))
        return [Bot(item) for item in response.listing() if isinstance(item, dict)]

    def installed(self) -> list[Bot]:
        """Every installed bot with its server-wide state and features (administrators)."""
        response = self.client.spreed("GET", "/bot/admin")
        return [Bot(item) for item in response.listing() if isinstance(item, dict)]

    def with_features(self, bots: list[Bot]) -> list[Bot]:
        """``bots`` of a conversation with the features ``bot/admin`` lists (administrators:
        the caller knows it is one; a refusal leaves them without)."""
        try:
            installed = {b.id: b.features for b in self.installed()}
        except ApiError as exc:
            if exc.status != 403:
                raise
            return bots
        return [Bot(b.raw, installed.get(b.id)) for b in bots]

    def enable(self, token: str, bot_id: int) -> tuple[Bot, bool]:
        """Enable the bot in the conversation: the bot, and whether this changed anything
        (201; 200: it was enabled already). Enabling twice is harmless: retried."""
        response = self.client.spreed("POST", bot_path(token, bot_id), repeatable=True)
        return self._bot(response.data, bot_id), response.status == 201

    def disable(self, token: str, bot_id: int) -> Bot:
        """Disable the bot in the conversation (200 whether it was enabled or not)."""
        response = self.client.spreed("DELETE", bot_path(token, bot_id), repeatable=True)
        return self._bot(response.data, bot_id)

    @staticmethod
    def _bot(data: Any, bot_id: int) -> Bot:
        return Bot(data if isinstance(data, dict) else {"id": bot_id})
