"""Moderators' settings of the one table (talkctl/settings): the default permissions, recording
consent, SIP dial-in, and the user's own "important" flag. Entries only; ``SETTINGS`` in
``__init__.py`` puts them in order. No typer, no rich."""

from __future__ import annotations

from talkctl.settings.permissions import (
    PERMISSION_VALUES,
    file_permissions,
    parse_permissions,
    permission_names,
    stored,
)
from talkctl.settings.setting import BAD_TYPE, BAD_VALUE, Refusals, Setting, on_off_setting
from talkctl.settings.values import (
    SIP,
    choice,
    file_choice,
    int_field,
    recording_consent_available,
    sip_available,
    sip_name,
    yes_no_row,
)

DEFAULT_PERMISSIONS = Setting(
    name="default-permissions",
    kind="bits",
    metavar="PERMS",
    help="What participants may do by default: a comma list of chat, start-call, "
    "join-call, lobby-ignore, audio, video, screen; or all, none, default.",
    values=PERMISSION_VALUES,
    parse=parse_permissions,
    parse_file=file_permissions,
    read=lambda c: int_field(c, "defaultPermissions"),
    show=permission_names,
    to_file=permission_names,
    reported_as="defaultPermissions",
    label="default permissions",
    path="/permissions/default",
    field="permissions",
    create_field=lambda bits: {"permissions": bits},
    effective=lambda bits, room_type: stored(bits),
    gate=("conversation-permissions", "conversation permissions"),
    refusals={
        (400, "type"): "{label} cannot have default permissions "
        "(only group and public conversations can)",
        (400, "breakout-room"): "{label} is a breakout room: its parent conversation decides",
        (400, "mode"): "the server refused that kind of permissions for {label}",
        **BAD_VALUE,
    },
)
CONFIG_REFUSED: Refusals = {
    (412, "config"): "the server's configuration does not allow that for {label}",
}
RECORDING_CONSENT = on_off_setting(
    "recording-consent",
    "on: everyone in a call must consent to be recorded; off: no consent is asked.",
    "recordingConsent",
    "/recording-consent",
    ("recording-consent", "recording consent (Talk 18 and later)"),
    field="recordingConsent",
    label="recording consent",
    available=recording_consent_available,
    verb=True,
    value_name="the state (on or off)",
    verb_help="""Ask everyone in a call to consent to being recorded (on), or not (off).

    Only where the server's administrator set recording consent to 'per conversation' and a
    recording server is set up: elsewhere it exits 6 and sends nothing, saying why.

    Example: talkctl room recording-consent "Town hall" on
    """,
    refusals={**CONFIG_REFUSED, **BAD_VALUE, **BAD_TYPE},
)
SIP_SETTING = Setting(
    name="sip",
    kind="choice",
    help="SIP dial-in: off, on (each participant needs a PIN) or no-pin.",
    values=(
        ("off", "no dial-in"),
        ("on", "dial-in, each participant with a PIN"),
        ("no-pin", "dial-in with the conversation's token only"),
    ),
    parse=choice("sip", SIP),
    parse_file=file_choice(SIP, '"off", "on" or "no-pin"'),
    read=lambda c: int_field(c, "sipEnabled"),
    show=sip_name,
    to_file=sip_name,
    reported_as="sipEnabled",
    label="SIP dial-in",
    path="/webinar/sip",
    field="state",
    gate=("sip-support", "SIP dial-in"),
    available=sip_available,
    verb=True,
    value_name="STATE",
    verb_help="""Let people dial in by phone (SIP): off, on (each with a PIN) or no-pin.

    Only where the server has a SIP bridge set up (no-pin also needs Talk's
    sip-support-nopin): elsewhere it exits 6 and sends nothing, saying why.

    Example: talkctl room sip "Town hall" on
    """,
    refusals={**CONFIG_REFUSED, **BAD_VALUE, **BAD_TYPE},
)
IMPORTANT = on_off_setting(
    "important",
    "on: notified even when you are away or busy; off: as usual.",
    "isImportant",
    "/important",
    ("important-conversations", "important conversations (Talk 21.1 and later)"),
    field=None,
    method="POST",
    method_off="DELETE",
    personal=True,
    flags=("ensure",),
    rows=yes_no_row("important", "isImportant"),
)
