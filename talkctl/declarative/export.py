"""``talkctl export``: today's conversations as an apply file.

Writes every setting the server reports, the participants and the moderators, so that
``talkctl apply FILE --dry-run`` on the written file reports every conversation unchanged.
Never writes ``exclusive`` (the intent cannot be known). Conversations an apply file cannot
manage (one-to-one, note-to-self, changelog, bound to an object) are skipped with a comment
saying why. No typer, no rich.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tomli_w

from talkctl.api.models import Conversation, ConversationType
from talkctl.declarative.membership import KINDS, MODERATOR_TYPES, Attendee
from talkctl.settings import SETTINGS, Setting
from talkctl.settings.permissions import permission_names

HEADER = (
    "# Conversations as code: written by 'talkctl export'.\n"
    "# Check with 'talkctl apply FILE --dry-run' (it reports every conversation unchanged),\n"
    "# then edit and apply. This file holds user ids and e-mail addresses: keep it private.\n"
)
_UNMANAGED: dict[int, str] = {
    ConversationType.ONE_TO_ONE: "a one-to-one conversation",
    ConversationType.FORMER_ONE_TO_ONE: "a former one-to-one conversation",
    ConversationType.NOTE_TO_SELF: "your note-to-self conversation",
    ConversationType.CHANGELOG: "the changelog conversation",
}


def skip_reason(conversation: Conversation, *, moderated_only: bool) -> str | None:
    """Why ``conversation`` is not exported (None: it is)."""
    if conversation.type in _UNMANAGED:
        return f"{_UNMANAGED[conversation.type]}: apply manages group and public ones only"
    if conversation.type not in (ConversationType.GROUP, ConversationType.PUBLIC):
        return f"a conversation of type {conversation.type_name}"
    if conversation.object_type:
        parts = (conversation.object_type, str(conversation.raw.get("objectId") or ""))
        bound = " ".join(_plain(part) for part in parts if part)
        return f"bound to {bound}: Talk manages it with its object"
    if moderated_only and conversation.participant_type not in MODERATOR_TYPES:
        return "you do not moderate it"
    return None


def _plain(text: str) -> str:
    """The server's ``text`` as is, or quoted when it holds a line break or another control
    character (it ends up in a comment of the written file, and in messages)."""
    return text if text.isprintable() else json.dumps(text, ensure_ascii=False)


def settings_of(conversation: Conversation) -> dict[str, Any]:
    """Every setting the server reports (the one table's ``reported_as``; one it does not
    report is not written), as an apply file writes it (its ``read`` and ``to_file``); a
    value the file cannot take back (a newer Talk's ``listable``) is left out: ``unknown``."""
    return {setting.key: value for setting, value, known in _reported(conversation) if known}


def unknown(conversation: Conversation) -> list[str]:
    """Comments for the settings ``settings_of`` leaves out: their value, and why."""
    return [
        f"# {setting.key}: the server reports {_plain(str(conversation.raw[setting.reported_as]))}"
        ", which talkctl does not know: left out (apply leaves it as it is)\n"
        for setting, _, known in _reported(conversation)
        if not known
    ]


def _reported(conversation: Conversation) -> Iterator[tuple[Setting, Any, bool]]:
    """Each setting the server reports: its value as a file writes it, and whether the file
    reads it back (``parse_file``)."""
    for setting in SETTINGS:
        if setting.reported_as in conversation.raw:
            value = setting.to_file(setting.read(conversation))
            try:
                setting.parse_file(value)
            except ValueError:
                yield setting, value, False
            else:
                yield setting, value, True


@dataclass
class Exported:
    """One conversation to write: with its participants (None: not exported)."""

    conversation: Conversation
    participants: Sequence[Mapping[str, Any]] | None = None
    bots: Sequence[str] | None = None  # the bots enabled there (None: not exported)


@dataclass
class Skipped:
    conversation: Conversation
    reason: str


def _line(key: str, value: Any) -> str:
    return tomli_w.dumps({key: value})


def password_variable(conversation: Conversation, *, clashes: bool = False) -> str:
    """A variable name for the password: TALK_PASSWORD_<NAME>, or the token if no name;
    ``clashes`` (another exported name makes the same variable): with the token after it."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", conversation.name).strip("_").upper()
    if slug and clashes:
        return f"TALK_PASSWORD_{slug}_{conversation.token.upper()}"
    return f"TALK_PASSWORD_{slug or conversation.token.upper()}"


def _clashing(exported: Sequence[Exported]) -> set[str]:
    """The tokens of protected conversations whose variable another one would share."""
    by_variable: dict[str, list[str]] = {}
    for item in exported:
        if item.conversation.has_password:
            variable = password_variable(item.conversation)
            by_variable.setdefault(variable, []).append(item.conversation.token)
    return {token for tokens in by_variable.values() if len(tokens) > 1 for token in tokens}


def conversation_table(item: Exported, *, clashes: bool = False) -> str:
    conversation = item.conversation
    parts = ["[[conversation]]\n", _line("name", conversation.name)]
    parts.append(_line("token", conversation.token))
    parts.append(_line("type", conversation.type_name))
    for key, value in settings_of(conversation).items():
        parts.append(_line(key, value))
    parts.extend(unknown(conversation))
    if conversation.has_password:
        parts.append(
            "# The password cannot be read back: to manage it, set this variable and uncomment.\n"
            f"# {_line('password_env', password_variable(conversation, clashes=clashes))}"
        )
    if item.bots is not None:
        parts.append(_line("bots", list(item.bots)))
    if item.participants is not None:
        attendees = [Attendee.of(raw) for raw in item.participants]
        moderators = [a.actor_id for a in attendees if a.kind == "users" and a.is_moderator]
        parts.append(_line("moderators", sorted(moderators)))
        parts.append("\n[conversation.participants]\n")
        for kind in KINDS:
            ids = sorted({a.actor_id for a in attendees if a.kind == kind})
            if ids or kind == "users":
                parts.append(_line(kind, ids))
        own = _own_permissions(item.participants)
        if own:
            parts.append("\n[conversation.participant_permissions]\n")
            parts.extend(_line(who, names) for who, names in own.items())
    return "".join(parts)


def _own_permissions(participants: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Users and e-mail invitees (not moderators) with permissions of their own
    (``attendeePermissions`` not 0), by id, as the file writes them (names)."""
    found: dict[str, str] = {}
    for raw in participants:
        attendee = Attendee.of(raw)
        bits = raw.get("attendeePermissions")
        if attendee.kind not in ("users", "emails") or attendee.is_moderator:
            continue
        if isinstance(bits, int) and not isinstance(bits, bool) and bits:
            found[attendee.actor_id] = permission_names(bits)
    return dict(sorted(found.items()))


def _comment(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render(exported: Iterable[Exported], skipped: Iterable[Skipped]) -> str:
    """The whole file: header, one table per conversation, then what was skipped and why."""
    chunks = [HEADER]
    items = list(exported)
    clashing = _clashing(items)
    for item in items:
        chunks.append("\n" + conversation_table(item, clashes=item.conversation.token in clashing))
    if not items:  # still a file apply takes (nothing to do): the round trip holds
        chunks.append("\n# No conversation to write (tables replace the next line).\n")
        chunks.append("conversation = []\n")
    notes = [
        f"# skipped {_comment(s.conversation.display_name)} ({_plain(s.conversation.token)}): "
        f"{s.reason}\n"
        for s in skipped
    ]
    if notes:
        chunks.append("\n" + "".join(notes))
    return "".join(chunks)
