"""Keep the fake honest about creating with settings and about group membership.

Replays talk22-create/ (POST /room with settings and participants, under
``conversation-creation-all``) and talk22-membership/ (the provisioning API's groups, a
group and an e-mail invitee as participants) in their recorded order against fresh fakes,
comparing every step like test_fake_fidelity does for talk22/: HTTP status, ocs.meta,
ocs.data.error, the key set of ocs.data, and the values of rooms and participants.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_fake_fidelity import Replayer, Step, check_step

from talkctl.sandbox import FakeTalkServer

RECORDINGS = Path(__file__).resolve().parent.parent / "talkctl" / "sandbox" / "recordings"
CREATE = RECORDINGS / "talk22-create"
MEMBERSHIP = RECORDINGS / "talk22-membership"


def order(folder: Path) -> list[str]:
    return re.findall(r"^\| `([^`]+\.json)`", (folder / "INDEX.md").read_text(), re.M)


CREATE_ORDER = order(CREATE)
MEMBERSHIP_ORDER = order(MEMBERSHIP)


def test_indexes_list_every_recording() -> None:
    for folder, names in ((CREATE, CREATE_ORDER), (MEMBERSHIP, MEMBERSHIP_ORDER)):
        assert set(names) == {p.name for p in folder.glob("*.json")}
    assert len(CREATE_ORDER) == 11 and len(MEMBERSHIP_ORDER) == 14


def _replay(folder: Path, names: list[str]) -> Iterator[dict[str, Step]]:
    with FakeTalkServer(talk="22", seed=22) as srv:
        replayer = Replayer(srv, folder)
        yield {name: replayer.send(name) for name in names}


@pytest.fixture(scope="module")
def created() -> Iterator[dict[str, Step]]:
    yield from _replay(CREATE, CREATE_ORDER)


@pytest.fixture(scope="module")
def membership() -> Iterator[dict[str, Step]]:
    yield from _replay(MEMBERSHIP, MEMBERSHIP_ORDER)


@pytest.mark.parametrize("name", CREATE_ORDER)
def test_create_step_matches_recording(created: dict[str, Step], name: str) -> None:
    check_step(created[name], name)


@pytest.mark.parametrize("name", MEMBERSHIP_ORDER)
def test_membership_step_matches_recording(membership: dict[str, Step], name: str) -> None:
    check_step(membership[name], name)


def test_invalid_participants_are_named(created: dict[str, Step]) -> None:
    step = created["create-with-unknown-participant-202.json"]
    recorded = step.recorded["body"]["ocs"]["data"]["invalidParticipants"]
    assert (
        step.body["ocs"]["data"]["invalidParticipants"] == recorded == {"users": ["nobody-fixture"]}
    )


def test_all_settings_expire_the_creation_message(created: dict[str, Step]) -> None:
    data = created["create-all-settings-201.json"].body["ocs"]["data"]
    assert data["lastMessage"]["expirationTimestamp"] == data["lastActivity"] + 3600


def test_refused_creates_leave_nothing_behind() -> None:
    with FakeTalkServer(talk="22", seed=1) as srv:
        replayer = Replayer(srv, CREATE)
        before = len(srv.state.rooms)
        for name in ("create-description-too-long-400.json", "create-listable-bad-400.json"):
            assert replayer.send(name).status == 400
        assert len(srv.state.rooms) == before


def test_group_members_are_plain_user_ids(membership: dict[str, Step]) -> None:
    step = membership["group-members-200.json"]
    assert step.body["ocs"]["data"] == step.recorded["body"]["ocs"]["data"] == {"users": ["alice"]}
    groups = membership["user-groups-200.json"]
    assert "fixture-class" in groups.body["ocs"]["data"]["groups"]  # alice is in "staff" too


def test_email_invitee_is_addressed_by_invited_actor_id(membership: dict[str, Step]) -> None:
    listed = membership["participants-list-with-email-200.json"].body["ocs"]["data"]
    (email,) = [p for p in listed if p["actorType"] == "emails"]
    recorded = membership["participants-list-with-email-200.json"].recorded["body"]["ocs"]
    (expected,) = [p for p in recorded["data"] if p["actorType"] == "emails"]
    assert email["invitedActorId"] == expected["invitedActorId"] == "guest@example.com"
    assert email["actorId"] == expected["actorId"]
    assert email["displayName"] == "" and email["participantType"] == 4
