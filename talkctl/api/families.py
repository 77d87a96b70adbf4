"""Which Talk API version serves a path: the one path-pattern -> API family table.

The version goes by the path, not by the noun: taken from ``openapi-talk22.json`` (and its
administration and bots parts), where each path names the ``apiVersion`` it takes. Chat, bots,
bans, breakout-room actions, reactions, polls, recording and ``room/{token}/avatar`` are v1
on every server that has them; the rest of ``room/...`` (the breakout listing
``room/{token}/breakout-rooms`` too), ``listed-room`` and ``call/...`` are the conversation
API, whose version is negotiated from the capabilities (v4 on today's servers, v1-v3
before). The api modules (``TalkClient.spreed``), ``talkctl api``'s relative paths and the
gates read this table; a new API family is one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPREED_API = "/ocs/v2.php/apps/spreed/api"


@dataclass(frozen=True)
class Family:
    """One API family: the paths it serves, its version and the capability it needs.

    ``version`` None means the conversation API's negotiated version; ``feature`` is the
    capability a server announces when it has the family (None: every server with Talk).
    """

    name: str
    pattern: re.Pattern[str]
    version: int | None
    feature: str | None = None


def _family(name: str, paths: str, version: int | None, feature: str | None = None) -> Family:
    # ``paths``: alternatives of leading segments ({T} is one segment); anything may follow
    pattern = paths.replace("{T}", "[^/]+")
    return Family(name, re.compile(rf"^(?:{pattern})(?:/.*)?$"), version, feature)


# first match wins: ``room/{token}/avatar`` before the rest of ``room``
FAMILIES: tuple[Family, ...] = (
    _family("avatar", "room/{T}/avatar", 1, "avatar"),
    _family("conversation", "room|listed-room", None),
    _family("call", "call", None),
    _family("chat", "chat", 1, "chat-v2"),
    _family("bots", "bot", 1, "bots-v1"),
    _family("bans", "ban", 1, "ban-v1"),
    _family("breakout-rooms", "breakout-rooms", 1, "breakout-rooms-v1"),
    _family("reactions", "reaction", 1, "reactions"),
    _family("polls", "poll", 1, "talk-polls"),
    _family("recording", "recording", 1, "recording-v1"),
    _family("signaling", "signaling", 3, "signaling-v3"),
    _family(
        "other v1",
        "bridge|certificate|file|guest|hostedsignalingserver|publicshare|publicshareauth|settings",
        1,
    ),
)
CONVERSATION = FAMILIES[1]


def family_of(path: str) -> Family:
    """The family of ``path`` (under the API base, with or without a leading ``/``); a path
    the table does not know goes to the conversation API, as it always did."""
    relative = path.lstrip("/").split("?", 1)[0]
    for family in FAMILIES:
        if family.pattern.match(relative):
            return family
    return CONVERSATION


def api_version(path: str, negotiated: int) -> int:
    """The API version that serves ``path`` when the conversation API is ``negotiated``."""
    version = family_of(path).version
    return negotiated if version is None else version


def api_base(path: str, negotiated: int) -> str:
    """``/ocs/v2.php/apps/spreed/api/vN``, the base ``path`` goes under."""
    return f"{SPREED_API}/v{api_version(path, negotiated)}"
