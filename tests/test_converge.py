"""The plan logic of ensure/apply (talkctl.declarative.converge), without a server (the apply
file checker: tests/test_applyfile.py)."""

from __future__ import annotations

from typing import Any

import pytest

from talkctl.api.models import Conversation
from talkctl.declarative.converge import Wanted, parse_notify, plan_for
from talkctl.errors import Ambiguous, UsageError
from talkctl.settings import FieldChange

GROUP, PUBLIC = 2, 3


def room(name: str, **raw: Any) -> Conversation:
    base: dict[str, Any] = {
        "token": f"t-{name}",
        "type": GROUP,
        "name": name,
        "displayName": name,
        "description": "",
        "readOnly": 0,
        "isFavorite": False,
        "notificationLevel": 2,
        "hasPassword": False,
    }
    base.update(raw)
    return Conversation(base)


def test_missing_conversation_is_created_with_its_settings() -> None:
    wanted = Wanted("New", settings={"description": "d", "favorite": True, "notify": 3})
    plan = plan_for(wanted, [room("Other")])
    assert plan.action == "create" and plan.token is None
    assert plan.changes == [
        FieldChange("type", None, "group"),  # None: nothing to read, it is created
        FieldChange("description", None, "d"),
        FieldChange("favorite", None, "on"),
        FieldChange("notify", None, "never"),
    ]


def test_only_what_differs_is_planned() -> None:
    current = room("Team", description="same", readOnly=1, isFavorite=True)
    wanted = Wanted(
        "Team",
        type=GROUP,
        settings={"description": "same", "read_only": False, "favorite": True},
    )
    plan = plan_for(wanted, [current])
    assert plan.action == "update"
    assert plan.changes == [FieldChange("read-only", "on", "off")]
    assert plan.requirements() == [("read-only-rooms", "read-only conversations")]
    same = Wanted("Team", settings={"description": "same"})
    assert plan_for(same, [current]).action == "unchanged"


def test_notify_default_and_level_zero_are_the_types_default() -> None:
    assert plan_for(Wanted("Team", settings={"notify": 0}), [room("Team")]).action == "unchanged"
    mention = Wanted("Team", settings={"notify": 2})
    assert plan_for(mention, [room("Team", notificationLevel=0)]).changes == []
    assert plan_for(Wanted("Team", settings={"notify": 1}), [room("Team")]).changes == [
        FieldChange("notify", "mention", "always")
    ]


def test_wanted_takes_settings_by_their_table_key_only() -> None:
    assert Wanted("Team", settings={"read_only": True}).settings == {"read_only": True}
    with pytest.raises(TypeError):
        Wanted("Team", read_only=True)  # type: ignore[call-arg]  # the old keyword is gone
    with pytest.raises(ValueError, match="unknown settings: readOnly"):
        Wanted("Team", settings={"readOnly": True})


def test_password_set_when_none_and_only_rotated_on_request() -> None:
    public = room("Pub", type=PUBLIC, hasPassword=False)
    assert plan_for(Wanted("Pub", password="pw"), [public]).changes == [
        FieldChange("password", "none", "set")
    ]
    protected = room("Pub", type=PUBLIC, hasPassword=True)
    assert plan_for(Wanted("Pub", password="pw"), [protected]).action == "unchanged"
    assert plan_for(Wanted("Pub", type=PUBLIC, password="pw"), [protected]).action == "unchanged"
    rotated = plan_for(Wanted("Pub", password="pw", rotate_password=True), [protected])
    assert rotated.changes == [FieldChange("password", "set", "new")]


def test_publishing_with_a_password() -> None:
    plan = plan_for(Wanted("Team", type=PUBLIC, password="pw"), [room("Team")])
    assert [c.field for c in plan.changes] == ["type", "password"]
    with pytest.raises(UsageError, match="requires a password"):
        plan_for(Wanted("Team", type=PUBLIC), [room("Team")], force_passwords=True)


def test_impossible_wishes_are_refused_before_anything() -> None:
    with pytest.raises(UsageError, match="password needs a public"):
        plan_for(Wanted("Team", password="pw"), [room("Team")])  # an existing group
    with pytest.raises(UsageError, match="password needs a public"):
        plan_for(Wanted("New", password="pw"), [])  # would be created as a group
    with pytest.raises(UsageError, match="requires a password"):
        plan_for(Wanted("New", type=PUBLIC), [], force_passwords=True)
    with pytest.raises(UsageError, match="empty"):
        plan_for(Wanted("  "), [])
    with pytest.raises(UsageError, match="rotating"):
        plan_for(Wanted("X", rotate_password=True), [])


def test_exact_name_only_and_several_are_ambiguous() -> None:
    one_to_one = room("alice", type=1, displayName="Alice")
    assert plan_for(Wanted("Alice"), [one_to_one]).action == "create"  # only group/public
    assert plan_for(Wanted("team"), [room("Team")]).action == "create"  # case-sensitive
    with pytest.raises(Ambiguous, match="2 conversations are named 'Team'"):
        plan_for(Wanted("Team"), [room("Team"), room("Team", token="t2", type=PUBLIC)])


@pytest.mark.parametrize(("value", "level"), [("default", 0), ("never", 3), (1, 1), ("2", 2)])
def test_notify_values(value: str | int, level: int) -> None:
    assert parse_notify(value) == level


@pytest.mark.parametrize("value", ["loud", 0, 4, True])
def test_bad_notify_values(value: Any) -> None:
    with pytest.raises(UsageError):
        parse_notify(value)


# --- the apply file ---------------------------------------------------------------------------
