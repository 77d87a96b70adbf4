"""The one table of audit rules. A rule sees one conversation (its listing object) and,
when it says it needs them, its participants; it answers a message (a finding) or None.

A rule's ``fix`` names the apply-file key (the settings table's key, talkctl/settings) and
the value that fixes a finding; rules that no setting fixes have none. No typer, no rich.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.kinds import OWNER
from talkctl.api.models import Conversation, ConversationType
from talkctl.api.participants import Participant
from talkctl.errors import UsageError
from talkctl.resolve import normalized
from talkctl.settings import parse_duration, shortest_duration

SEVERITIES = ("error", "warning", "info")
PARTICIPANTS = "participants"  # a read a rule may need
USER_DEFAULT_PERMISSIONS = 246  # what 0 means for users on Talk 22 (constants.md)
CUSTOM_BIT = 1  # "custom permissions set": no permission itself
DAY = 86400


@dataclass(frozen=True)
class Facts:
    """What a rule may look at for one conversation."""

    conversation: Conversation
    participants: Sequence[Participant] | None  # None: not read (no enabled rule needs them)
    now: int
    recording_consent_optional: bool  # the server lets conversations choose
    # moderator user id -> still an enabled user (None: not checked); None: no user reads
    enabled: Mapping[str, bool | None] | None = None


Check = Callable[[Facts, Mapping[str, Any]], "str | None"]


@dataclass(frozen=True)
class Fix:
    key: str  # the apply-file key: a setting's (talkctl/settings), or password_env
    value: Callable[[Conversation, Mapping[str, Any]], Any]  # its command-line value


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str  # what it checks, one line (help, README)
    check: Check
    params: Mapping[str, Any] = field(default_factory=dict)  # name -> default
    needs: frozenset[str] = frozenset()
    fix: Fix | None = None
    builtin: bool = True  # runs without a policy file
    field: str | None = None  # the conversation field it needs (absent: "not checked")


def _public(f: Facts) -> bool:
    return f.conversation.type == ConversationType.PUBLIC


def _int(f: Facts, key: str) -> int | None:
    value = f.conversation.raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def public_without_password(f: Facts, p: Mapping[str, Any]) -> str | None:
    if _public(f) and not f.conversation.has_password:
        return "public conversation without a password"
    return None


def public_without_lobby(f: Facts, p: Mapping[str, Any]) -> str | None:
    if _public(f) and _int(f, "lobbyState") == 0:
        return "public conversation without the lobby"
    return None


def listable_to_everyone(f: Facts, p: Mapping[str, Any]) -> str | None:
    if _int(f, "listable") == 2:
        return "listable to everyone, guest app users included"
    return None


def message_expiration(f: Facts, p: Mapping[str, Any]) -> str | None:
    seconds = _int(f, "messageExpiration") or 0
    limit = int(p["max"])
    if seconds == 0:
        return f"messages never expire (at most {shortest_duration(limit)} allowed)"
    if seconds > limit:
        return (
            f"messages expire after {shortest_duration(seconds)} "
            f"(at most {shortest_duration(limit)} allowed)"
        )
    return None


def inactive(f: Facts, p: Mapping[str, Any]) -> str | None:
    last = f.conversation.last_activity
    days = int(p["days"])
    if last and f.now - last > days * DAY:
        return f"inactive for {(f.now - last) // DAY} days (more than {days})"
    return None


def moderators(f: Facts, p: Mapping[str, Any]) -> str | None:
    assert f.participants is not None
    count = sum(
        1
        for person in f.participants
        if person.is_moderator and person.participant_type != OWNER and person.kind == "user"
    )
    wanted = int(p["min"])
    if count < wanted:
        return f"{count} moderator(s) besides the owner (at least {wanted} wanted)"
    if f.enabled:
        known = [f.enabled.get(m) for m in moderator_ids(f.participants)]
        if known and all(state is False for state in known):
            return "no moderator is still an enabled user"
    return None


def moderator_ids(participants: Sequence[Participant]) -> list[str]:
    """The user ids of the owner and moderators (whose accounts the rule may check)."""
    return [p.actor_id for p in participants if p.is_moderator and p.kind == "user"]


def mention_all(f: Facts, p: Mapping[str, Any]) -> str | None:
    assert f.participants is not None
    size, limit = len(f.participants), int(p["participants"])
    if _int(f, "mentionPermissions") == 0 and size >= limit:
        return f"everyone may mention @all among {size} participants ({limit} or more)"
    return None


def recording_consent(f: Facts, p: Mapping[str, Any]) -> str | None:
    if f.recording_consent_optional and _int(f, "recordingConsent") == 0:
        return "recording consent is off"
    return None


def email_domains(f: Facts, p: Mapping[str, Any]) -> str | None:
    assert f.participants is not None
    allowed = {str(d).lower().lstrip("@") for d in p["allowed"]}
    outside = sorted(
        person.match_id
        for person in f.participants
        if person.actor_type == "emails"
        and person.match_id.rpartition("@")[2].lower() not in allowed
    )
    if outside:
        return f"e-mail invitees outside the allowed domains: {', '.join(outside)}"
    return None


def name_pattern(f: Facts, p: Mapping[str, Any]) -> str | None:
    pattern = str(p["pattern"])
    if pattern and re.fullmatch(pattern, f.conversation.name) is None:
        return f"the name does not match {pattern!r}"
    return None


def default_permissions(f: Facts, p: Mapping[str, Any]) -> str | None:
    value = _int(f, "defaultPermissions")
    if value is None:
        return None
    from talkctl.settings.permissions import permission_names

    effective = _effective_default(value)
    allowed = int(p["max"]) & ~CUSTOM_BIT
    extra = effective & ~allowed
    if extra:
        return (
            f"default permissions {permission_names(effective)} go beyond "
            f"{permission_names(allowed)} (also {permission_names(extra)})"
        )
    return None


def allowed_defaults(conversation: Conversation, p: Mapping[str, Any]) -> str:
    """The default permissions a fix sets: today's, less what goes beyond ``max``."""
    from talkctl.settings.permissions import permission_names

    raw = conversation.raw.get("defaultPermissions")
    today = _effective_default(raw if isinstance(raw, int) and not isinstance(raw, bool) else 0)
    return permission_names(today & int(p["max"]) & ~CUSTOM_BIT)


def _effective_default(value: int) -> int:
    """A conversation's default permissions as they apply (0: the server's, 246), no custom bit."""
    return (value or USER_DEFAULT_PERMISSIONS) & ~CUSTOM_BIT


RULES: tuple[Rule, ...] = (
    Rule(
        "public-without-password",
        "error",
        "a public conversation without a password",
        public_without_password,
        fix=Fix("password_env", lambda c, p: password_variable(c)),
    ),
    Rule(
        "public-without-lobby",
        "warning",
        "a public conversation without the lobby",
        public_without_lobby,
        fix=Fix("lobby", lambda c, p: "on"),
        field="lobbyState",
    ),
    Rule(
        "listable-to-everyone",
        "warning",
        "listable to everyone (guest app users included)",
        listable_to_everyone,
        fix=Fix("listable", lambda c, p: "users"),
        field="listable",
    ),
    Rule(
        "message-expiration",
        "warning",
        "message expiration missing or longer than max (a duration: 30d, 4w)",
        message_expiration,
        params={"max": "4w"},
        fix=Fix("message_expiration", lambda c, p: shortest_duration(int(p["max"]))),
        builtin=False,
        field="messageExpiration",
    ),
    Rule(
        "inactive",
        "info",
        "no activity for more than days",
        inactive,
        params={"days": 365},
    ),
    Rule(
        "moderators",
        "warning",
        "fewer than min moderators besides the owner",
        moderators,
        params={"min": 1},
        needs=frozenset({PARTICIPANTS}),
    ),
    Rule(
        "mention-all",
        "warning",
        "everyone may mention @all in a conversation of participants or more",
        mention_all,
        params={"participants": 50},
        needs=frozenset({PARTICIPANTS}),
        fix=Fix("mention_permissions", lambda c, p: "moderators"),
        field="mentionPermissions",
    ),
    Rule(
        "recording-consent",
        "info",
        "recording consent off where the server lets conversations choose",
        recording_consent,
        fix=Fix("recording_consent", lambda c, p: "on"),
        field="recordingConsent",
    ),
    Rule(
        "email-domains",
        "warning",
        "e-mail invitees outside the allowed domains",
        email_domains,
        params={"allowed": []},
        needs=frozenset({PARTICIPANTS}),
        builtin=False,
    ),
    Rule(
        "name-pattern",
        "info",
        "a name that does not match pattern (a regular expression)",
        name_pattern,
        params={"pattern": ""},
        builtin=False,
    ),
    Rule(
        "default-permissions",
        "warning",
        "default permissions broader than max (0 means the server's default, 246)",
        default_permissions,
        params={"max": USER_DEFAULT_PERMISSIONS},
        fix=Fix("default_permissions", allowed_defaults),
        field="defaultPermissions",
    ),
)
BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def password_variable(conversation: Conversation) -> str:
    """The environment variable a fix file names for ``conversation``'s password."""
    return "TALK_PASSWORD_" + re.sub(r"[^A-Za-z0-9]", "_", conversation.token).upper()


def parse_param(rule: Rule, name: str, value: Any) -> Any:
    """A policy value for ``rule``'s parameter ``name``; ValueError says what is wrong."""
    default = rule.params[name]
    if name == "max" and rule.id == "message-expiration":
        if not isinstance(value, str):
            raise ValueError('a duration such as "30d" or "4w"')
        try:
            seconds = parse_duration(value)
        except UsageError:  # "2w3d", "soon": no duration at all
            raise ValueError('a duration such as "30d" or "4w"') from None
        if seconds <= 0:
            raise ValueError('a duration such as "30d" or "4w" (not off)')
        return seconds
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("a whole number, 0 or more")
        return value
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValueError("a list of non-empty strings")
        return value
    if not isinstance(value, str):
        raise ValueError("a string")
    if name == "pattern":
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"a regular expression ({exc})") from None
    return value


def default_params(rule: Rule) -> dict[str, Any]:
    return {name: parse_param(rule, name, value) for name, value in rule.params.items()}


def glob_matches(pattern: str, conversation: Conversation) -> bool:
    """A token, or a name glob (``Project *``), matching ``conversation`` (after NFC, as
    every command compares names)."""
    if pattern == conversation.token:
        return True
    return fnmatch.fnmatchcase(normalized(conversation.name), normalized(pattern))
