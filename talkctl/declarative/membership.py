"""Who should be in a conversation and who moderates it: the declared membership and the
plan that makes a participant list match it.

Planning is pure: it takes the current participant list (the server's objects), the
authenticated user and, when needed, a way to read a group's members; it sends nothing.
Rules (issue "Conversations as code"):

- missing participants are added (``+ alice``, ``+ group class-6a``);
- with ``moderators`` declared, listed users become moderators and other user moderators are
  demoted; owners and the authenticated user are never demoted or removed; guest and e-mail
  moderators are left alone (the plan notes it);
- with ``exclusive``, users, groups, e-mail invitees, federated users and teams the file does
  not declare are removed; a user counts as declared when listed in ``users`` or a member of a
  listed group (read through the provisioning API). Guests who joined by link stay.

No typer, no rich.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkctl.api.kinds import FILE_KEYS, KINDS_TABLE
from talkctl.api.kinds import MODERATOR_TYPES as MODERATOR_TYPES  # export and apply read them here
from talkctl.api.kinds import OWNER as OWNER
from talkctl.errors import UsageError

# the file's kinds, in the order the plan lists them, and the actorType each has on the server
KINDS = FILE_KEYS
ACTOR_TYPES: dict[str, str] = {kind.key: kind.actor_type for kind in KINDS_TABLE}
KIND_OF_ACTOR = {actor: kind for kind, actor in ACTOR_TYPES.items()}
LABELS = {kind.key: kind.prefix for kind in KINDS_TABLE}

GroupMembers = Callable[[str], "set[str]"]


class MembershipError(UsageError):
    """A declared membership that cannot be planned (e.g. a moderator who is no participant)."""


@dataclass(frozen=True)
class Declared:
    """The membership a file declares; ``None`` leaves that part as it is."""

    participants: Mapping[str, tuple[str, ...]] | None = None  # kind → ids
    moderators: tuple[str, ...] | None = None
    exclusive: bool = False

    @property
    def empty(self) -> bool:
        return self.participants is None and self.moderators is None

    def ids(self, kind: str) -> tuple[str, ...]:
        return tuple((self.participants or {}).get(kind, ()))

    @property
    def groups(self) -> tuple[str, ...]:
        return self.ids("groups")


@dataclass(frozen=True)
class Attendee:
    """One entry of a participant list, as far as membership cares."""

    attendee_id: int
    kind: str  # one of KINDS, or the server's actorType for others (guests, ...)
    actor_id: str  # for e-mail invitees the address (invitedActorId)
    participant_type: int

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> Attendee:
        actor_type = str(raw.get("actorType", ""))
        actor_id = str(raw.get("actorId", ""))
        if actor_type == "emails" and isinstance(raw.get("invitedActorId"), str):
            actor_id = raw["invitedActorId"]
        attendee_id = raw.get("attendeeId")
        kind_type = raw.get("participantType")
        return cls(
            attendee_id if isinstance(attendee_id, int) else -1,
            KIND_OF_ACTOR.get(actor_type, actor_type),
            actor_id,
            kind_type if isinstance(kind_type, int) else 0,
        )

    @property
    def is_moderator(self) -> bool:
        return self.participant_type in MODERATOR_TYPES


@dataclass(frozen=True)
class MemberChange:
    """One membership step: ``add`` / ``remove`` a participant, ``promote`` / ``demote`` a
    moderator, or ``drop``: an e-mail invitee the server removes itself when the conversation
    is unpublished (named in the plan, nothing sent). ``attendee_id`` is None when it is not
    known yet (someone added this run)."""

    op: str
    kind: str
    actor_id: str
    attendee_id: int | None = None
    reason: str = ""

    @property
    def text(self) -> str:
        """``+ alice``, ``+ group class-6a``, ``- bob (not declared)``, ``moderator + alice``."""
        who = f"{LABELS.get(self.kind, self.kind + ' ')}{self.actor_id}"
        sign = "+" if self.op in ("add", "promote") else "-"
        prefix = "moderator " if self.op in ("promote", "demote") else ""
        note = f" ({self.reason})" if self.reason else ""
        return f"{prefix}{sign} {who}{note}"

    @property
    def field(self) -> str:
        return "moderators" if self.op in ("promote", "demote") else "participants"

    def to_change(self) -> dict[str, Any]:
        """As an entry of the result record's ``changes``: field / from / to."""
        who = f"{LABELS.get(self.kind, self.kind + ' ')}{self.actor_id}"
        added = self.op in ("add", "promote")
        return {"field": self.field, "from": None if added else who, "to": who if added else None}


@dataclass
class MembershipPlan:
    changes: list[MemberChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what is left alone, and why

    def of(self, op: str) -> list[MemberChange]:
        return [c for c in self.changes if c.op == op]


class GroupReader:
    """Group members, each group read at most once (``read`` raises ApiError: 403, 404...)."""

    def __init__(self, read: GroupMembers) -> None:
        self._read = read
        self._known: dict[str, set[str]] = {}

    def members(self, group: str) -> set[str]:
        if group not in self._known:
            self._known[group] = set(self._read(group))
        return self._known[group]

    def in_any(self, user: str, groups: Sequence[str]) -> bool:
        return any(user in self.members(group) for group in groups)


def plan_membership(
    declared: Declared,
    current: Sequence[Mapping[str, Any]],
    me: str,
    groups: GroupReader | None,
) -> MembershipPlan:
    """What makes ``current`` (the server's participant objects) match ``declared``.

    ``groups`` reads group members; it is used only when a moderator is not listed in
    ``users`` or ``exclusive`` meets a user the file does not list (its errors propagate:
    nothing is changed then).
    """
    plan = MembershipPlan()
    if declared.empty:
        return plan
    attendees = [Attendee.of(raw) for raw in current]
    present = {(a.kind, a.actor_id): a for a in attendees}
    for kind in KINDS:
        for actor in declared.ids(kind):
            if (kind, actor) not in present:
                plan.changes.append(MemberChange("add", kind, actor))
    _plan_moderators(declared, attendees, present, me, groups, plan)
    if declared.exclusive and declared.participants is not None:
        _plan_removals(declared, attendees, me, groups, plan)
        removed = {(c.kind, c.actor_id) for c in plan.of("remove")}
        plan.changes = [
            c for c in plan.changes if c.op != "demote" or (c.kind, c.actor_id) not in removed
        ]
    return plan


def _via_group(declared: Declared, user: str, groups: GroupReader | None) -> bool:
    return bool(declared.groups) and groups is not None and groups.in_any(user, declared.groups)


def _plan_moderators(
    declared: Declared,
    attendees: Sequence[Attendee],
    present: Mapping[tuple[str, str], Attendee],
    me: str,
    groups: GroupReader | None,
    plan: MembershipPlan,
) -> None:
    if declared.moderators is None:
        return
    wanted = set(declared.moderators)
    for user in declared.moderators:
        attendee = present.get(("users", user))
        if declared.participants is not None and user not in declared.ids("users"):
            if not _via_group(declared, user, groups):
                raise MembershipError(
                    f"moderator {user!r} is not a participant: list them in users "
                    f"or in one of the groups ({', '.join(declared.groups) or 'none declared'})"
                )
        elif declared.participants is None and attendee is None:
            raise MembershipError(
                f"moderator {user!r} is not a participant: declare participants with them"
            )
        if attendee is None or not attendee.is_moderator:
            attendee_id = attendee.attendee_id if attendee is not None else None
            plan.changes.append(MemberChange("promote", "users", user, attendee_id))
    for attendee in attendees:
        if not attendee.is_moderator or (attendee.kind == "users" and attendee.actor_id in wanted):
            continue
        if attendee.kind != "users":
            plan.notes.append(
                f"moderator {LABELS.get(attendee.kind, attendee.kind + ' ')}"
                f"{attendee.actor_id}: left alone (not a user)"
            )
        elif attendee.participant_type == OWNER:
            plan.notes.append(f"moderator {attendee.actor_id}: the owner stays moderator")
        elif attendee.actor_id == me:
            plan.notes.append(f"moderator {attendee.actor_id}: you stay moderator")
        else:
            plan.changes.append(
                MemberChange("demote", "users", attendee.actor_id, attendee.attendee_id)
            )


def _plan_removals(
    declared: Declared,
    attendees: Sequence[Attendee],
    me: str,
    groups: GroupReader | None,
    plan: MembershipPlan,
) -> None:
    for attendee in attendees:
        kind, actor = attendee.kind, attendee.actor_id
        if kind not in KINDS:
            plan.notes.append(
                f"{kind} {actor or attendee.attendee_id}: left alone (joined by link)"
            )
            continue
        if actor in declared.ids(kind):
            continue
        if kind == "users":
            if attendee.participant_type == OWNER:
                plan.notes.append(f"{actor}: the owner is never removed")
                continue
            if actor == me:
                plan.notes.append(f"{actor}: you are never removed")
                continue
            if _via_group(declared, actor, groups):
                continue
        plan.changes.append(
            MemberChange("remove", kind, actor, attendee.attendee_id, "not declared")
        )
