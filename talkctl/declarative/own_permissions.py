"""``apply``'s participants' own permissions: planned against one participant listing (and
whose own permissions a new default resets), then set after the membership changes. No
typer, no rich."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from talkctl.declarative.applyfile import Entry
from talkctl.declarative.membership import Attendee, MembershipError, MembershipPlan
from talkctl.errors import InContext, NotFound
from talkctl.settings import FieldChange
from talkctl.settings.permissions import permission_names, stored


class PermissionsIO(Protocol):
    """The requests setting own permissions needs (``apply``'s MembershipIO has them)."""

    def participants(self, token: str) -> list[Mapping[str, Any]]: ...

    def set_permissions(
        self, token: str, kind: str, actor_id: str, attendee_id: int, bits: int
    ) -> None: ...


@dataclass(frozen=True)
class OwnPermissions:
    """One participant's own permissions to set (``PUT attendees/permissions``, method set);
    ``attendee_id`` None: added this run."""

    kind: str
    actor_id: str
    attendee_id: int | None
    before: int  # attendeePermissions now (0: none of their own)
    bits: int  # sent with method set

    @property
    def text(self) -> str:
        return f"permissions {self.actor_id}"

    @property
    def again(self) -> bool:
        """Sent although they are so now: the new default resets them first."""
        return self.before == stored(self.bits)

    @property
    def note(self) -> str:
        return (
            f"permissions {self.actor_id}: {permission_names(self.bits)}, set again after the "
            "new default permissions (which reset them)"
        )

    def to_change(self) -> FieldChange:
        return FieldChange(
            f"permissions {self.actor_id}",
            permission_names(self.before),
            permission_names(self.bits),
        )


def plan_own_permissions(
    entry: Entry,
    settings: Sequence[FieldChange],
    membership: MembershipPlan,
    participants: Sequence[Mapping[str, Any]],
) -> tuple[list[OwnPermissions], list[str]]:
    """Each participant's own permissions the file sets, and whose own permissions a change
    of the default resets (the server resets every participant's own when the default is
    set: the plan names them, the run needs --yes)."""
    wanted = dict(entry.permissions or {})
    default_changes = any(c.field == "default-permissions" for c in settings)
    added = {(c.kind, c.actor_id) for c in membership.of("add")}
    gone = {(c.kind, c.actor_id) for c in membership.changes if c.op in ("remove", "drop")}
    planned: list[OwnPermissions] = []
    present = {
        (a.kind, a.actor_id): (a, _own(raw))
        for raw in participants
        if (a := Attendee.of(raw)).kind in ("users", "emails")
    }
    for who, bits in wanted.items():
        key = next(
            (k for k in (("users", who), ("emails", who)) if k in present or k in added), None
        )
        if key is None or key in gone:
            raise MembershipError(
                f"participant_permissions: {who!r} is not a participant of "
                f"{entry.name!r} (declare them in participants)"
            )
        attendee, before = present.get(key, (None, 0))
        promoted = any(c.actor_id == who for c in membership.of("promote"))
        demoted = any(c.actor_id == who for c in membership.of("demote"))
        if promoted or (attendee is not None and attendee.is_moderator and not demoted):
            raise MembershipError(
                f"participant_permissions: {who!r} is a moderator of {entry.name!r} and "
                "may do everything: the server refuses to change their permissions"
            )
        after = stored(bits)
        if before == after and not default_changes:
            continue
        attendee_id = attendee.attendee_id if attendee is not None else None
        planned.append(OwnPermissions(key[0], who, attendee_id, before, bits))
    if not default_changes:
        return planned, []
    reset = {  # every kind (guests too): the server resets them all
        (a.kind, a.actor_id or str(a.attendee_id))
        for raw in participants
        if _own(raw) and (a := Attendee.of(raw))
    }
    kept = {(kind, who) for kind, who in reset if kind in ("users", "emails") and who in wanted}
    return planned, sorted(who for kind, who in reset - kept - gone)


def _own(raw: Mapping[str, Any]) -> int:
    value = raw.get("attendeePermissions")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def set_own_permissions(
    io: PermissionsIO, token: str, changes: Sequence[OwnPermissions], steps: list[str]
) -> None:
    ids: dict[tuple[str, str], Any] = {}
    if any(c.attendee_id is None for c in changes):  # added this run: learn their ids
        ids = {
            (a.kind, a.actor_id): a.attendee_id for a in map(Attendee.of, io.participants(token))
        }
    for change in changes:
        attendee_id = change.attendee_id
        if attendee_id is None:
            attendee_id = ids.get((change.kind, change.actor_id))
            if not isinstance(attendee_id, int) or attendee_id < 0:
                raise InContext(
                    f"{change.actor_id!r} is not a participant after adding the declared "
                    "participants: cannot set their permissions",
                    NotFound("participant", change.actor_id),
                )
        io.set_permissions(token, change.kind, change.actor_id, attendee_id, change.bits)
        steps.append(change.text)
