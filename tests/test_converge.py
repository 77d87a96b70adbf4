"""The plan logic of ensure/apply (talkctl.declarative.converge) and the apply file checker
(talkctl.declarative.applyfile), without a server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from talkctl.api.models import Conversation
from talkctl.declarative.applyfile import ApplyFileError, load
from talkctl.declarative.converge import FieldChange, Wanted, parse_notify, plan_for
from talkctl.errors import Ambiguous, UsageError

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
    plan = plan_for(Wanted("New", description="d", favorite=True, notify=3), [room("Other")])
    assert plan.action == "create" and plan.token is None
    assert plan.changes == [
        FieldChange("type", "", "group"),
        FieldChange("description", "''", "'d'"),
        FieldChange("favorite", "no", "yes"),
        FieldChange("notify", "mention", "never"),
    ]


def test_only_what_differs_is_planned() -> None:
    current = room("Team", description="same", readOnly=1, isFavorite=True)
    wanted = Wanted("Team", type=GROUP, description="same", read_only=False, favorite=True)
    plan = plan_for(wanted, [current])
    assert plan.action == "update"
    assert plan.changes == [FieldChange("read-only", "on", "off")]
    assert plan.requirements() == ["read-only"]
    assert plan_for(Wanted("Team", description="same"), [current]).action == "unchanged"


def test_notify_default_and_level_zero_are_the_types_default() -> None:
    assert plan_for(Wanted("Team", notify=0), [room("Team")]).action == "unchanged"
    assert plan_for(Wanted("Team", notify=2), [room("Team", notificationLevel=0)]).changes == []
    assert plan_for(Wanted("Team", notify=1), [room("Team")]).changes == [
        FieldChange("notify", "mention", "always")
    ]


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


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rooms.toml"
    path.write_text(text, "utf-8")
    return path


def test_valid_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
# comment
[[conversation]]
name = "Team"
description = '''
a = "not a key"
[[conversation]]
'''
read_only = true
notify = "never"

[[conversation]]
"name" = "Town hall"
type = "public"
password_env = "PW"
rotate_password = true
favorite = false
notify = 1
""",
    )
    wishes = load(path, {"PW": "s3cret-pass"})
    assert [w.name for w in wishes] == ["Team", "Town hall"]
    assert wishes[0].description == 'a = "not a key"\n[[conversation]]\n'
    assert wishes[0].read_only is True and wishes[0].notify == 3 and wishes[0].type is None
    assert wishes[1].type == PUBLIC and wishes[1].password == "s3cret-pass"
    assert wishes[1].rotate_password and wishes[1].favorite is False and wishes[1].notify == 1


def test_every_problem_with_its_line_and_value(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """[[conversation]]
name = "Team"
type = "privat"
read_only = "yes"

[[conversation]]
description = "no name"
colour = "blue"

[[conversation]]
name = "Pub"
password_env = "UNSET_VARIABLE"
notify = "loud"

[[conversation]]
name = "Team"
favorite = 1
rotate_password = true
""",
    )
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    p = str(path)
    assert caught.value.problems == [
        f'{p}:3: type must be "group" or "public", not "privat"',
        f'{p}:4: read_only must be true or false, not "yes"',
        f"{p}:6: [[conversation]] without a name",
        f"{p}:8: unknown key 'colour' = \"blue\" (valid: name, type, description, read_only, "
        "password_env, rotate_password, favorite, notify)",
        f"{p}:12: password_env: environment variable UNSET_VARIABLE is not set",
        f'{p}:12: a password needs type = "public"',
        f'{p}:13: notify must be "default", "always", "mention", "never" or 1-3, not "loud"',
        f"{p}:17: favorite must be true or false, not 1",
        f"{p}:18: rotate_password = true needs password_env",
    ]
    assert str(caught.value) == f"{p}: 9 problems; nothing was changed"


def test_duplicate_names_and_stray_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'title = "x"\n[[conversation]]\nname = "A"\n[[conversation]]\nname = "A"\n'
    )
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    assert caught.value.problems == [
        f"{path}:1: unknown top-level key 'title': only [[conversation]]",
        f'{path}:5: name "A" appears twice (first at line 3)',
    ]


def test_syntax_error_has_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[[conversation]]\nname = "A"\ntype = group\n')
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:3: invalid TOML: ")


def test_empty_or_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ApplyFileError, match="1 problem"):
        load(write(tmp_path, "# nothing\n"), {})
    with pytest.raises(UsageError, match="cannot read"):
        load(tmp_path / "missing.toml", {})
