"""``apply``: plan one conversation of the file (settings and membership), and carry the plan
out in the order create → settings → add → promote → demote → remove.

Each function here works on ONE conversation and raises for it (TalkctlError / ApiError):
the command runs them over the file with the bulk engine, so one conversation's failure
does not stop the others. Reads: the one room listing (given), one participant listing per
conversation that declares membership, group members only when needed (shared, each group
read once per run). No typer, no rich.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.models import Conversation, ConversationType
from talkctl.declarative import converge
from talkctl.declarative.addresses import UNPUBLISHING, check_addresses
from talkctl.declarative.applyfile import Entry
from talkctl.declarative.bots import BotIO, BotPlan, execute_bots, plan_bots
from talkctl.declarative.membership import (
    OWNER,
    Attendee,
    GroupReader,
    MemberChange,
    MembershipPlan,
    plan_membership,
)
from talkctl.declarative.own_permissions import (
    OwnPermissions,
    plan_own_permissions,
    set_own_permissions,
)
from talkctl.errors import InContext, NotFound, TalkctlError
from talkctl.settings import FieldChange


class MembershipIO(Protocol):
    """The participant and group requests ``apply`` needs (the api layer provides them)."""

    def require(self, kind: str) -> None: ...

    def participants(self, token: str) -> list[Mapping[str, Any]]: ...

    def group_members(self, group: str) -> list[str]: ...

    def add(self, token: str, kind: str, actor_id: str) -> None: ...

    def promote(self, token: str, kind: str, actor_id: str, attendee_id: int) -> None: ...

    def demote(self, token: str, kind: str, actor_id: str, attendee_id: int) -> None: ...

    def remove(self, token: str, kind: str, actor_id: str, attendee_id: int) -> None: ...

    def set_permissions(
        self, token: str, kind: str, actor_id: str, attendee_id: int, bits: int
    ) -> None: ...


class SharedGroups:
    """Group members for a whole run: each group read at most once, failures remembered."""

    def __init__(self, io: MembershipIO) -> None:
        self._io = io
        self._lock = threading.Lock()
        self._known: dict[str, set[str] | TalkctlError] = {}

    def read(self, group: str) -> set[str]:
        with self._lock:
            if group not in self._known:
                try:
                    self._known[group] = set(self._io.group_members(group))
                except ApiError as exc:
                    self._known[group] = _group_error(group, exc)
            found = self._known[group]
        if isinstance(found, TalkctlError):
            raise found
        return found


def _group_error(group: str, exc: ApiError) -> TalkctlError:
    if exc.status == 403:
        return InContext(
            f"cannot read the members of group {group!r}: that needs an admin or the group's "
            "sub-admin (exclusive and moderators who come through a group need them); "
            "nothing was changed in this conversation",
            exc,
        )
    if exc.status == 404:
        return InContext(f"group {group!r} does not exist; nothing was changed here", exc)
    return exc


@dataclass
class ConversationPlan:
    """Everything ``apply`` would do to one conversation of the file."""

    entry: Entry
    settings: converge.Plan
    membership: MembershipPlan = field(default_factory=MembershipPlan)
    renamed_from: str | None = None
    bots: BotPlan = field(default_factory=BotPlan)
    permissions: list[OwnPermissions] = field(default_factory=list)
    resets: list[str] = field(default_factory=list)  # own permissions the default resets

    @property
    def current(self) -> Conversation | None:
        return self.settings.current

    @property
    def token(self) -> str | None:
        return self.settings.token

    @property
    def action(self) -> str:
        if self.current is None:
            return "create"
        changed = (
            self.settings.changes
            or self.membership.changes
            or self.renamed_from
            or self.bots.changes
            or self.permissions
        )
        return "update" if changed else "unchanged"

    def changes(self) -> list[FieldChange]:
        """The settings' changes (a rename first), as the result record lists them."""
        renamed = [FieldChange("name", self.renamed_from, self.entry.name)]
        bots = [change.to_change() for change in self.bots.changes]
        own = [change.to_change() for change in self.permissions if not change.again]
        return (
            (renamed if self.renamed_from is not None else [])
            + list(self.settings.changes)
            + bots
            + own
        )


def wanted_of(entry: Entry) -> converge.Wanted:
    kinds = {"group": ConversationType.GROUP, "public": ConversationType.PUBLIC}
    return converge.Wanted(
        name=entry.name,
        type=kinds[entry.type] if entry.type else None,
        password=entry.password,
        rotate_password=entry.rotate_password,
        settings=dict(entry.settings),
    )


def find(entry: Entry, listing: Sequence[Conversation]) -> Conversation | None:
    """By token when the file gives one (gone → exit 3, nothing created), else by name."""
    if entry.token is None:
        return converge.find_existing(entry.name, listing)
    for conversation in listing:
        if conversation.token == entry.token:
            converge.refuse_unmanaged(conversation)  # exit 6, as export skips it
            return conversation
    raise InContext(
        f"no conversation of yours has the token {entry.token} given for {entry.name!r} "
        "(deleted, or you were removed): nothing was created",
        NotFound("conversation", entry.token),
    )


def plan_entry(
    entry: Entry,
    listing: Sequence[Conversation],
    io: MembershipIO | None,
    groups: SharedGroups | None,
    me: str,
    *,
    force_passwords: bool = False,
    bot_io: BotIO | None = None,
) -> ConversationPlan:
    """Plan one conversation: reads its participants when the file declares membership,
    its bots when it declares bots."""
    current = find(entry, listing)
    wanted = wanted_of(entry)
    renamed_from = None
    if current is None:
        settings = converge.plan_for(wanted, [], force_passwords=force_passwords)
    else:
        settings = converge.plan_for(wanted, [current], force_passwords=force_passwords)
        if settings.current is None:  # found by token under another name: a rename
            settings = converge.Plan(wanted, current, converge.diff(wanted, current))
            renamed_from = current.name
    plan = ConversationPlan(entry, settings, renamed_from=renamed_from)
    if entry.bots is not None and bot_io is not None:
        bot_io.require()  # no bots-v1: exit 6, nothing sent
        listed = bot_io.in_conversation(current.token) if current is not None else None
        plan.bots = plan_bots(entry.bots, entry.membership.exclusive, listed)
    unpublishing = current is not None and any(
        c.field == "type" and c.after == "group" for c in settings.changes
    )
    owns = entry.permissions is not None or any(
        c.field == "default-permissions" for c in settings.changes
    )
    if (entry.membership.empty and not unpublishing and not owns) or io is None:
        return plan
    if current is None:
        participants: list[Mapping[str, Any]] = [
            {"actorType": "users", "actorId": me, "participantType": OWNER, "attendeeId": -1}
        ]
    else:
        participants = io.participants(current.token)
    reader = GroupReader(groups.read) if groups is not None else None
    plan.membership = plan_membership(entry.membership, participants, me, reader)
    if unpublishing:
        _unpublished(plan.membership, participants)
    check_addresses("emails", [c.actor_id for c in plan.membership.of("add") if c.kind == "emails"])
    for kind in dict.fromkeys(c.kind for c in plan.membership.of("add")):
        io.require(kind)  # a kind this server cannot add: exit 6, nothing sent
    plan.permissions, plan.resets = plan_own_permissions(
        entry, plan.settings.changes, plan.membership, participants
    )
    return plan


def _unpublished(plan: MembershipPlan, participants: Sequence[Mapping[str, Any]]) -> None:
    """Unpublishing removes every e-mail invitee (the server does: talk22-moderation/
    u-participants-after-unpublish-200.json): nothing is sent for them, the plan names them
    (op ``drop``), and a run that loses any needs --yes."""
    plan.changes = [c for c in plan.changes if c.kind != "emails"]
    for raw in participants:
        attendee = Attendee.of(raw)
        if attendee.kind == "emails":
            plan.changes.append(
                MemberChange(
                    "drop", "emails", attendee.actor_id, attendee.attendee_id, UNPUBLISHING
                )
            )


@dataclass
class Done:
    """What carrying out one plan did (steps in order); ``conversation`` after the change."""

    token: str
    conversation: Conversation | None
    steps: list[str] = field(default_factory=list)


def execute(
    api: ConversationsApi,
    io: MembershipIO | None,
    plan: ConversationPlan,
    steps: list[str],
    bot_io: BotIO | None = None,
    created: Callable[[str], None] | None = None,
) -> Done:
    """Create → settings (a rename first) → add → promote → demote → remove. ``steps`` gets
    what was done as it is done (what a failure or Ctrl-C leaves behind is reported);
    ``created`` gets the token of a conversation created, before anything else can fail."""
    if plan.renamed_from is not None and plan.current is not None:
        api.rename(plan.current.token, plan.entry.name)
        steps.append("name")
    if plan.action == "unchanged":
        assert plan.current is not None
        return Done(plan.current.token, plan.current, steps)
    outcome = converge.execute(api, plan.settings)
    if plan.current is None and created is not None:
        created(outcome.token)
    steps += [c.field for c in plan.settings.changes if c.field != "type" or plan.current]
    steps += [c.text for c in plan.membership.of("drop")]  # gone with the unpublishing
    done = Done(outcome.token, outcome.conversation, steps)
    if io is not None and plan.membership.changes:
        _membership(io, done.token, plan.membership, steps)
    if io is not None and plan.permissions:  # after the default: setting it resets them
        set_own_permissions(io, done.token, plan.permissions, steps)
    if bot_io is not None and plan.bots.changes:
        execute_bots(bot_io, done.token, plan.bots, steps)
    return done


@contextmanager
def _naming(change: MemberChange) -> Iterator[None]:
    """A refused membership change names whom it was about (``+ team x: not found``)."""
    try:
        yield
    except ApiError as exc:
        raise InContext(f"{change.text}: {exc}", exc) from exc


def _membership(io: MembershipIO, token: str, plan: MembershipPlan, steps: list[str]) -> None:
    for change in plan.of("add"):
        with _naming(change):
            io.add(token, change.kind, change.actor_id)
        steps.append(change.text)
    promotions = plan.of("promote")
    if any(c.attendee_id is None for c in promotions):  # added this run: learn their ids
        ids = {
            str(p.get("actorId")): p.get("attendeeId")
            for p in io.participants(token)
            if p.get("actorType") == "users"
        }
        promotions = [
            MemberChange(c.op, c.kind, c.actor_id, _id(ids.get(c.actor_id), c))
            if c.attendee_id is None
            else c
            for c in promotions
        ]
    for change in promotions:
        assert change.attendee_id is not None
        with _naming(change):
            io.promote(token, change.kind, change.actor_id, change.attendee_id)
        steps.append(change.text)
    for change in plan.of("demote"):
        assert change.attendee_id is not None
        with _naming(change):
            io.demote(token, change.kind, change.actor_id, change.attendee_id)
        steps.append(change.text)
    for change in plan.of("remove"):
        assert change.attendee_id is not None
        with _naming(change):
            io.remove(token, change.kind, change.actor_id, change.attendee_id)
        steps.append(change.text)


def _id(value: Any, change: MemberChange) -> int:
    if isinstance(value, int):
        return value
    raise InContext(
        f"{change.actor_id!r} is not a participant after adding the declared participants "
        "(is the user in the declared groups?): cannot make them moderator",
        NotFound("participant", change.actor_id),
    )
