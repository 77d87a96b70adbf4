"""The breakout-room API (``breakout-rooms-v1``, Talk 16+).

The actions are v1 (``breakout-rooms/{token}``: configure, remove, ``/rooms`` start and
stop, ``/broadcast``, ``/attendees``); the parent's listings are the conversation API
(``room/{token}/breakout-rooms`` and ``.../participants``, v4 on today's servers):
openapi-talk22.json. ``config.call.breakout-rooms`` says whether the server allows them.
Recorded (talk22-moderation/br-*.json): a refused configuration still sets the parent's
``breakoutRoomMode`` and every later one is refused (400 ``room``) until the rooms are
removed; the listing of a conversation without breakout rooms is 400 ``mode``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from talkctl.api.client import TalkClient
from talkctl.api.conversations import room_path
from talkctl.api.errors import UnsupportedError
from talkctl.api.models import Conversation
from talkctl.api.participants import Participant

FEATURE = "breakout-rooms-v1"
# breakoutRoomMode (constants.md "Breakout room modes"); 0: none configured
MODES = {"automatic": 1, "manual": 2, "free": 3}
MODE_NAMES = {0: "none", **{number: name for name, number in MODES.items()}}
STATUS_NAMES = {0: "stopped", 1: "started"}
MAX_ROOMS = 20


def mode_name(mode: int | None) -> str:
    return "" if mode is None else MODE_NAMES.get(mode, str(mode))


def status_name(status: int | None) -> str:
    return "" if status is None else STATUS_NAMES.get(status, str(status))


def _path(token: str, suffix: str = "") -> str:
    return "/breakout-rooms/" + room_path(token)[len("/room/") :] + suffix


def _rooms(data: Any) -> list[Conversation]:
    items = data if isinstance(data, list) else []
    return [Conversation(item) for item in items if isinstance(item, dict)]


def attendee_map(rooms_by_attendee: Mapping[int, int]) -> str:
    """The ``attendeeMap`` form value: JSON of attendee id -> 0-based room."""
    return json.dumps({str(k): v for k, v in rooms_by_attendee.items()}, separators=(",", ":"))


class BreakoutApi:
    """The breakout-room API of one server."""

    def __init__(self, client: TalkClient) -> None:
        self.client = client

    def require(self) -> None:
        """UnsupportedError (nothing sent) without the capability, or when the server's
        ``config.call.breakout-rooms`` is off."""
        capabilities = self.client.capabilities
        capabilities.require(FEATURE, "breakout rooms")
        call = capabilities.config.get("call")
        if isinstance(call, dict) and call.get("breakout-rooms") is False:
            raise UnsupportedError(
                "breakout rooms: switched off on this server (config.call.breakout-rooms)",
                FEATURE,
            )

    def configure(
        self, token: str, mode: int, amount: int, rooms_by_attendee: Mapping[int, int] | None
    ) -> list[Conversation]:
        """Create ``amount`` breakout rooms; the answer lists them and the parent (last)."""
        form: dict[str, Any] = {"mode": mode, "amount": amount}
        if rooms_by_attendee:
            form["attendeeMap"] = attendee_map(rooms_by_attendee)
        return _rooms(self.client.spreed("POST", _path(token), data=form).data)

    def remove(self, token: str) -> Conversation | None:
        """Delete the breakout rooms (also resets a mode a refused configure left)."""
        data = self.client.spreed("DELETE", _path(token), repeatable=True).data
        return Conversation(data) if isinstance(data, dict) and "token" in data else None

    def start(self, token: str) -> list[Conversation]:
        return _rooms(self.client.spreed("POST", _path(token, "/rooms"), repeatable=True).data)

    def stop(self, token: str) -> list[Conversation]:
        return _rooms(self.client.spreed("DELETE", _path(token, "/rooms"), repeatable=True).data)

    def broadcast(self, token: str, message: str) -> list[Conversation]:
        response = self.client.spreed("POST", _path(token, "/broadcast"), data={"message": message})
        return _rooms(response.data)

    def move(self, token: str, rooms_by_attendee: Mapping[int, int]) -> list[Conversation]:
        form = {"attendeeMap": attendee_map(rooms_by_attendee)}
        response = self.client.spreed("POST", _path(token, "/attendees"), data=form)
        return _rooms(response.data)

    def rooms(self, token: str) -> list[Conversation]:
        """The breakout rooms of ``token`` (400 ``mode`` when it has none; 400 ``status`` to a
        non-moderator while they are stopped)."""
        return _rooms(self.client.spreed("GET", room_path(token, "/breakout-rooms")).listing())

    def participants(self, token: str) -> list[Participant]:
        response = self.client.spreed("GET", room_path(token, "/breakout-rooms/participants"))
        return [Participant(item) for item in response.listing() if isinstance(item, dict)]
