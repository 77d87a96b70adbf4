"""The one table of conversation settings: each entry says everything about one setting
(see ``Setting`` in setting.py), and every surface is generated from it: the generic verbs
(``room listable``, ``room read-only``, ...), the flags of ``room create`` / ``room ensure``,
the rows of ``room show``, the apply-file and export keys, the plans and dry runs, the
completion of values, the man page and the capability gates.

A new setting is one entry of ``SETTINGS`` (its values, if new, in values.py), its sandbox
answer and its tests. Nothing here prints or imports typer or rich.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from talkctl.api.capabilities import Capabilities
from talkctl.api.errors import UnsupportedError
from talkctl.api.models import Conversation, ConversationType, level_name
from talkctl.errors import UsageError
from talkctl.settings.moderation import (
    DEFAULT_PERMISSIONS,
    IMPORTANT,
    RECORDING_CONSENT,
    SIP_SETTING,
)
from talkctl.settings.setting import (
    BAD_TYPE,
    BAD_VALUE,
    Gate,
    Row,
    Setting,
    Value,
    on_off_setting,
)
from talkctl.settings.values import (
    DURATION_UNITS,
    LISTABLE,
    MENTION_PERMISSIONS,
    NOTIFY,
    Lobby,
    Stamp,
    choice,
    file_choice,
    file_duration,
    file_lobby,
    file_notify,
    file_text,
    int_field,
    listable_name,
    lobby_field,
    lobby_form,
    lobby_rows,
    lobby_to_file,
    mention_permissions_name,
    notify_effective,
    parse_duration,
    parse_lobby,
    parse_when,
    read_lobby,
    shortest_duration,
    show_lobby,
    yes_no_row,
)

DESCRIPTION_LIMIT = 500  # when the server does not say (config.conversations.description-length)


@dataclass(frozen=True)
class FieldChange:
    """One field's change: shown values; ``before`` None when the run did not read it."""

    field: str
    before: str | None
    after: str | None  # None: removed (a participant)


# --- the table -------------------------------------------------------------------------------

DESCRIPTION = Setting(
    name="description",
    kind="text",
    metavar="TEXT",
    help="The description ('' clears it).",
    parse=lambda text: text,
    parse_file=file_text,
    read=lambda c: c.description,
    show=lambda value: value,
    reported_as="description",
    path="/description",
    field="description",
    gate=("room-description", "conversation descriptions"),
    refusals={**BAD_VALUE, **BAD_TYPE},
)
READ_ONLY = on_off_setting(
    "read-only",
    "on: nobody can post; off: writable.",
    "readOnly",
    "/read-only",
    ("read-only-rooms", "read-only conversations"),
    verb=True,
    value_name="the state (on or off)",
    verb_help="""Make a conversation read-only (on) or writable again (off).

    The state is the last argument. In a read-only conversation nobody can post; its
    history stays. Needs a server with the read-only-rooms capability.

    Example: talkctl room read-only "Announcements" on
    """,
    refusals={(400, None): "{label} cannot be read-only (only group and public conversations can)"},
)
LISTABLE_SETTING = Setting(
    name="listable",
    kind="choice",
    help="Who can find it with 'room browse': none, users, everyone (guest app users too).",
    values=(
        ("none", "only the participants see it"),
        ("users", "every user of the server can find it"),
        ("everyone", "guest app users too"),
    ),
    parse=choice("listable", LISTABLE),
    parse_file=file_choice(LISTABLE, '"none", "users" or "everyone"'),
    read=lambda c: int_field(c, "listable"),
    show=listable_name,
    to_file=listable_name,
    reported_as="listable",
    path="/listable",
    field="scope",
    gate=("listable-rooms", "listable conversations"),
    verb=True,
    value_name="SCOPE",
    verb_help="""Set who can find a conversation and join it: none, users or everyone.

    'users' lets every user of the server find it ('room browse'); 'everyone' also guest
    app users; 'none' only the participants see it.

    Example: talkctl room listable "Open office" users
    """,
    refusals={**BAD_VALUE, **BAD_TYPE},
)
LOBBY = Setting(
    name="lobby",
    kind="time",
    metavar="on|off|WHEN",
    help="Lobby on, off, or on until WHEN (2026-12-24T18:00 local, or +2h, +3d).",
    values=(("on", "only moderators get in"), ("off", "everybody gets in")),
    parse=parse_lobby,
    parse_file=file_lobby,
    read=read_lobby,
    show=show_lobby,
    to_file=lobby_to_file,
    reported_as="lobbyState",
    path="/webinar/lobby",
    form=lobby_form,
    create_field=lobby_field,
    rows=lobby_rows,
    gate=("webinary-lobby", "the lobby"),
    refusals=BAD_TYPE,
)
MESSAGE_EXPIRATION = Setting(
    name="message-expiration",
    kind="duration",
    metavar="DURATION|off",
    help="Delete messages after DURATION (90m, 1d, 4w; s m h d w) or off.",
    values=(("off", "never"), ("1h", ""), ("1d", ""), ("1w", ""), ("4w", "")),
    parse=parse_duration,
    parse_file=file_duration,
    read=lambda c: int_field(c, "messageExpiration"),
    show=shortest_duration,
    to_file=shortest_duration,
    reported_as="messageExpiration",
    label="message expiration",
    method="POST",
    path="/message-expiration",
    field="seconds",
    gate=(
        "message-expiration",
        "message expiration (Talk offers it only when the server's background jobs run by cron)",
    ),
    verb=True,
    value_name="DURATION",
    verb_help="""Delete messages after a time: 90m, 1h, 1d, 4w (s, m, h, d, w), or off.

    Talk offers it only when the server's background jobs run by cron: without the
    message-expiration capability it exits 6 and sends nothing.

    Example: talkctl room message-expiration "Team chat" 4w
    """,
    refusals={**BAD_VALUE, **BAD_TYPE},
)
MENTION_PERMISSIONS_SETTING = Setting(
    name="mention-permissions",
    kind="choice",
    help="Who may mention @all: everyone or moderators.",
    values=(("everyone", "every participant"), ("moderators", "only moderators")),
    parse=choice("mention-permissions", MENTION_PERMISSIONS),
    parse_file=file_choice(MENTION_PERMISSIONS, '"everyone" or "moderators"'),
    read=lambda c: int_field(c, "mentionPermissions"),
    show=mention_permissions_name,
    to_file=mention_permissions_name,
    reported_as="mentionPermissions",
    label="mention permissions",
    path="/mention-permissions",
    field="mentionPermissions",
    gate=("mention-permissions", "mention permissions (Talk 20 and later)"),
    verb=True,
    value_name="WHO",
    verb_help="""Set who may mention @all in a conversation: everyone or moderators.

    Needs Talk 20 or later (the mention-permissions capability): elsewhere it exits 6 and
    sends nothing. Only moderators may change it.

    Example: talkctl room mention-permissions "Town hall" moderators
    """,
    refusals={
        **BAD_VALUE,
        (400, "breakout-room"): "{label} is a breakout room: its parent conversation decides",
        **BAD_TYPE,
    },
)
ARCHIVED = on_off_setting(
    "archived",
    "on: archived (out of your main list); off: not archived.",
    "isArchived",
    "/archive",
    ("archived-conversations-v2", "archiving conversations"),
    field=None,
    method="POST",
    method_off="DELETE",
    personal=True,
    flags=("ensure",),
    rows=yes_no_row("archived", "isArchived"),
)
FAVORITE = on_off_setting(
    "favorite",
    "Mark as favorite (on) or not (off).",
    "isFavorite",
    "/favorite",
    ("favorites", "favorites"),
    field=None,
    method="POST",
    method_off="DELETE",
    personal=True,
    flags=(),  # create's --favorite and ensure's --favorite/--no-favorite are switches
    rows=yes_no_row("favorite", "isFavorite"),
)
NOTIFY_SETTING = Setting(
    name="notify",
    kind="choice",
    help="When you are notified: default, always, mention or never.",
    values=(
        ("default", "the conversation type's default"),
        ("always", ""),
        ("mention", ""),
        ("never", ""),
    ),
    parse=choice("notification level", NOTIFY),
    parse_file=file_notify,
    read=lambda c: c.effective_notification_level,
    show=level_name,
    to_file=level_name,
    reported_as="notificationLevel",
    rows=lambda c: [("notifications", level_name(c.notification_level))],
    method="POST",
    path="/notify",
    field="level",
    gate=("notification-levels", "notification levels"),
    moderator_only=False,
    personal=True,
    effective=notify_effective,
    verb=True,
    value_name="LEVEL",
    verb_help="""Set when you are notified: default, always, mention or never.

    'default' sends the conversation type's default (always for one-to-one, mention otherwise):
    Talk does not accept level 0 over the API.

    Example: talkctl room notify "Team chat" mention
    """,
    refusals={(400, "level"): "the server refused that notification level for {label}"},
)

# In the order a plan applies them (and create/ensure list their flags, room show its rows).
SETTINGS: tuple[Setting, ...] = (
    DESCRIPTION,
    READ_ONLY,
    LISTABLE_SETTING,
    LOBBY,
    MESSAGE_EXPIRATION,
    MENTION_PERMISSIONS_SETTING,
    DEFAULT_PERMISSIONS,
    RECORDING_CONSENT,
    SIP_SETTING,
    ARCHIVED,
    FAVORITE,
    IMPORTANT,
    NOTIFY_SETTING,
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}
VERB_SETTINGS: tuple[Setting, ...] = tuple(s for s in SETTINGS if s.verb)


def flag_settings(command: str) -> tuple[Setting, ...]:
    """The settings that are flags of ``command`` (``create``, ``ensure``)."""
    return tuple(s for s in SETTINGS if command in s.flags)


def show_rows(conversation: Conversation) -> list[Row]:
    """The settings' rows of ``room show``, in the table's order."""
    return [row for setting in SETTINGS for row in setting.shown(conversation)]


def check_available(setting: Setting, capabilities: Capabilities, value: Value) -> None:
    """Raise UnsupportedError (exit 6, nothing sent) when the server lacks the setting's
    capability, or its configuration does not offer ``value`` (``available``)."""
    if setting.gate is not None:
        capabilities.require(*setting.gate)
    reason = setting.available(capabilities, value) if setting.available is not None else None
    if reason is not None:
        raise UnsupportedError(reason, setting.gate[0] if setting.gate else setting.name)


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
    "BAD_TYPE",
    "BAD_VALUE",
    "DEFAULT_PERMISSIONS",
    "DURATION_UNITS",
    "IMPORTANT",
    "LISTABLE",
    "NOTIFY",
    "RECORDING_CONSENT",
    "SIP_SETTING",
    "Gate",
    "Lobby",
    "Row",
    "Setting",
    "Stamp",
    "Value",
    "on_off_setting",
    "parse_duration",
    "parse_lobby",
    "parse_when",
    "shortest_duration",
    "show_lobby",
]
