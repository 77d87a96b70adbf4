"""Values of conversation settings: parsing what people type or write in a file, and
showing what the server holds (durations, date-times, the lobby, on/off, choices).
No typer, no rich."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from talkctl.api.models import NOTIFICATION_LEVEL_NAMES, Conversation, default_notification_level
from talkctl.errors import UsageError

DURATION_UNITS: dict[str, int] = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^(\d+)([smhdw])$")
_SPACED_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")  # a filter's age: "90 d"
LISTABLE = {"none": 0, "users": 1, "everyone": 2}
LISTABLE_NAMES = {scope: name for name, scope in LISTABLE.items()}
MENTION_PERMISSIONS = {"everyone": 0, "moderators": 1}  # who may mention @all
SIP = {"off": 0, "on": 1, "no-pin": 2}  # SIP dial-in (constants.md "SIP states")
NOTIFY = {name: level for level, name in NOTIFICATION_LEVEL_NAMES.items()}
NOTIFY |= {"1": 1, "2": 2, "3": 3}


@dataclass(frozen=True)
class Lobby:
    """The lobby: on or off, and (``until`` > 0) the Unix time at which Talk turns it off."""

    on: bool
    until: int = 0


# --- parsing -------------------------------------------------------------------------------


def choice(what: str, choices: Mapping[str, Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if text not in choices:
            names = [c for c in choices if not c.isdigit()]
            raise UsageError(f"{what} must be {' | '.join(names)}, not {text!r}")
        return choices[text]

    return parse


def parse_on_off(what: str) -> Callable[[str], bool]:
    return choice(what, {"on": True, "off": False})  # type: ignore[no-any-return]


def parse_duration(text: str, what: str = "message-expiration", *, off: bool = True) -> int:
    """``90m``, ``1h``, ``4w`` (s, m, h, d, w) or (``off``) ``off``/``0`` → seconds. Without
    ``off`` (a filter's age: ``--older-than 90d``) a number and its unit may be spaced."""
    value = text.strip()
    if off and value in ("off", "0"):
        return 0
    match = (_DURATION if off else _SPACED_DURATION).match(value)
    if match:
        return int(match.group(1)) * DURATION_UNITS[match.group(2)]
    if not off:
        raise UsageError(
            f"{what}: {text!r} is not a duration: a whole number followed by "
            "s, m, h, d or w (e.g. 90d, 12h)"
        )
    raise UsageError(
        f"{what} must be a whole duration like 90m, 1h, 1d or 4w (s, m, h, d, w) or off, "
        f"not {text!r}"
    )


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


def file_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def file_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a string")
    return value


def file_choice(choices: Mapping[str, Any], expected: str) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, str) and value in choices:
            return choices[value]
        raise ValueError(expected)

    return parse


def file_notify(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value in (1, 2, 3):
        return value
    if isinstance(value, str) and value in NOTIFY:
        return NOTIFY[value]
    raise ValueError('"default", "always", "mention", "never" or 1-3')


def file_duration(value: Any) -> int:
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except UsageError:
            pass
    raise ValueError('a whole duration like "90m", "4w", or "off"')


def file_lobby(value: Any) -> Lobby:
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


def int_field(conversation: Conversation, key: str) -> int:
    value = conversation.raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def bool_field(conversation: Conversation, key: str) -> bool:
    """A flag the server sends as true/false or 1/0."""
    value = conversation.raw.get(key)
    return value is True or (isinstance(value, int) and value == 1)


class Stamp(int):
    """A row value of ``room show`` that is a time (seconds since the epoch)."""


def read_lobby(conversation: Conversation) -> Lobby:
    """A lobby whose time has passed is off: Talk switches it off then (so an exported
    file, which writes that time, keeps converging)."""
    on = int_field(conversation, "lobbyState") == 1
    until = int_field(conversation, "lobbyTimer") if on else 0
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


def lobby_to_file(lobby: Lobby) -> Any:
    if not lobby.on or not lobby.until:
        return lobby.on
    return datetime.fromtimestamp(lobby.until, tz=timezone.utc)


def on_off(value: bool) -> str:
    return "on" if value else "off"


def listable_name(scope: int) -> str:
    return LISTABLE_NAMES.get(scope, f"unknown({scope})")


def mention_permissions_name(value: int) -> str:
    names = {number: name for name, number in MENTION_PERMISSIONS.items()}
    return names.get(value, f"unknown({value})")


def sip_name(value: int) -> str:
    names = {number: name for name, number in SIP.items()}
    return names.get(value, f"unknown({value})")


def call_config(capabilities: Any) -> dict[str, Any]:
    """The server's ``config.call`` (empty when it sends none)."""
    value = capabilities.config.get("call")
    return value if isinstance(value, dict) else {}


def recording_consent_available(capabilities: Any, value: Any) -> str | None:
    """Per-conversation recording consent needs ``config.call.recording-consent`` 2 and a
    recording server (``config.call.recording``); elsewhere Talk answers 412 ``config``."""
    call = call_config(capabilities)
    if call.get("recording-consent") != 2:
        return (
            "recording consent per conversation: not offered by this server (its "
            "administrator has not set recording consent to 'per conversation')"
        )
    if call.get("recording") is not True:
        return "recording consent: this server has no recording server set up"
    return None


def sip_available(capabilities: Any, value: Any) -> str | None:
    """SIP dial-in needs ``config.call.sip-enabled``; ``no-pin`` the ``sip-support-nopin``
    capability; elsewhere Talk answers 412 ``config``."""
    if call_config(capabilities).get("sip-enabled") is not True:
        return "SIP dial-in: this server has no SIP bridge set up (config.call.sip-enabled)"
    if value == SIP["no-pin"] and not capabilities.has("sip-support-nopin"):
        return "SIP dial-in without a PIN: not supported by this server (sip-support-nopin)"
    return None


def notify_effective(level: int, room_type: int) -> int:
    return level or default_notification_level(room_type)


def lobby_form(lobby: Lobby) -> dict[str, Any]:
    """``PUT room/{token}/webinar/lobby``: the state, and when it is on with a time, the
    time at which the server turns it off."""
    form: dict[str, Any] = {"state": 1 if lobby.on else 0}
    if lobby.on and lobby.until:
        form["timer"] = lobby.until
    return form


def lobby_rows(conversation: Conversation) -> list[tuple[str, Any]]:
    """``room show``: on or off (as the server holds it), and until when."""
    on = int_field(conversation, "lobbyState") == 1
    rows: list[tuple[str, Any]] = [("lobby", on_off(on))]
    if on and int_field(conversation, "lobbyTimer"):
        rows.append(("lobby until", Stamp(int_field(conversation, "lobbyTimer"))))
    return rows


def yes_no_row(label: str, key: str) -> Callable[[Conversation], list[tuple[str, Any]]]:
    return lambda c: [(label, "yes" if bool_field(c, key) else "no")]


def lobby_field(lobby: Lobby) -> dict[str, Any]:
    fields: dict[str, Any] = {"lobbyState": 1 if lobby.on else 0}
    if lobby.until:
        fields["lobbyTimer"] = lobby.until
    return fields
