"""Converge conversations to a wanted state (``room ensure``, ``apply``): plan, then change
only what differs.

No typer, no rich: a plan is data (``Plan`` with its ``FieldChange`` list) that the command
layer renders or executes. Planning needs the listing of the user's conversations and sends
nothing; ``execute`` sends only the requests the plan lists, so a second run of the same
wish finds nothing to do and sends no changing request.

Passwords cannot be read back (only ``hasPassword``): a wanted password is set when the
conversation is created or has none, and re-set only with ``rotate_password``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from talkctl.api.conversations import ConversationsApi
from talkctl.api.models import (
    NOTIFICATION_LEVEL_NAMES,
    Conversation,
    ConversationType,
    default_notification_level,
    level_name,
    type_name,
)
from talkctl.errors import Ambiguous, Candidate, UsageError

CONVERGEABLE_TYPES = {"group": ConversationType.GROUP, "public": ConversationType.PUBLIC}
# "default" (0) is sent as the type's default: Talk refuses level 0 over the API
NOTIFY_LEVELS: dict[str, int] = {name: level for level, name in NOTIFICATION_LEVEL_NAMES.items()}


def parse_notify(value: str | int) -> int:
    """``default|always|mention|never`` or 1-3 → 0-3."""
    if isinstance(value, int) and not isinstance(value, bool) and value in (1, 2, 3):
        return value
    if isinstance(value, str) and value in NOTIFY_LEVELS:
        return NOTIFY_LEVELS[value]
    if isinstance(value, str) and value in ("1", "2", "3"):
        return int(value)
    raise UsageError(
        f"notification level must be default, always, mention, never or 1-3, not {value!r}"
    )


@dataclass(frozen=True)
class Wanted:
    """What a conversation should look like; ``None`` leaves a setting as it is."""

    name: str
    type: int | None = None  # GROUP or PUBLIC; None: as it is (group when created)
    description: str | None = None
    read_only: bool | None = None
    password: str | None = field(default=None, repr=False)
    rotate_password: bool = False
    favorite: bool | None = None
    notify: int | None = None  # 0 = the type's default, else 1-3

    def problems(self) -> list[str]:
        """What is wrong with the wish itself (checked before any request)."""
        found: list[str] = []
        if not self.name.strip():
            found.append("the name must not be empty or only white space")
        if self.type not in (None, ConversationType.GROUP, ConversationType.PUBLIC):
            found.append(f"type must be group or public, not {type_name(self.type)}")
        if self.password is not None and self.type == ConversationType.GROUP:
            found.append("a password needs a public conversation (a group one cannot have one)")
        if self.password is not None and not self.password:
            found.append("the password must not be empty")
        if self.rotate_password and self.password is None:
            found.append("rotating the password needs a password")
        if self.notify is not None and self.notify not in (0, 1, 2, 3):
            found.append(f"notification level must be 0-3, not {self.notify}")
        return found


@dataclass(frozen=True)
class FieldChange:
    field: str  # type, password, description, read-only, favorite, notify
    before: str
    after: str


@dataclass
class Plan:
    wanted: Wanted
    current: Conversation | None  # None: the conversation is created
    changes: list[FieldChange]

    @property
    def action(self) -> str:
        if self.current is None:
            return "create"
        return "update" if self.changes else "unchanged"

    @property
    def fields(self) -> list[str]:
        return [change.field for change in self.changes]

    @property
    def token(self) -> str | None:
        return self.current.token if self.current is not None else None

    def requirements(self) -> list[str]:
        """The gated operations (ConversationsApi.GATES) this plan needs."""
        gates = {"description": "description", "read-only": "read-only"}
        gates |= {"favorite": "favorite", "notify": "notify"}
        return [gates[f] for f in self.fields if f in gates]


def find_existing(name: str, conversations: Sequence[Conversation]) -> Conversation | None:
    """The group or public conversation of exactly this name; several → exit 8."""
    matches = [
        c
        for c in conversations
        if c.type in (ConversationType.GROUP, ConversationType.PUBLIC)
        and name in (c.name, c.display_name)
    ]
    if len(matches) > 1:
        candidates = [Candidate(c.token, c.display_name, c.type_name) for c in matches]
        raise Ambiguous("conversation", name, candidates, advice="rename or delete all but one")
    return matches[0] if matches else None


def _text(value: str) -> str:
    return repr(value)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _on(value: bool) -> str:
    return "on" if value else "off"


def diff(wanted: Wanted, current: Conversation, *, created: bool = False) -> list[FieldChange]:
    """The settings of ``current`` that differ from ``wanted`` (type and password included
    unless ``created``: a new conversation got both at creation)."""
    changes: list[FieldChange] = []
    room_type = current.type
    retyped = not created and wanted.type is not None and wanted.type != current.type
    if retyped and wanted.type is not None:
        changes.append(FieldChange("type", current.type_name, type_name(wanted.type)))
        room_type = wanted.type
    if wanted.password is not None and not created:
        if room_type != ConversationType.PUBLIC:
            raise UsageError(
                f"{current.display_name!r} is a {type_name(room_type)} conversation: "
                "a password needs a public one (set the type to public)"
            )
        if not current.has_password or retyped:
            changes.append(FieldChange("password", "none", "set"))
        elif wanted.rotate_password:
            changes.append(FieldChange("password", "set", "new"))
    if wanted.description is not None and wanted.description != current.description:
        changes.append(
            FieldChange("description", _text(current.description), _text(wanted.description))
        )
    if wanted.read_only is not None and wanted.read_only != current.read_only:
        changes.append(FieldChange("read-only", _on(current.read_only), _on(wanted.read_only)))
    if wanted.favorite is not None and wanted.favorite != current.is_favorite:
        changes.append(FieldChange("favorite", _yes(current.is_favorite), _yes(wanted.favorite)))
    if wanted.notify is not None:
        target = wanted.notify or default_notification_level(room_type)
        before = current.notification_level or default_notification_level(current.type)
        if before != target:
            changes.append(FieldChange("notify", level_name(before), level_name(target)))
    return changes


def _new_conversation(wanted: Wanted) -> Conversation:
    """What a freshly created conversation looks like, to plan the changes after creating."""
    room_type = wanted.type or ConversationType.GROUP
    return Conversation(
        {
            "name": wanted.name,
            "displayName": wanted.name,
            "type": room_type,
            "description": "",
            "readOnly": 0,
            "isFavorite": False,
            "notificationLevel": default_notification_level(room_type),
            "hasPassword": wanted.password is not None,
        }
    )


def plan_for(
    wanted: Wanted, conversations: Sequence[Conversation], *, force_passwords: bool = False
) -> Plan:
    """What converging ``wanted`` would change; raises UsageError/Ambiguous."""
    problems = wanted.problems()
    if problems:
        raise UsageError(f"{wanted.name!r}: {'; '.join(problems)}")
    current = find_existing(wanted.name, conversations)
    if current is None:
        room_type = wanted.type or ConversationType.GROUP
        if wanted.password is not None and room_type != ConversationType.PUBLIC:
            raise UsageError(
                f"{wanted.name!r}: a password needs a public conversation (set the type to public)"
            )
        if room_type == ConversationType.PUBLIC and wanted.password is None and force_passwords:
            raise UsageError(
                f"{wanted.name!r}: this server requires a password for public conversations"
            )
        changes = [FieldChange("type", "", type_name(room_type))]
        if wanted.password is not None:
            changes.append(FieldChange("password", "none", "set"))
        changes += diff(wanted, _new_conversation(wanted), created=True)
        return Plan(wanted, None, changes)
    changes = diff(wanted, current)
    publishing = any(c.field == "type" and c.after == "public" for c in changes)
    if publishing and wanted.password is None and force_passwords:
        raise UsageError(
            f"{wanted.name!r}: this server requires a password for public conversations"
        )
    return Plan(wanted, current, changes)


@dataclass
class Outcome:
    """What converging one conversation did."""

    plan: Plan
    conversation: Conversation | None  # after the change; None when the server sent none
    token: str

    @property
    def result(self) -> str:
        return {"create": "created", "update": "updated", "unchanged": "unchanged"}[
            self.plan.action
        ]


def execute(api: ConversationsApi, plan: Plan) -> Outcome:
    """Send the requests ``plan`` lists (none when it is unchanged)."""
    wanted = plan.wanted
    if plan.current is None:
        return _create(api, plan)
    current = plan.current
    token = current.token
    latest: Conversation | None = current
    password_set = False
    for change in plan.changes:
        if change.field == "type" and change.after == "public":
            latest, password_set = _publish(api, token, wanted.password)
        elif change.field == "type":
            latest = api.make_private(token)
        elif change.field == "password" and not password_set:
            assert wanted.password is not None
            latest = api.set_password(token, wanted.password)
        elif change.field != "password":
            latest = _apply_setting(api, token, change.field, wanted, current.type)
    return Outcome(plan, latest, token)


def _create(api: ConversationsApi, plan: Plan) -> Outcome:
    wanted = plan.wanted
    room_type = wanted.type or ConversationType.GROUP
    password = wanted.password
    if password is None:
        conversation, _ = api.create(room_type, name=wanted.name)
    else:
        conversation, _ = api.create_with_password(room_type, password, name=wanted.name)
    token = conversation.token
    latest: Conversation | None = conversation
    for change in diff(wanted, conversation, created=True):
        latest = _apply_setting(api, token, change.field, wanted, room_type)
    return Outcome(plan, latest, token)


def _publish(
    api: ConversationsApi, token: str, password: str | None
) -> tuple[Conversation | None, bool]:
    """Make public (with the password when given); returns the state and whether the
    password is set. Without ``conversation-creation-password`` the password follows the
    publish, which is undone if the password is refused."""
    if password is None:
        return api.make_public(token), False
    return api.publish_with_password(token, password), True


def _apply_setting(
    api: ConversationsApi, token: str, name: str, wanted: Wanted, room_type: int
) -> Conversation | None:
    if name == "description":
        assert wanted.description is not None
        return api.set_description(token, wanted.description)
    if name == "read-only":
        return api.set_read_only(token, bool(wanted.read_only))
    if name == "favorite":
        return api.set_favorite(token, bool(wanted.favorite))
    if name == "notify":
        level = wanted.notify or default_notification_level(
            wanted.type if wanted.type is not None else room_type
        )
        return api.set_notification_level(token, level)
    raise AssertionError(f"unknown setting {name}")  # pragma: no cover
