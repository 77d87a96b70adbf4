"""The one table of conversation settings.

Each ``Setting`` says everything talkctl knows about one setting of a conversation, once:

- ``name``: the verb (``room read-only``), the flag of ``room create`` / ``room ensure``
  (``--read-only``) and the ``field`` of a change in a result record;
- ``key``: the key of an apply file (``read_only``) and of ``export``;
- ``metavar`` / ``help``: the one shape it takes on the command line (``on|off``);
- ``parse(text)``: command-line text → value (``UsageError`` naming the value);
- ``parse_file(value)``: a TOML value → value (``ValueError`` saying what is expected);
- ``reported_as``: the field of the server's conversation object that reports it (export
  writes only what the server reports);
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

A new setting is one entry of ``SETTINGS`` plus its verb (values.py parses and shows the
values); an on/off one is one ``on_off_setting(...)``. Nothing here prints or imports typer or rich.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from talkctl.api.conversations import ConversationsApi
from talkctl.api.models import Conversation, ConversationType, level_name
from talkctl.errors import UsageError
from talkctl.settings.values import (
    DURATION_UNITS,
    LISTABLE,
    NOTIFY,
    Lobby,
    choice,
    file_bool,
    file_choice,
    file_duration,
    file_lobby,
    file_notify,
    file_text,
    int_field,
    listable_name,
    lobby_field,
    lobby_to_file,
    notify_effective,
    on_off,
    parse_duration,
    parse_lobby,
    parse_on_off,
    parse_when,
    read_lobby,
    send_lobby,
    shortest_duration,
    show_lobby,
)

Value = Any
DESCRIPTION_LIMIT = 500  # when the server does not say (config.conversations.description-length)


@dataclass(frozen=True)
class FieldChange:
    """One field's change: shown values; ``before`` None when the run did not read it."""

    field: str
    before: str | None
    after: str | None  # None: removed (a participant)


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
    reported_as: str
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


def on_off_setting(
    name: str,
    help: str,
    reported_as: str,
    read: Callable[[Conversation], bool],
    send: Callable[[ConversationsApi, str, bool], Conversation | None],
    gate: str,
    *,
    create_field: Callable[[Value], dict[str, Any]] | None = None,
    personal: bool = False,
) -> Setting:
    """A setting that is on or off: ``on|off`` on the command line, true/false in an apply
    file and in export. A personal one (the user's own preference) anybody may change."""
    return Setting(
        name=name,
        key=name.replace("-", "_"),
        metavar="on|off",
        help=help,
        parse=parse_on_off(name),
        parse_file=file_bool,
        read=read,
        show=on_off,
        to_file=lambda value: value,
        send=send,
        reported_as=reported_as,
        gate=gate,
        create_field=create_field,
        moderator_only=not personal,
        personal=personal,
    )


# --- the table -------------------------------------------------------------------------------

DESCRIPTION = Setting(
    name="description",
    key="description",
    metavar="TEXT",
    help="The description ('' clears it).",
    parse=lambda text: text,
    parse_file=file_text,
    read=lambda c: c.description,
    show=lambda value: value,
    to_file=lambda value: value,
    send=lambda api, token, value: api.set_description(token, value),
    reported_as="description",
    gate="description",
    create_field=lambda value: {"description": value},
)
READ_ONLY = on_off_setting(
    "read-only",
    "on: nobody can post; off: writable.",
    "readOnly",
    lambda c: c.read_only,
    ConversationsApi.set_read_only,
    gate="read-only",
    create_field=lambda value: {"readOnly": 1 if value else 0},
)
LISTABLE_SETTING = Setting(
    name="listable",
    key="listable",
    metavar="none|users|everyone",
    help="Who can find it with 'room browse': none, users, everyone (guest app users too).",
    parse=choice("listable", LISTABLE),
    parse_file=file_choice(LISTABLE, '"none", "users" or "everyone"'),
    read=lambda c: int_field(c, "listable"),
    show=listable_name,
    to_file=listable_name,
    send=lambda api, token, value: api.set_listable(token, value),
    reported_as="listable",
    gate="listable",
    create_field=lambda value: {"listable": value},
)
LOBBY = Setting(
    name="lobby",
    key="lobby",
    metavar="on|off|WHEN",
    help="Lobby on, off, or on until WHEN (2026-12-24T18:00 local, or +2h, +3d).",
    parse=parse_lobby,
    parse_file=file_lobby,
    read=read_lobby,
    show=show_lobby,
    to_file=lobby_to_file,
    send=send_lobby,
    reported_as="lobbyState",
    gate="lobby",
    create_field=lobby_field,
)
MESSAGE_EXPIRATION = Setting(
    name="message-expiration",
    key="message_expiration",
    metavar="DURATION|off",
    help="Delete messages after DURATION (90m, 1d, 4w; s m h d w) or off.",
    parse=parse_duration,
    parse_file=file_duration,
    read=lambda c: int_field(c, "messageExpiration"),
    show=shortest_duration,
    to_file=shortest_duration,
    send=lambda api, token, value: api.set_message_expiration(token, value),
    reported_as="messageExpiration",
    gate="message-expiration",
    create_field=lambda value: {"messageExpiration": value},
)
ARCHIVED = on_off_setting(
    "archived",
    "on: archived (out of your main list); off: not archived.",
    "isArchived",
    lambda c: c.is_archived,
    ConversationsApi.set_archived,
    gate="archive",
    personal=True,
)
FAVORITE = on_off_setting(
    "favorite",
    "Mark as favorite (on) or not (off).",
    "isFavorite",
    lambda c: c.is_favorite,
    ConversationsApi.set_favorite,
    gate="favorite",
    personal=True,
)
NOTIFY_SETTING = Setting(
    name="notify",
    key="notify",
    metavar="default|always|mention|never",
    help="When you are notified: default, always, mention or never.",
    parse=choice("notification level", NOTIFY),
    parse_file=file_notify,
    read=lambda c: c.effective_notification_level,
    show=level_name,
    to_file=level_name,
    send=lambda api, token, value: api.set_notification_level(token, value),
    reported_as="notificationLevel",
    gate="notify",
    moderator_only=False,
    personal=True,
    effective=notify_effective,
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


__all__ = [
    "DURATION_UNITS",
    "LISTABLE",
    "NOTIFY",
    "Lobby",
    "parse_duration",
    "parse_lobby",
    "parse_when",
    "shortest_duration",
    "show_lobby",
]
