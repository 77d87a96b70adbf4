"""The one table of conversation settings.

Each ``Setting`` says everything talkctl knows about one setting of a conversation, once:

- ``name``: the verb (``room read-only``), the flag of ``room create`` / ``room ensure``
  (``--read-only``) and the ``field`` of a change in a result record;
- ``key``: the key of an apply file (``read_only``) and of ``export``;
- ``metavar`` / ``help``: the one shape it takes on the command line (``on|off``);
- ``parse(text)``: command-line text → value (``UsageError`` naming the value);
- ``parse_file(value)``: a TOML value → value (``ValueError`` saying what is expected);
- ``read(conversation)``: the conversation's effective value (notify ``default`` resolved);
- ``effective(value, room_type)``: the value a wish means for a conversation of that type;
- ``show(value)``: the value as text (plans, messages, the ``from``/``to`` of a change);
- ``to_file(value)``: the value as written in an apply file (export);
- ``send(api, token, value)``: the request that sets it;
- ``gate``: the operation of ``ConversationsApi.GATES`` it needs (exit 6 before sending);
- ``create_field(value)``: the ``POST /room`` fields that set it with the creation, on
  servers with ``conversation-creation-all`` (``None``: not a field of the creation);
- ``moderator_only``: only moderators may change it (a dry run says "would be refused");
- ``personal``: the user's own preference (favorite, notify, archived), not the room's.

A new setting is one entry of ``SETTINGS`` plus its verb. Nothing here prints or imports
typer or rich.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from talkctl.api.conversations import ConversationsApi
from talkctl.api.models import (
    NOTIFICATION_LEVEL_NAMES,
    Conversation,
    ConversationType,
    default_notification_level,
    level_name,
)
from talkctl.errors import UsageError

Value = Any
DURATION_UNITS: dict[str, int] = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^(\d+)([smhdw])$")
LISTABLE = {"none": 0, "users": 1, "everyone": 2}
NOTIFY = {name: level for level, name in NOTIFICATION_LEVEL_NAMES.items()}
NOTIFY |= {"1": 1, "2": 2, "3": 3}
DESCRIPTION_LIMIT = 500  # when the server does not say (config.conversations.description-length)


@dataclass(frozen=True)
class FieldChange:
    """One field's change: shown values; ``before`` None when the run did not read it."""

    field: str
    before: str | None
    after: str


@dataclass(frozen=True)
class Lobby:
    """The lobby: on or off, and (``until`` > 0) the Unix time at which Talk turns it off."""

    on: bool
    until: int = 0


@dataclass(frozen=True)
class Setting:
    name: str
    key: str
    metavar: str
    help: str
    parse: Callable[[str], Value]
    parse_file: Callable[[Any], Value]
    read: Callable[[Conversation], Value]
    show: Callable[[Value], str]
    to_file: Callable[[Value], Any]
    send: Callable[[ConversationsApi, str, Value], Conversation | None]
    gate: str | None = None
    create_field: Callable[[Value], dict[str, Any]] | None = None
    moderator_only: bool = True
    personal: bool = False
    effective: Callable[[Value, int], Value] = lambda value, room_type: value

    def differs(self, value: Value, conversation: Conversation) -> bool:
        """Whether setting ``value`` would change ``conversation``."""
        return bool(self.read(conversation) != self.effective(value, conversation.type))

    def describe(self, value: Value, room_type: int = ConversationType.GROUP) -> str:
        """``set read-only on``: what a dry run says it would do."""
        return f"set {self.name} {self.show(self.effective(value, room_type))}"


# --- parsing -------------------------------------------------------------------------------


def _choice(what: str, choices: Mapping[str, Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if text not in choices:
            names = [c for c in choices if not c.isdigit()]
            raise UsageError(f"{what} must be {' | '.join(names)}, not {text!r}")
        return choices[text]

    return parse


def parse_on_off(what: str) -> Callable[[str], bool]:
    return _choice(what, {"on": True, "off": False})  # type: ignore[no-any-return]


def parse_duration(text: str, what: str = "message-expiration") -> int:
    """``90m``, ``1h``, ``4w`` (s, m, h, d, w) or ``off``/``0`` → seconds."""
    value = text.strip()
    if value in ("off", "0"):
        return 0
    match = _DURATION.match(value)
    if not match:
        raise UsageError(
            f"{what} must be a whole duration like 90m, 1h, 1d or 4w (s, m, h, d, w) or off, "
            f"not {text!r}"
        )
    return int(match.group(1)) * DURATION_UNITS[match.group(2)]


def shortest_duration(seconds: int) -> str:
    """The shortest exact form: 5400 → ``90m``; 0 → ``off``."""
    if seconds <= 0:
        return "off"
    for unit, size in sorted(DURATION_UNITS.items(), key=lambda item: -item[1]):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"  # pragma: no cover - every whole number of seconds divides by 1


_RELATIVE = re.compile(r"^\+(\d+)([smhdw])$")


def parse_when(text: str, *, now: float | None = None, past_ok: bool = False) -> int:
    """An ISO 8601 date-time (local time unless it has an offset) or ``+2h``/``+3d`` → Unix
    time. A time in the past is refused unless ``past_ok``."""
    current = time.time() if now is None else now
    relative = _RELATIVE.match(text.strip())
    if relative:
        return int(current) + int(relative.group(1)) * DURATION_UNITS[relative.group(2)]
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"not a date-time: {text!r} (use ISO 8601 like 2026-12-24T18:00, or +2h, +3d)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time
    stamp = int(moment.timestamp())
    if stamp <= current and not past_ok:
        raise UsageError(f"{text!r} is in the past")
    return stamp


def parse_lobby(text: str) -> Lobby:
    """``on``, ``off`` or a time until which it is on (see ``parse_when``)."""
    if text in ("on", "off"):
        return Lobby(text == "on")
    try:
        return Lobby(True, parse_when(text))
    except UsageError as exc:
        raise UsageError(f"lobby must be on, off or a future date-time: {exc}") from None


def _file_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def _file_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a string")
    return value


def _file_choice(choices: Mapping[str, Any], expected: str) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, str) and value in choices:
            return choices[value]
        raise ValueError(expected)

    return parse


def _file_notify(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value in (1, 2, 3):
        return value
    if isinstance(value, str) and value in NOTIFY:
        return NOTIFY[value]
    raise ValueError('"default", "always", "mention", "never" or 1-3')


def _file_duration(value: Any) -> int:
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except UsageError:
            pass
    raise ValueError('a whole duration like "90m", "4w", or "off"')


def _file_lobby(value: Any) -> Lobby:
    """``true``/``false`` or a date-time with its offset; a time that has passed means off."""
    if isinstance(value, bool):
        return Lobby(value)
    if isinstance(value, datetime | str):
        text = value.isoformat() if isinstance(value, datetime) else value
        try:
            stamp = parse_when(text, past_ok=True)
        except UsageError:
            raise ValueError("true, false or a date-time with its UTC offset") from None
        return Lobby(True, stamp) if stamp > time.time() else Lobby(False)
    raise ValueError("true, false or a date-time with its UTC offset")


# --- reading and showing ---------------------------------------------------------------------


def _int(conversation: Conversation, key: str) -> int:
    value = conversation.raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def read_lobby(conversation: Conversation) -> Lobby:
    """A lobby whose time has passed is off: Talk switches it off then (so an exported
    file, which writes that time, keeps converging)."""
    on = _int(conversation, "lobbyState") == 1
    until = _int(conversation, "lobbyTimer") if on else 0
    if until and until <= time.time():
        return Lobby(False)
    return Lobby(on, until)


def show_lobby(lobby: Lobby) -> str:
    if not lobby.on:
        return "off"
    if not lobby.until:
        return "on"
    try:
        when = datetime.fromtimestamp(lobby.until).astimezone().isoformat(timespec="minutes")
    except (OverflowError, OSError, ValueError):
        when = str(lobby.until)
    return f"on until {when}"


def _lobby_to_file(lobby: Lobby) -> Any:
    if not lobby.on or not lobby.until:
        return lobby.on
    return datetime.fromtimestamp(lobby.until, tz=timezone.utc)


def _on(value: bool) -> str:
    return "on" if value else "off"


def _listable_name(scope: int) -> str:
    names = {v: k for k, v in LISTABLE.items()}
    return names.get(scope, f"unknown({scope})")


def _notify_effective(level: int, room_type: int) -> int:
    return level or default_notification_level(room_type)


def _send_lobby(api: ConversationsApi, token: str, lobby: Lobby) -> Conversation | None:
    return api.set_lobby(token, lobby.on, lobby.until or None)


def _lobby_field(lobby: Lobby) -> dict[str, Any]:
    fields: dict[str, Any] = {"lobbyState": 1 if lobby.on else 0}
    if lobby.until:
        fields["lobbyTimer"] = lobby.until
    return fields


# --- the table -------------------------------------------------------------------------------

DESCRIPTION = Setting(
    name="description",
    key="description",
    metavar="TEXT",
    help="The description ('' clears it).",
    parse=lambda text: text,
    parse_file=_file_text,
    read=lambda c: c.description,
    show=lambda value: value,
    to_file=lambda value: value,
    send=lambda api, token, value: api.set_description(token, value),
    gate="description",
    create_field=lambda value: {"description": value},
)
READ_ONLY = Setting(
    name="read-only",
    key="read_only",
    metavar="on|off",
    help="on: nobody can post; off: writable.",
    parse=parse_on_off("read-only"),
    parse_file=_file_bool,
    read=lambda c: c.read_only,
    show=_on,
    to_file=lambda value: value,
    send=lambda api, token, value: api.set_read_only(token, value),
    gate="read-only",
    create_field=lambda value: {"readOnly": 1 if value else 0},
)
LISTABLE_SETTING = Setting(
    name="listable",
    key="listable",
    metavar="none|users|everyone",
    help="Who can find it with 'room browse': none, users, everyone (guest app users too).",
    parse=_choice("listable", LISTABLE),
    parse_file=_file_choice(LISTABLE, '"none", "users" or "everyone"'),
    read=lambda c: _int(c, "listable"),
    show=_listable_name,
    to_file=_listable_name,
    send=lambda api, token, value: api.set_listable(token, value),
    gate="listable",
    create_field=lambda value: {"listable": value},
)
LOBBY = Setting(
    name="lobby",
    key="lobby",
    metavar="on|off|WHEN",
    help="Lobby on, off, or on until WHEN (2026-12-24T18:00 local, or +2h, +3d).",
    parse=parse_lobby,
    parse_file=_file_lobby,
    read=read_lobby,
    show=show_lobby,
    to_file=_lobby_to_file,
    send=_send_lobby,
    gate="lobby",
    create_field=_lobby_field,
)
MESSAGE_EXPIRATION = Setting(
    name="message-expiration",
    key="message_expiration",
    metavar="DURATION|off",
    help="Delete messages after DURATION (90m, 1d, 4w; s m h d w) or off.",
    parse=parse_duration,
    parse_file=_file_duration,
    read=lambda c: _int(c, "messageExpiration"),
    show=shortest_duration,
    to_file=shortest_duration,
    send=lambda api, token, value: api.set_message_expiration(token, value),
    gate="message-expiration",
    create_field=lambda value: {"messageExpiration": value},
)
ARCHIVED = Setting(
    name="archived",
    key="archived",
    metavar="on|off",
    help="on: archived (out of your main list); off: not archived.",
    parse=parse_on_off("archived"),
    parse_file=_file_bool,
    read=lambda c: c.is_archived,
    show=_on,
    to_file=lambda value: value,
    send=lambda api, token, value: api.set_archived(token, value),
    gate="archive",
    moderator_only=False,
    personal=True,
)
FAVORITE = Setting(
    name="favorite",
    key="favorite",
    metavar="on|off",
    help="Mark as favorite (on) or not (off).",
    parse=parse_on_off("favorite"),
    parse_file=_file_bool,
    read=lambda c: c.is_favorite,
    show=_on,
    to_file=lambda value: value,
    send=lambda api, token, value: api.set_favorite(token, value),
    gate="favorite",
    moderator_only=False,
    personal=True,
)
NOTIFY_SETTING = Setting(
    name="notify",
    key="notify",
    metavar="default|always|mention|never",
    help="When you are notified: default, always, mention or never.",
    parse=_choice("notification level", NOTIFY),
    parse_file=_file_notify,
    read=lambda c: c.effective_notification_level,
    show=level_name,
    to_file=level_name,
    send=lambda api, token, value: api.set_notification_level(token, value),
    gate="notify",
    moderator_only=False,
    personal=True,
    effective=_notify_effective,
)

# In the order a plan applies them (and create/ensure list their flags).
SETTINGS: tuple[Setting, ...] = (
    DESCRIPTION,
    READ_ONLY,
    LISTABLE_SETTING,
    LOBBY,
    MESSAGE_EXPIRATION,
    ARCHIVED,
    FAVORITE,
    NOTIFY_SETTING,
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def effective(setting: Setting, value: Value, conversation: Conversation) -> Value:
    """The value ``setting`` takes on ``conversation`` when ``value`` is wanted."""
    return setting.effective(value, conversation.type)


# --- the password rule -----------------------------------------------------------------------

PASSWORD_NEEDED = (
    "this server requires a password for public conversations: pass it with --password-stdin"
)


def check_password_rule(
    room_type: int | None, password: str | None, *, force_passwords: bool, what: str = ""
) -> None:
    """The one rule for passwords: only a public conversation has one, and a server that
    forces passwords needs one for every public conversation. Raises UsageError."""
    prefix = f"{what}: " if what else ""
    if password is not None and room_type not in (None, ConversationType.PUBLIC):
        raise UsageError(
            f"{prefix}a password needs a public conversation (a group one cannot have one)"
        )
    if room_type == ConversationType.PUBLIC and password is None and force_passwords:
        raise UsageError(prefix + PASSWORD_NEEDED)


def parse_flags(texts: Mapping[str, str | None]) -> dict[str, Value]:
    """Command-line values by setting name (``--read-only on`` → ``{"read-only": "on"}``) →
    parsed values by key (``{"read_only": True}``); absent (None) ones are left out."""
    return {
        BY_NAME[name].key: BY_NAME[name].parse(text)
        for name, text in texts.items()
        if text is not None
    }
