"""Participant endpoints and the provisioning reads, every documented status, API v1-v4."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import responses
from api_support import (
    SERVER,
    VERSION_FEATURES,
    MemoryStore,
    base,
    cached,
    make_client,
    ocs_body,
)
from responses import matchers

from talkctl.api.errors import ApiError, UnsupportedError
from talkctl.api.groups import GroupsApi, group_members
from talkctl.api.participants import Participant, ParticipantsApi, source_for
from talkctl.api.transport.http import Transport
from talkctl.cli.errors import exit_status_for

TOKEN = "abc123"
ALL_KINDS = ("invite-groups-and-mails", "circles-support", "federation-v1")
EXIT_FOR_STATUS = {400: 6, 403: 5, 404: 3}
V4_ALICE = Participant({"attendeeId": 7, "actorType": "users", "actorId": "alice"})
V2_ALICE = Participant({"userId": "alice", "participantType": 3, "displayName": "Alice"})


def api_for(
    version: int, features: tuple[str, ...] = ALL_KINDS, talk: str | None = "22.0.0"
) -> ParticipantsApi:
    store = MemoryStore(cached(VERSION_FEATURES[version] + features, talk_version=talk))
    return ParticipantsApi(make_client(store))


def participant(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "attendeeId": 7,
        "actorType": "users",
        "actorId": "alice",
        "displayName": "Alice",
        "participantType": 3,
        "inCall": 0,
    }
    data.update(fields)
    return data


# -- list -----------------------------------------------------------------------------
@pytest.mark.parametrize("version", [1, 2, 3, 4])
@responses.activate
def test_list(version: int) -> None:
    listed = (
        [participant(), participant(attendeeId=8, actorType="groups", actorId="staff")]
        if version >= 3
        else [{"userId": "alice", "displayName": "Alice", "participantType": 1}]
    )
    responses.get(f"{base(version)}/room/{TOKEN}/participants", json=ocs_body(listed))
    people = api_for(version).list(TOKEN)
    assert people[0].actor_id == "alice" and people[0].kind == "user"
    if version >= 3:
        assert people[1].kind == "group" and people[1].ref == "attendee:8"
    else:
        assert people[0].attendee_id is None and people[0].ref == "alice"
        assert people[0].role == "owner"


@pytest.mark.parametrize("status", [403, 404, 412])
@responses.activate
def test_list_errors(status: int) -> None:
    responses.get(
        f"{base(4)}/room/{TOKEN}/participants", json=ocs_body([], status, ""), status=status
    )
    with pytest.raises(ApiError) as caught:
        api_for(4).list(TOKEN)
    assert caught.value.status == status
    assert len(responses.calls) == 1  # never retried


def test_email_invitee_is_named_by_its_address() -> None:
    invitee = Participant(
        participant(actorType="emails", actorId="5139...", invitedActorId="guest@example.com")
    )
    assert invitee.match_id == "guest@example.com" and invitee.kind == "email"
    assert Participant(participant(actorType="guests")).kind == "guest"
    assert Participant(participant(participantType=6)).role == "moderator"


# -- add ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "talk", "source"),
    [
        ("user", "22.0.0", "users"),
        ("group", "22.0.0", "groups"),
        ("email", "22.0.0", "emails"),
        ("team", "22.0.0", "teams"),
        ("federated", "22.0.0", "federated_users"),
        ("team", "18.0.14", "circles"),
        ("federated", "20.0.0", "remotes"),
        ("team", None, "circles"),
    ],
)
@responses.activate
def test_add_sends_the_source_of_the_release(kind: str, talk: str | None, source: str) -> None:
    responses.post(
        f"{base(4)}/room/{TOKEN}/participants",
        json=ocs_body([]),
        match=[matchers.urlencoded_params_matcher({"newParticipant": "x", "source": source})],
    )
    assert api_for(4, talk=talk).add(TOKEN, "x", kind) is None


@pytest.mark.parametrize("version", [1, 2, 3, 4])
@responses.activate
def test_add_email_answers_the_new_type(version: int) -> None:
    responses.post(f"{base(version)}/room/{TOKEN}/participants", json=ocs_body({"type": 3}))
    assert api_for(version).add(TOKEN, "guest@example.com", "email") == 3


@pytest.mark.parametrize(
    ("kind", "feature"),
    [
        ("group", "invite-groups-and-mails"),
        ("email", "invite-groups-and-mails"),
        ("team", "circles-support"),
        ("federated", "federation-v1"),
    ],
)
@responses.activate
def test_add_of_a_kind_the_server_lacks_sends_nothing(kind: str, feature: str) -> None:
    others = tuple(f for f in ALL_KINDS if f != feature)
    with pytest.raises(UnsupportedError) as caught:
        api_for(4, others).add(TOKEN, "x", kind)
    assert int(exit_status_for(caught.value)) == 6
    assert "not supported by this server (Talk 22.0.0)" in str(caught.value)
    assert len(responses.calls) == 0


@pytest.mark.parametrize("version", [1, 2, 3, 4])
@pytest.mark.parametrize(
    ("status", "error"), [(400, "room-type"), (403, None), (404, "new-participant")]
)
@responses.activate
def test_add_errors(version: int, status: int, error: str | None) -> None:
    data: Any = {"error": error} if error else []
    responses.post(
        f"{base(version)}/room/{TOKEN}/participants",
        json=ocs_body(data, status, ""),
        status=status,
    )
    with pytest.raises(ApiError) as caught:
        api_for(version).add(TOKEN, "bob")
    assert caught.value.error == error
    assert int(exit_status_for(caught.value)) == EXIT_FOR_STATUS[status]


# -- remove, promote, demote ----------------------------------------------------------
Call = Callable[[ParticipantsApi, Participant], None]
CHANGES: list[tuple[str, str, str, str, Call]] = [
    ("remove", "DELETE", "/attendees", "/participants", lambda a, p: a.remove(TOKEN, p)),
    ("promote", "POST", "/moderators", "/moderators", lambda a, p: a.promote(TOKEN, p)),
    ("demote", "DELETE", "/moderators", "/moderators", lambda a, p: a.demote(TOKEN, p)),
]


@pytest.mark.parametrize(("name", "method", "v3_path", "v1_path", "call"), CHANGES)
@pytest.mark.parametrize("version", [1, 2, 3, 4])
@responses.activate
def test_change_addresses_attendee_or_user(
    name: str, method: str, v3_path: str, v1_path: str, call: Call, version: int
) -> None:
    path, form, who = (
        (v3_path, {"attendeeId": "7"}, V4_ALICE)
        if version >= 3
        else (v1_path, {"participant": "alice"}, V2_ALICE)
    )
    responses.add(
        method,
        f"{base(version)}/room/{TOKEN}{path}",
        json=ocs_body(None if version == 4 else []),
        match=[matchers.urlencoded_params_matcher(form)],
    )
    call(api_for(version), who)
    assert len(responses.calls) == 1


@pytest.mark.parametrize(("name", "method", "v3_path", "v1_path", "call"), CHANGES)
@pytest.mark.parametrize(
    ("status", "error"), [(400, "last-moderator"), (403, "owner"), (404, "participant")]
)
@pytest.mark.parametrize("version", [1, 2, 3, 4])
@responses.activate
def test_change_errors(
    name: str,
    method: str,
    v3_path: str,
    v1_path: str,
    call: Call,
    status: int,
    error: str,
    version: int,
) -> None:
    # Talk 21+ (API v4) words a refused remove in ocs.data.error; earlier answers carry []
    data: Any = {"error": error} if name == "remove" and version == 4 else []
    path, who = (v3_path, V4_ALICE) if version >= 3 else (v1_path, V2_ALICE)
    responses.add(
        method, f"{base(version)}{room(path)}", json=ocs_body(data, status, ""), status=status
    )
    with pytest.raises(ApiError) as caught:
        call(api_for(version), who)
    assert caught.value.status == status
    assert caught.value.error == (error if name == "remove" and version == 4 else None)
    assert int(exit_status_for(caught.value)) == EXIT_FOR_STATUS[status]
    assert len(responses.calls) == 1  # refusals are never retried


def room(suffix: str) -> str:
    return f"/room/{TOKEN}{suffix}"


@pytest.mark.parametrize("version", [1, 2])
def test_old_apis_cannot_address_a_group(version: int) -> None:
    group = Participant({"userId": "", "participantType": 4})
    with pytest.raises(UnsupportedError):
        api_for(version).remove(TOKEN, group)


def test_talk_release() -> None:
    caps = api_for(4, talk=None).capabilities
    assert caps.talk_release is None
    assert api_for(4, talk="21.1.0").capabilities.talk_release == 21
    assert source_for(api_for(4, talk="21.1.0").capabilities, "team") == "teams"


# -- provisioning reads -----------------------------------------------------------------
GROUP_URL = f"{SERVER}/ocs/v2.php/cloud/groups/class%206a/users"


@responses.activate
def test_group_members() -> None:
    responses.get(GROUP_URL, json=ocs_body({"users": ["alice", "bob"]}))
    transport = Transport(SERVER, "admin", "secret")
    assert group_members(transport, "class 6a") == ["alice", "bob"]


@pytest.mark.parametrize(
    ("status", "message", "exit_code"),
    [(403, "", 5), (404, "The requested group could not be found", 3)],
)
@responses.activate
def test_group_members_errors(status: int, message: str, exit_code: int) -> None:
    responses.get(GROUP_URL, json=ocs_body([], status, message), status=status)
    with pytest.raises(ApiError) as caught:
        GroupsApi(Transport(SERVER, "bob", "secret")).members("class 6a")
    assert int(exit_status_for(caught.value)) == exit_code
    assert len(responses.calls) == 1


@responses.activate
def test_groups_of_user() -> None:
    responses.get(f"{SERVER}/ocs/v2.php/cloud/users/alice/groups", json=ocs_body({"groups": ["g"]}))
    assert GroupsApi(Transport(SERVER, "admin", "secret")).groups_of("alice") == ["g"]
