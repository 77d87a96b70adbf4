"""POST /room with settings and participants (``conversation-creation-all``, Talk 21.1+).

Recorded on Talk 22 (talk22-create/): every setting applied with the create (201, the
creation message already expiring), a too long description and a bad listable scope refused
with 400 and nothing created, participants grouped by type in a JSON body (201), an unknown
user among them (202 with ``invalidParticipants`` naming it), and an e-mail address turning
the new group conversation public. The remaining fields and refusals (read-only, lobby,
lobby-timer, message-expiration, sip-enabled, permissions, recording-consent,
mention-permissions; groups, teams, federated users and phones as participants) follow
openapi-talk22.json: guesses in the recorded shape.
"""

from __future__ import annotations

from typing import Any

from .context import Ctx
from .handlers_participants import add_member
from .state import GROUP, PUBLIC, Room

# request field -> (attribute of Room or None, allowed values or None for >= 0, error)
SETTINGS: dict[str, tuple[str | None, tuple[int, ...] | None, str]] = {
    "readOnly": ("read_only", (0, 1), "read-only"),
    "listable": ("listable", (0, 1, 2), "listable"),
    "messageExpiration": ("message_expiration", None, "message-expiration"),
    "lobbyState": ("lobby_state", (0, 1), "lobby"),
    "lobbyTimer": ("lobby_timer", None, "lobby-timer"),
    "sipEnabled": (None, (0,), "sip-enabled"),  # no SIP bridge configured on the fake
    "recordingConsent": (None, (0, 1), "recording-consent"),
    "mentionPermissions": ("mention_permissions", (0, 1), "mention-permissions"),
}
# participants key -> the kind add_member takes
PARTICIPANT_KINDS = {
    "users": "users",
    "groups": "groups",
    "emails": "emails",
    "teams": "circles",
    "federated_users": "federated_users",
    "phones": "phones",
}


def read_settings(ctx: Ctx, settings: dict[str, int | str]) -> str | None:
    """Fill ``settings`` from the request; the ``error`` of the first invalid one."""
    description = ctx.str_param("description").strip()
    if len(description) > ctx.profile.description_limit:
        return "description"
    if description:
        settings["description"] = description
    for key, (attribute, allowed, error) in SETTINGS.items():
        value = ctx.opt_int_param(key)
        if value is None:
            continue
        if (allowed is not None and value not in allowed) or value < 0:
            return error
        if attribute is not None:
            settings[attribute] = value
    permissions = ctx.opt_int_param("permissions")
    if permissions is not None and not 0 <= permissions <= 255:
        return "permissions"
    if permissions:  # stored with the custom bit, as permissions/default does (a guess)
        settings["default_permissions"] = permissions | 1
    participants = ctx.params.get("participants")
    if participants not in (None, "", []) and not isinstance(participants, dict):
        return "invite"
    return None


def apply_settings(room: Room, settings: dict[str, int | str]) -> None:
    for attribute, value in settings.items():
        setattr(room, attribute, value)
    if not room.lobby_state:
        room.lobby_timer = 0


def add_participants(ctx: Ctx, room: Room) -> dict[str, list[str]]:
    """Add ``participants`` ({type: [ids]}); the ones that could not be added, by type."""
    participants: Any = ctx.params.get("participants")
    if not isinstance(participants, dict):
        return {}
    invalid: dict[str, list[str]] = {}
    for key, values in participants.items():
        kind = PARTICIPANT_KINDS.get(str(key))
        for value in values if isinstance(values, list) else []:
            if kind is None or add_member(ctx, room, kind, str(value)) is not None:
                invalid.setdefault(str(key), []).append(str(value))
    if "emails" in participants and room.type == GROUP and _has_email(room):
        room.type = PUBLIC  # recorded: create-group-with-email-201.json answers type 3
    return invalid


def any_added(ctx: Ctx, invalid: dict[str, list[str]]) -> bool:
    """Whether any of the request's participants was valid (``invalid`` are the others)."""
    participants: Any = ctx.params.get("participants")
    given = sum(len(v) for v in participants.values() if isinstance(v, list))
    return given > sum(len(ids) for ids in invalid.values())


def _has_email(room: Room) -> bool:
    return any(a.actor_type == "emails" for a in room.attendees.values())
