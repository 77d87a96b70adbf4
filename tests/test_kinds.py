"""The one table of participant kinds (issue 20.2): every surface reads it."""

from __future__ import annotations

from talkctl.api import kinds
from talkctl.api.participants import Participant
from talkctl.cli.apply import membership_io as apply_io
from talkctl.cli.participant.run import member_value
from talkctl.cli.room.create_run import SOURCES
from talkctl.declarative import membership


def test_every_surface_reads_the_one_table() -> None:
    assert tuple(kind.key for kind in kinds.KINDS_TABLE) == membership.KINDS
    assert {k.key: k.actor_type for k in kinds.KINDS_TABLE} == membership.ACTOR_TYPES
    assert {k.key: k.name for k in kinds.KINDS_TABLE} == apply_io.KINDS
    assert set(SOURCES) == {"users", "groups", "emails", "teams", "circles", "federated"}
    assert SOURCES["circles"] == "teams" and SOURCES["federated"] == "federated_users"
    assert membership.MODERATOR_TYPES is kinds.MODERATOR_TYPES


def test_a_kind_is_named_alike_in_changes_plans_and_listings() -> None:
    for kind in kinds.KINDS_TABLE:
        raw = {"actorType": kind.actor_type, "actorId": "x", "attendeeId": 1}
        assert Participant(raw).kind == kind.name
        change = membership.MemberChange("add", kind.key, "x").to_change()
        assert change["to"] == member_value(kind.name, "x")
    assert member_value("group", "staff") == "group staff" and member_value("user", "a") == "a"
    assert Participant({"actorType": "guests", "actorId": "g"}).kind == "guest"
    assert Participant({"actorType": "something-new", "actorId": "g"}).kind == "something-new"


def test_completion_reads_the_kind_flags_from_the_table() -> None:
    from talkctl.cli.participant.cache import FLAG_KINDS

    assert FLAG_KINDS == {
        "group": "group",
        "team": "team",
        "federated": "federated",
        "email": "email",
    }
