"""The membership plan of ``apply`` (talkctl.declarative.membership), without a server:
who is added, promoted, demoted and removed, and who is left alone."""

from __future__ import annotations

from typing import Any

import pytest

from talkctl.declarative.membership import (
    Declared,
    GroupReader,
    MembershipError,
    plan_membership,
)

OWNER, MODERATOR, USER, GUEST, GUEST_MODERATOR = 1, 2, 3, 4, 6


def attendee(n: int, kind: str, actor: str, role: int = USER, **extra: Any) -> dict[str, Any]:
    return {"attendeeId": n, "actorType": kind, "actorId": actor, "participantType": role, **extra}


CURRENT = [
    attendee(1, "users", "admin", OWNER),
    attendee(2, "users", "bob", MODERATOR),
    attendee(3, "users", "carol", MODERATOR),
    attendee(4, "groups", "old-class"),
    attendee(5, "users", "dave"),
    attendee(6, "emails", "513935c4", GUEST_MODERATOR, invitedActorId="guest@example.com"),
    attendee(7, "guests", "3f2a", GUEST),
    attendee(8, "users", "erin"),
    attendee(9, "circles", "team-x"),
]


def members(groups: dict[str, set[str]], reads: list[str] | None = None) -> GroupReader:
    def read(group: str) -> set[str]:
        if reads is not None:
            reads.append(group)
        if group not in groups:
            raise LookupError(group)
        return groups[group]

    return GroupReader(read)


def texts(declared: Declared, me: str = "admin", groups: GroupReader | None = None) -> list[str]:
    return [c.text for c in plan_membership(declared, CURRENT, me, groups).changes]


def test_adds_what_is_missing_and_touches_nothing_else_without_exclusive() -> None:
    declared = Declared({"users": ("alice", "bob"), "groups": ("class-6a",)})
    assert texts(declared) == ["+ alice", "+ group class-6a"]


def test_moderators_promoted_and_demoted_owner_self_and_guests_left_alone() -> None:
    declared = Declared({"users": ("bob", "dave", "carol")}, moderators=("dave", "carol"))
    plan = plan_membership(declared, CURRENT, "carol", None)
    assert [c.text for c in plan.changes] == ["moderator + dave", "moderator - bob"]
    assert [c.attendee_id for c in plan.changes] == [5, 2]
    assert "moderator admin: the owner stays moderator" in plan.notes
    assert "moderator email guest@example.com: left alone (not a user)" in plan.notes


def test_exclusive_removes_every_kind_not_declared_but_keeps_group_members() -> None:
    declared = Declared({"users": ("bob",), "groups": ("class-6a",)}, exclusive=True)
    reads: list[str] = []
    groups = members({"class-6a": {"erin"}}, reads)
    plan = plan_membership(declared, CURRENT, "admin", groups)
    assert [c.text for c in plan.changes] == [
        "+ group class-6a",
        "- carol (not declared)",
        "- group old-class (not declared)",
        "- dave (not declared)",
        "- email guest@example.com (not declared)",
        "- team team-x (not declared)",
    ]
    assert "admin: the owner is never removed" in plan.notes
    assert "guests 3f2a: left alone (joined by link)" in plan.notes
    assert reads == ["class-6a"]  # each group read once


def test_removed_moderator_is_not_demoted_first() -> None:
    declared = Declared({"users": ("bob",)}, moderators=("bob",), exclusive=True)
    found = texts(declared)
    assert "moderator - carol" not in found and "- carol (not declared)" in found


def test_self_is_never_removed_or_demoted() -> None:
    declared = Declared({"users": ()}, moderators=(), exclusive=True)
    plan = plan_membership(declared, CURRENT, "bob", None)
    assert not any(c.actor_id == "bob" for c in plan.changes)
    assert "bob: you are never removed" in plan.notes


def test_moderator_through_a_group_is_checked_with_the_group() -> None:
    declared = Declared({"groups": ("class-6a",)}, moderators=("erin",))
    assert texts(declared, groups=members({"class-6a": {"erin"}})) == [
        "+ group class-6a",
        "moderator + erin",
        "moderator - bob",
        "moderator - carol",
    ]
    with pytest.raises(MembershipError, match="'zoe' is not a participant"):
        texts(
            Declared({"groups": ("class-6a",)}, moderators=("zoe",)),
            groups=members({"class-6a": {"erin"}}),
        )


def test_group_read_errors_propagate() -> None:
    declared = Declared({"groups": ("secret",)}, exclusive=True)
    with pytest.raises(LookupError):
        plan_membership(declared, CURRENT, "admin", members({}))


def test_converged_membership_plans_nothing_and_reads_no_group() -> None:
    declared = Declared(
        {
            "users": ("admin", "bob", "carol", "dave", "erin"),
            "groups": ("old-class",),
            "teams": ("team-x",),
            "emails": ("guest@example.com",),
        },
        moderators=("bob", "carol"),
        exclusive=True,
    )
    reads: list[str] = []
    plan = plan_membership(declared, CURRENT, "admin", members({}, reads))
    assert plan.changes == [] and reads == []


def test_change_records() -> None:
    declared = Declared({"users": ("alice",)}, moderators=("alice",), exclusive=True)
    plan = plan_membership(declared, CURRENT[:2], "admin", None)
    assert [c.to_change() for c in plan.changes] == [
        {"field": "participants", "from": None, "to": "alice"},
        {"field": "moderators", "from": None, "to": "alice"},
        {"field": "participants", "from": "bob", "to": None},
    ]
