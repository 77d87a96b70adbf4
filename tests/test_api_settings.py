"""The room settings setters and the create with settings (talkctl/api/conversations.py) with
``responses``: the path, method and fields of the recorded Talk 22 answers
(talkctl/sandbox/recordings/talk22/room-*.json, talk22-create/), on each API version that has
them; every capability gate refuses without sending anything; a failed password step is
undone whatever made it fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from api_support import GATED_FEATURES, api_for, base, ocs_body, room
from responses import matchers

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError, StepFailed, TransportError, UnsupportedError
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.settings import (
    ARCHIVED,
    DEFAULT_PERMISSIONS,
    DESCRIPTION,
    IMPORTANT,
    LISTABLE_SETTING,
    LOBBY,
    MENTION_PERMISSIONS_SETTING,
    MESSAGE_EXPIRATION,
    RECORDING_CONSENT,
    SIP_SETTING,
    Lobby,
)

TOKEN = "o9mcivkm"
ALL = (
    *GATED_FEATURES,
    "listable-rooms",
    "webinary-lobby",
    "message-expiration",
    "archived-conversations-v2",
    "conversation-creation-all",
    "mention-permissions",
    "conversation-permissions",
    "recording-consent",
    "sip-support",
    "important-conversations",
)
Call = Callable[[ConversationsApi], Any]

# (name, versions, method, path, call, form) as recorded in talk22/room-*.json
SETTERS: list[tuple[str, tuple[int, ...], str, str, Call, dict[str, str] | None]] = [
    (
        "description",
        (1, 2, 3, 4),
        "PUT",
        "/description",
        lambda a: DESCRIPTION.send(a, TOKEN, "Fixture description"),
        {"description": "Fixture description"},
    ),
    (
        "listable",
        (3, 4),
        "PUT",
        "/listable",
        lambda a: LISTABLE_SETTING.send(a, TOKEN, 2),
        {"scope": "2"},
    ),
    (
        "lobby on",
        (1, 2, 3, 4),
        "PUT",
        "/webinar/lobby",
        lambda a: LOBBY.send(a, TOKEN, Lobby(True)),
        {"state": "1"},
    ),
    (
        "lobby until",
        (1, 2, 3, 4),
        "PUT",
        "/webinar/lobby",
        lambda a: LOBBY.send(a, TOKEN, Lobby(True, 4102444800)),
        {"state": "1", "timer": "4102444800"},
    ),
    (
        "lobby off",
        (1, 2, 3, 4),
        "PUT",
        "/webinar/lobby",
        lambda a: LOBBY.send(a, TOKEN, Lobby(False)),
        {"state": "0"},
    ),
    (
        "message-expiration",
        (4,),
        "POST",
        "/message-expiration",
        lambda a: MESSAGE_EXPIRATION.send(a, TOKEN, 3600),
        {"seconds": "3600"},
    ),
    (
        "mention-permissions",
        (4,),
        "PUT",
        "/mention-permissions",
        lambda a: MENTION_PERMISSIONS_SETTING.send(a, TOKEN, 1),
        {"mentionPermissions": "1"},
    ),
    (
        "default-permissions",
        (4,),
        "PUT",
        "/permissions/default",
        lambda a: DEFAULT_PERMISSIONS.send(a, TOKEN, 132),
        {"permissions": "132"},
    ),
    (
        "recording-consent",
        (4,),
        "PUT",
        "/recording-consent",
        lambda a: RECORDING_CONSENT.send(a, TOKEN, True),
        {"recordingConsent": "1"},
    ),
    (
        "sip",
        (4,),
        "PUT",
        "/webinar/sip",
        lambda a: SIP_SETTING.send(a, TOKEN, 2),
        {"state": "2"},
    ),
    ("important", (4,), "POST", "/important", lambda a: IMPORTANT.send(a, TOKEN, True), None),
    ("unimportant", (4,), "DELETE", "/important", lambda a: IMPORTANT.send(a, TOKEN, False), None),
    ("archive", (4,), "POST", "/archive", lambda a: ARCHIVED.send(a, TOKEN, True), None),
    ("unarchive", (4,), "DELETE", "/archive", lambda a: ARCHIVED.send(a, TOKEN, False), None),
]
CASES = [(s, v) for s in SETTERS for v in s[1]]


def _id(value: Any) -> str:
    return f"{value[0][0]}-v{value[1]}" if isinstance(value, tuple) else str(value)


@pytest.mark.parametrize("case", CASES, ids=_id)
@pytest.mark.parametrize("answer", ["room", "empty"])
def test_setter_sends_the_recorded_request(case: Any, answer: str) -> None:
    (_, _, method, suffix, call, form), version = case
    api = api_for(version, ALL)
    data = room(TOKEN, listable=2) if answer == "room" else []
    match = [matchers.urlencoded_params_matcher(form)] if form else []
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add(method, f"{base(version)}/room/{TOKEN}{suffix}", json=ocs_body(data), match=match)
        result = call(api)
        sent = mock.calls[0].request
    assert sent.url is not None
    assert (sent.method, sent.url.split("/room/")[1]) == (method, TOKEN + suffix)
    if form is None:
        assert not sent.body
    assert (result is not None) is (answer == "room")


@pytest.mark.parametrize("case", CASES, ids=_id)
@pytest.mark.parametrize("status", [400, 403, 404])
def test_setter_errors_map_to_exit_codes(case: Any, status: int) -> None:
    (_, _, method, suffix, call, _), version = case
    api = api_for(version, ALL)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        error = {"error": "value"} if version == 4 else []
        mock.add(
            method,
            f"{base(version)}/room/{TOKEN}{suffix}",
            json=ocs_body(error, status),
            status=status,
        )
        with pytest.raises(ApiError) as info:
            call(api)
    assert int(exit_status_for(info.value)) == {400: 6, 403: 5, 404: 3}[status]


@pytest.mark.parametrize(
    ("call", "feature"),
    [
        (lambda a: LISTABLE_SETTING.send(a, TOKEN, 1), "listable-rooms"),
        (lambda a: LOBBY.send(a, TOKEN, Lobby(True)), "webinary-lobby"),
        (lambda a: MESSAGE_EXPIRATION.send(a, TOKEN, 60), "message-expiration"),
        (lambda a: ARCHIVED.send(a, TOKEN, True), "archived-conversations-v2"),
        (lambda a: MENTION_PERMISSIONS_SETTING.send(a, TOKEN, 1), "mention-permissions"),
        (lambda a: a.create_with_settings(2, "x", {}), "conversation-creation-all"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_gates_refuse_without_sending(call: Call, feature: str) -> None:
    api = api_for(4, tuple(f for f in ALL if f != feature))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with pytest.raises(UnsupportedError) as info:
            call(api)
        assert len(mock.calls) == 0
    assert int(exit_status_for(info.value)) == 6
    if feature == "message-expiration":
        assert "cron" in str(info.value)


def test_create_with_settings_is_one_json_request() -> None:
    api = api_for(4, ALL)
    created = room("5yfv76hw", readOnly=1, listable=1, messageExpiration=3600, lobbyState=1)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add("POST", f"{base(4)}/room", json=ocs_body(created, 201), status=201)
        conversation, invalid = api.create_with_settings(
            2,
            "fixture all settings",
            {"description": "Set at creation", "readOnly": 1, "listable": 1},
            participants={"users": ["alice", "bob"]},
        )
        sent = mock.calls[0].request
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.body is not None
    assert json.loads(sent.body) == {
        "roomType": 2,
        "roomName": "fixture all settings",
        "description": "Set at creation",
        "readOnly": 1,
        "listable": 1,
        "participants": {"users": ["alice", "bob"]},
    }
    assert conversation.token == "5yfv76hw" and invalid == {}


def test_create_with_settings_returns_the_invalid_participants_of_a_202() -> None:
    api = api_for(4, ALL)
    answer = room("4jatvh7h", invalidParticipants={"users": ["nobody-fixture"]})
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add("POST", f"{base(4)}/room", json=ocs_body(answer, 202), status=202)
        _, invalid = api.create_with_settings(
            2, "fixture partly invalid", {}, participants={"users": ["alice", "nobody-fixture"]}
        )
    assert invalid == {"users": ["nobody-fixture"]}


def test_create_with_settings_refused_is_exit_6() -> None:
    api = api_for(4, ALL)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        body = ocs_body({"error": "description"}, 400, "")
        mock.add("POST", f"{base(4)}/room", json=body, status=400)
        with pytest.raises(ApiError) as info:
            api.create_with_settings(2, "fixture too long", {"description": "d" * 2001})
    assert info.value.error == "description" and int(exit_status_for(info.value)) == 6


# --- the password step: undone on ANY failure (issue 12) -----------------------------------

OLD = tuple(f for f in GATED_FEATURES if f != "conversation-creation-password")


def _fail_password(mock: responses.RequestsMock, how: str) -> None:
    url = f"{base(4)}/room/pub1/password"
    if how == "refused":
        mock.add("PUT", url, json=ocs_body({"error": "password"}, 400), status=400)
    else:
        mock.add("PUT", url, body=requests.exceptions.ConnectionError("connection reset"))


@pytest.mark.parametrize("how", ["refused", "dropped"])
def test_create_with_password_deletes_on_any_failure(how: str) -> None:
    api = api_for(4, OLD, config=None)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add("POST", f"{base(4)}/room", json=ocs_body(room("pub1", type=3), 201), status=201)
        _fail_password(mock, how)
        mock.add("DELETE", f"{base(4)}/room/pub1", json=ocs_body([]))
        with pytest.raises(StepFailed) as info:
            api.create_with_password(3, "Pw-123456789", name="Town")
    failure = info.value
    assert (failure.undo, failure.undone, failure.token) == ("delete", True, "pub1")
    assert isinstance(failure.cause, ApiError if how == "refused" else TransportError)
    assert int(exit_status_for(failure)) == (6 if how == "refused" else 7)
    assert "nothing was created" in error_line(failure)


def _ctrl_c(request: Any) -> Any:
    raise KeyboardInterrupt


def test_publish_with_password_interrupted_is_made_private_again() -> None:
    api = api_for(4, OLD)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add("POST", f"{base(4)}/room/pub1/public", json=ocs_body([]))
        mock.add_callback("PUT", f"{base(4)}/room/pub1/password", callback=_ctrl_c)
        mock.add("DELETE", f"{base(4)}/room/pub1/public", json=ocs_body([]))
        with pytest.raises(StepFailed) as info:
            api.publish_with_password("pub1", "Pw-123456789")
    assert (info.value.undo, info.value.undone) == ("unpublish", True)
    assert int(exit_status_for(info.value)) == 130
    assert "stays a group conversation" in error_line(info.value)


def test_failed_rollback_says_loudly_which_conversation_is_exposed() -> None:
    api = api_for(4, OLD)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add("POST", f"{base(4)}/room/pub1/public", json=ocs_body([]))
        _fail_password(mock, "dropped")
        mock.add(
            "DELETE",
            f"{base(4)}/room/pub1/public",
            body=requests.exceptions.ConnectionError("down"),
        )
        with pytest.raises(StepFailed) as info:
            api.publish_with_password("pub1", "Pw-123456789")
    line = error_line(info.value)
    assert "pub1 is EXPOSED" in line and "WITHOUT a password" in line
    assert "talkctl room unpublish pub1" in line
