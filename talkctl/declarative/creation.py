"""Creating a conversation with its settings and invitees (``room create``, ``ensure``,
``apply``), never leaving half of it behind.

Where the server has ``conversation-creation-all`` (Talk 21.1+) everything the room holds
goes with ``POST /room`` (one request). Elsewhere the conversation is created, then each
setting is sent in turn; when a step fails (a refusal, a dropped connection, Ctrl-C) the
half-made conversation is deleted and the error names the step and the server's reason,
keeping the step's exit code. Invitees are different: a conversation is kept when some could
not be added (as the server does with its 202), and they are returned in ``invalid`` (Ctrl-C
while inviting undoes it as in a setting's step). The creator's own preferences (favorite,
notify, archived) follow the create; their failures, and a Ctrl-C among them (the rest are
not sent), are returned in ``followups`` without undoing anything. No typer, no rich.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError, StepFailed
from talkctl.api.kinds import BY_KEY as BY_KIND_KEY
from talkctl.api.models import Conversation, ConversationType
from talkctl.declarative.addresses import check_addresses
from talkctl.errors import InContext, TalkctlError
from talkctl.settings import BY_KEY, SETTINGS


@dataclass
class Creation:
    """A conversation to create: type, name, password, settings by key, invitees by kind."""

    room_type: int
    name: str
    password: str | None = field(default=None, repr=False)
    settings: Mapping[str, Any] = field(default_factory=dict)  # effective values by key
    participants: Mapping[str, list[str]] = field(default_factory=dict)

    def room_settings(self) -> list[tuple[str, Any]]:
        return [(s.key, self.settings[s.key]) for s in SETTINGS if s.key in self.settings]


@dataclass
class Created:
    conversation: Conversation
    invalid: dict[str, list[str]] = field(default_factory=dict)  # invitees not added, by kind
    followups: list[tuple[str, BaseException]] = field(default_factory=list)


def steps(api: ConversationsApi, creation: Creation) -> list[str]:
    """What ``create`` would send, in order (for ``--dry-run``)."""
    check_addresses("emails", creation.participants.get("emails", ()))
    room = [k for k, _ in creation.room_settings() if not BY_KEY[k].personal]
    invitees = [f"{kind} {', '.join(ids)}" for kind, ids in creation.participants.items() if ids]
    one_go = api.capabilities.has("conversation-creation-all") and bool(room or invitees)
    password = creation.password is not None
    if one_go:
        what = ["the name", *(BY_KEY[k].name for k in room)]
        what += ["the password"] if password else []
        what += [f"invite {i}" for i in invitees]
        found = [f"create with {', '.join(what)} (one request)"]
    else:
        with_pw = password and api.capabilities.has("conversation-creation-password")
        found = ["create" + (" with the password" if with_pw else "")]
        found += ["set the password"] if password and not with_pw else []
        found += [f"set {BY_KEY[k].name}" for k in room]
        found += [f"invite {i}" for i in invitees]
    personal = [BY_KEY[k] for k, _ in creation.room_settings() if BY_KEY[k].personal]
    found += [f"then set {s.name} (yours)" for s in personal]
    return found


def create(api: ConversationsApi, creation: Creation) -> Created:
    """Create the conversation as described (see the module docstring)."""
    check_addresses("emails", creation.participants.get("emails", ()))  # before any request
    room = [(BY_KEY[k], v) for k, v in creation.room_settings() if not BY_KEY[k].personal]
    personal = [(BY_KEY[k], v) for k, v in creation.room_settings() if BY_KEY[k].personal]
    extra = bool(room) or any(creation.participants.values())
    if extra and api.capabilities.has("conversation-creation-all"):
        fields: dict[str, Any] = {}
        for setting, value in room:
            assert setting.create_field is not None
            fields |= setting.create_field(value)
        participants = {k: list(v) for k, v in creation.participants.items() if v}
        try:
            conversation, invalid = api.create_with_settings(
                creation.room_type,
                creation.name,
                fields,
                participants=participants,
                password=creation.password,
            )
        except ApiError as exc:
            if exc.status == 404 and exc.error == "invite" and participants:
                raise unknown_invitees(participants, exc) from exc
            raise
        made = Created(conversation, invalid)
    else:
        made = _step_by_step(api, creation, room)
    token = made.conversation.token
    for setting, value in personal:
        try:
            made.conversation = setting.send(api, token, value) or made.conversation
        except TalkctlError as exc:
            made.followups.append((setting.name, exc))
        except KeyboardInterrupt as exc:  # it exists: say so (its token), send no more
            made.followups.append((setting.name, exc))
            break
    return made


def _step_by_step(api: ConversationsApi, creation: Creation, room: list[Any]) -> Created:
    if creation.password is not None:
        conversation, _ = api.create_with_password(
            creation.room_type, creation.password, name=creation.name
        )
    else:
        conversation, _ = api.create(creation.room_type, name=creation.name)
    token = conversation.token
    latest = conversation
    for setting, value in room:
        try:
            latest = setting.send(api, token, value) or latest
        except (TalkctlError, KeyboardInterrupt) as exc:
            raise undo_create(api, token, setting.name, exc) from exc
    made = Created(latest)
    for kind, ids in creation.participants.items():
        for actor in ids:
            try:
                api.invite(token, actor, kind)
            except ApiError as exc:
                if exc.status not in (400, 404):
                    raise
                made.invalid.setdefault(kind, []).append(actor)
            except KeyboardInterrupt as exc:  # a step like the settings: undone
                raise undo_create(api, token, "invite", exc) from exc
    if made.invalid == {} and creation.participants.get("emails"):
        made.conversation = api.get(token)  # an e-mail invitee made it public
    return made


def unknown_invitees(participants: Mapping[str, Sequence[str]], cause: ApiError) -> InContext:
    """A create answered 404 ``invite``: none of the invitees exists, and Talk created
    nothing (recorded: x-create-json-unknown-group-only-404); one invalid among valid ones
    is a 202 naming it instead."""
    named = [
        f"{BY_KIND_KEY[kind].label if kind in BY_KIND_KEY else kind} {actor!r}"
        for kind, ids in participants.items()
        for actor in ids
    ]
    missing = (
        f"{named[0]} does not exist"
        if len(named) == 1
        else (f"none of the invitees exists ({', '.join(named)})")
    )
    return InContext(f"{missing} on the server: nothing was created", cause)


def undo_create(api: ConversationsApi, token: str, step: str, exc: BaseException) -> StepFailed:
    """Delete the half-made conversation ``token``; the error says what happened."""
    try:
        api.delete(token)
    except (TalkctlError, KeyboardInterrupt):
        return StepFailed(exc, token=token, step=step, undo="delete", undone=False)
    return StepFailed(exc, token=token, step=step, undo="delete", undone=True)


def is_group_turned_public(creation: Creation) -> bool:
    """Inviting an e-mail address makes a group conversation public on the server."""
    return creation.room_type == ConversationType.GROUP and bool(
        creation.participants.get("emails")
    )
