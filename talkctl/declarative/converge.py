"""Converge conversations to a wanted state (``room ensure``, ``apply``): plan, then change
only what differs.

No typer, no rich: a plan is data (``Plan`` with its ``FieldChange`` list) that the command
layer renders or executes. Planning needs the listing of the user's conversations and sends
nothing; ``execute`` sends only the requests the plan lists, so a second run of the same
wish finds nothing to do and sends no changing request. Every setting comes from the one
table (talkctl/settings.py): how it is read from a conversation, compared, shown and sent.

Passwords cannot be read back (only ``hasPassword``): a wanted password is set when the
conversation is created or has none, and re-set only with ``rotate_password``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.capabilities import Capabilities
from talkctl.api.conversations import ConversationsApi
from talkctl.api.models import Conversation, ConversationType, type_name
from talkctl.declarative.creation import Creation, create
from talkctl.errors import Ambiguous, Candidate, UsageError
from talkctl.resolve import normalized
from talkctl.settings import (
    BY_KEY,
    NOTIFY,
    NOTIFY_SETTING,
    SETTINGS,
    FieldChange,
    Gate,
    Setting,
    check_available,
    check_password_rule,
)

CONVERGEABLE_TYPES = {"group": ConversationType.GROUP, "public": ConversationType.PUBLIC}
# what Talk strips from a name before storing it (PHP's trim()): a wanted name is compared so
_SERVER_TRIMS = " \t\n\r\0\x0b"
TRIMS = "the server removes white space around a name"
_RELATIVE_TIMES = {"lobby"}  # settings whose command line takes +2h: not a desired state


def stored_name(name: str) -> str:
    """``name`` as the server stores it (``"Trail "`` → ``"Trail"``)."""
    return name.strip(_SERVER_TRIMS)


def relative_time_problem(key: str, value: Any, switches: str = "true or false") -> str | None:
    """Why ``value`` (``"+2h"``) cannot be a desired ``key``: a time relative to each run
    would change something on every run."""
    if (
        key not in _RELATIVE_TIMES
        or not isinstance(value, str)
        or not value.strip().startswith("+")
    ):
        return None
    return (
        f"{key} {value.strip()!r} is relative to each run, so every run would change it: "
        f"give a date-time with its UTC offset (2026-12-24T18:00:00+01:00), {switches} "
        f"('talkctl room {key} CONV on --until +2h' takes a relative time)"
    )


NOTIFY_LEVELS: dict[str, int] = {k: v for k, v in NOTIFY.items() if not k.isdigit()}


def parse_notify(value: str | int) -> int:
    """``default|always|mention|never`` or 1-3 → 0-3 (the table's notify)."""
    if isinstance(value, int):
        try:
            return int(NOTIFY_SETTING.parse_file(value))
        except ValueError:
            pass
        raise UsageError(
            f"notification level must be default, always, mention, never or 1-3, not {value!r}"
        )
    return int(NOTIFY_SETTING.parse(value))


@dataclass(frozen=True)
class Wanted:
    """What a conversation should look like; a setting not in ``settings`` stays as it is.

    ``settings`` maps a setting's ``key`` (talkctl/settings.py, the apply-file key) to the
    value its ``parse`` / ``parse_file`` gives.
    """

    name: str
    type: int | None = None  # GROUP or PUBLIC; None: as it is (group when created)
    password: str | None = field(default=None, repr=False)
    rotate_password: bool = False
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [key for key in self.settings if key not in BY_KEY]
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        object.__setattr__(self, "settings", dict(self.settings))

    def wanted(self) -> list[tuple[Setting, Any]]:
        """The settings it names, in the table's order."""
        return [(s, self.settings[s.key]) for s in SETTINGS if s.key in self.settings]

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
        notify = self.settings.get("notify")
        if notify is not None and notify not in (0, 1, 2, 3):
            found.append(f"notification level must be 0-3, not {notify}")
        return found


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

    def requirements(self) -> list[Gate]:
        """The capabilities (the settings' gates) this plan needs, from the table."""
        gates = [s.gate for s, _ in self.wanted.wanted() if s.gate and s.name in self.fields]
        return list(dict.fromkeys(gates))

    def check(self, capabilities: Capabilities) -> None:
        """UnsupportedError (exit 6, nothing sent) for a setting this plan changes that the
        server's capabilities or configuration do not offer (no recording server, ...)."""
        for setting, value in self.wanted.wanted():
            if setting.name in self.fields:
                check_available(setting, capabilities, value)


def refuse_unmanaged(conversation: Conversation) -> None:
    """Exit 6 for a conversation ``export`` skips (one-to-one, note-to-self, bound to an
    object...): converging it would rename or empty what Talk manages itself."""
    from talkctl.api.errors import UnsupportedError
    from talkctl.declarative.export import skip_reason

    reason = skip_reason(conversation, moderated_only=False)
    if reason is not None:
        raise UnsupportedError(
            f"{conversation.token} {conversation.display_name!r} cannot be managed here: "
            f"{reason}; nothing was changed",
            "manageable",
        )


def find_existing(name: str, conversations: Sequence[Conversation]) -> Conversation | None:
    """The group or public conversation of exactly this name (compared after NFC, as every
    command compares names: resolve.normalized); several → exit 8."""
    wanted = normalized(name)
    matches = [
        c
        for c in conversations
        if c.type in (ConversationType.GROUP, ConversationType.PUBLIC)
        and wanted in (normalized(c.name), normalized(c.display_name))
    ]
    if len(matches) > 1:
        candidates = [Candidate(c.token, c.display_name, c.type_name) for c in matches]
        raise Ambiguous("conversation", name, candidates, advice="rename or delete all but one")
    return matches[0] if matches else None


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
    for setting, value in wanted.wanted():
        target = setting.effective(value, room_type)
        before = setting.read(current)
        if before != target:
            changes.append(FieldChange(setting.name, setting.show(before), setting.show(target)))
    return changes


def new_conversation(wanted: Wanted) -> Conversation:
    """What a freshly created conversation looks like, to plan what the create sets."""
    room_type = wanted.type or ConversationType.GROUP
    return Conversation(
        {
            "name": wanted.name,
            "displayName": wanted.name,
            "type": room_type,
            "hasPassword": wanted.password is not None,
        }
    )


def plan_for(
    wanted: Wanted, conversations: Sequence[Conversation], *, force_passwords: bool = False
) -> Plan:
    """What converging ``wanted`` would change; raises UsageError/AmbiguousConversation."""
    problems = wanted.problems()
    if problems:
        raise UsageError(f"{wanted.name!r}: {'; '.join(problems)}")
    current = find_existing(wanted.name, conversations)
    if current is not None:
        refuse_unmanaged(current)
    what = repr(wanted.name)
    if current is None:
        room_type = wanted.type or ConversationType.GROUP
        check_password_rule(room_type, wanted.password, force_passwords=force_passwords, what=what)
        changes = [FieldChange("type", None, type_name(room_type))]
        if wanted.password is not None:
            changes.append(FieldChange("password", None, "set"))
        fresh = new_conversation(wanted)
        for setting, value in wanted.wanted():
            target = setting.effective(value, room_type)
            if not _default(setting, target, fresh):
                changes.append(FieldChange(setting.name, None, setting.show(target)))
        return Plan(wanted, None, changes)
    changes = diff(wanted, current)
    if any(c.field == "type" and c.after == "public" for c in changes):
        check_password_rule(
            ConversationType.PUBLIC, wanted.password, force_passwords=force_passwords, what=what
        )
    return Plan(wanted, current, changes)


def _default(setting: Setting, value: Any, fresh: Conversation) -> bool:
    """Whether a new conversation already has ``value`` (nothing to send for it)."""
    return bool(setting.read(fresh) == value)


@dataclass
class Outcome:
    """What converging one conversation did."""

    plan: Plan
    conversation: Conversation | None  # after the change; None when the server sent none
    token: str
    invalid_participants: dict[str, list[str]] = field(default_factory=dict)

    @property
    def result(self) -> str:
        return {"create": "created", "update": "updated", "unchanged": "unchanged"}[
            self.plan.action
        ]


def execute(api: ConversationsApi, plan: Plan) -> Outcome:
    """Send the requests ``plan`` lists (none when it is unchanged)."""
    wanted = plan.wanted
    if plan.current is None:
        room_type = wanted.type or ConversationType.GROUP
        settings = {s.key: s.effective(v, room_type) for s, v in wanted.wanted()}
        creation = Creation(room_type, wanted.name, password=wanted.password, settings=settings)
        made = create(api, creation)
        return Outcome(plan, made.conversation, made.conversation.token, made.invalid)
    current = plan.current
    token = current.token
    latest: Conversation | None = current
    password_set = False
    room_type = current.type
    for change in plan.changes:
        if change.field == "type" and change.after == "public":
            if wanted.password is None:
                latest = api.make_public(token)
            else:
                latest, password_set = api.publish_with_password(token, wanted.password), True
            room_type = ConversationType.PUBLIC
        elif change.field == "type":
            latest = api.make_private(token)
            room_type = ConversationType.GROUP
        elif change.field == "password":
            if not password_set:
                assert wanted.password is not None
                latest = api.set_password(token, wanted.password)
        else:
            setting = next(s for s in SETTINGS if s.name == change.field)
            value = setting.effective(wanted.settings[setting.key], room_type)
            latest = setting.send(api, token, value)
    return Outcome(plan, latest, token)
