"""Every Conversation API endpoint, every status code the spec lists, on API v1, v2, v3, v4."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import responses
from api_support import api_for, base, ocs_body, room
from responses import matchers

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.models import Conversation
from talkctl.cli.errors import exit_status_for
from talkctl.settings import DESCRIPTION, FAVORITE, NOTIFY_SETTING, READ_ONLY

TOKEN = "abc123"
VERSIONS = (1, 2, 3, 4)
EXIT_FOR_STATUS = {400: 6, 401: 4, 403: 5, 404: 3}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    call: Callable[[ConversationsApi], Any]
    form: dict[str, str] | None
    errors: tuple[int, ...]  # the error statuses the spec lists for it
    returns_room: bool = True  # a change that answers the room on Talk 21+

    def __str__(self) -> str:
        return self.name


ENDPOINTS = [
    Endpoint(
        "create",
        "POST",
        "/room",
        lambda a: a.create(2, name="Team", invite="staff", source="groups"),
        {"roomType": "2", "invite": "staff", "source": "groups", "roomName": "Team"},
        (400, 401, 404),
    ),
    Endpoint("get", "GET", f"/room/{TOKEN}", lambda a: a.get(TOKEN), None, (404,)),
    Endpoint(
        "rename",
        "PUT",
        f"/room/{TOKEN}",
        lambda a: a.rename(TOKEN, "New"),
        {"roomName": "New"},
        (400, 403, 404),
    ),
    Endpoint(
        "delete",
        "DELETE",
        f"/room/{TOKEN}",
        lambda a: a.delete(TOKEN),
        None,
        (400, 403, 404),
        returns_room=False,
    ),
    Endpoint(
        "description",
        "PUT",
        f"/room/{TOKEN}/description",
        lambda a: DESCRIPTION.send(a, TOKEN, "About"),
        {"description": "About"},
        (400, 403, 404),
    ),
    Endpoint(
        "publish",
        "POST",
        f"/room/{TOKEN}/public",
        lambda a: a.make_public(TOKEN),
        None,
        (400, 403, 404),
    ),
    Endpoint(
        "unpublish",
        "DELETE",
        f"/room/{TOKEN}/public",
        lambda a: a.make_private(TOKEN),
        None,
        (400, 403, 404),
    ),
    Endpoint(
        "read-only-on",
        "PUT",
        f"/room/{TOKEN}/read-only",
        lambda a: READ_ONLY.send(a, TOKEN, True),
        {"state": "1"},
        (400, 403, 404),
    ),
    Endpoint(
        "read-only-off",
        "PUT",
        f"/room/{TOKEN}/read-only",
        lambda a: READ_ONLY.send(a, TOKEN, False),
        {"state": "0"},
        (400, 403, 404),
    ),
    Endpoint(
        "password",
        "PUT",
        f"/room/{TOKEN}/password",
        lambda a: a.set_password(TOKEN, "s3cret-pass"),
        {"password": "s3cret-pass"},
        (400, 403, 404),
    ),
    Endpoint(
        "password-clear",
        "PUT",
        f"/room/{TOKEN}/password",
        lambda a: a.set_password(TOKEN, ""),
        {"password": ""},
        (400, 403, 404),
    ),
    Endpoint(
        "favorite",
        "POST",
        f"/room/{TOKEN}/favorite",
        lambda a: FAVORITE.send(a, TOKEN, True),
        None,
        (401, 404),
    ),
    Endpoint(
        "unfavorite",
        "DELETE",
        f"/room/{TOKEN}/favorite",
        lambda a: FAVORITE.send(a, TOKEN, False),
        None,
        (401, 404),
    ),
    Endpoint(
        "notify",
        "POST",
        f"/room/{TOKEN}/notify",
        lambda a: NOTIFY_SETTING.send(a, TOKEN, 3),
        {"level": "3"},
        (400, 401, 404),
    ),
    Endpoint(
        "leave",
        "DELETE",
        f"/room/{TOKEN}/participants/self",
        lambda a: a.leave(TOKEN),
        None,
        (400, 404),
        returns_room=False,
    ),
]
LIST = Endpoint("list", "GET", "/room", lambda a: a.list(), None, (401,))


def stub(
    mock: responses.RequestsMock, version: int, endpoint: Endpoint, status: int, data: Any
) -> None:
    match: list[Any] = []
    if endpoint.form is not None:
        match.append(matchers.urlencoded_params_matcher(endpoint.form, allow_blank=True))
    if endpoint is LIST:
        match.append(matchers.query_param_matcher({"noStatusUpdate": "1"}))
    mock.add(
        endpoint.method,
        base(version) + endpoint.path,
        json=ocs_body(data, status),
        status=status,
        match=match,
    )


def error_data(version: int) -> Any:
    """Talk 21+ (v4) explains most errors with {"error": reason}; older servers send []."""
    return {"error": "reason"} if version == 4 else []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("endpoint", "status"),
    [(e, s) for e in [LIST, *ENDPOINTS] for s in e.errors],
    ids=lambda v: str(v),
)
def test_error_status_raises_api_error(version: int, endpoint: Endpoint, status: int) -> None:
    api = api_for(version)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        stub(mock, version, endpoint, status, error_data(version))
        with pytest.raises(ApiError) as info:
            endpoint.call(api)
    exc = info.value
    assert (exc.status, exc.method) == (status, endpoint.method)
    assert exc.error == ("reason" if version == 4 else None)
    assert int(exit_status_for(exc)) == EXIT_FOR_STATUS[status]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.name not in ("create", "get")], ids=str
)
@pytest.mark.parametrize("answer", ["room", "empty-list", "null"])
def test_change_succeeds_with_room_or_empty_answer(
    version: int, endpoint: Endpoint, answer: str
) -> None:
    """Talk 21+ answers a change with the room; Talk 18-20 and API v1-v3 with data []."""
    data: object = {"room": room(TOKEN, name="after"), "empty-list": [], "null": None}[answer]
    api = api_for(version)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        stub(mock, version, endpoint, 200, data)
        result = endpoint.call(api)
        sent = mock.calls[0].request
    if endpoint.form is None:
        assert not sent.body
    if answer == "room" and endpoint.returns_room:
        assert isinstance(result, Conversation)
        assert result.raw == data
    else:
        assert result is None


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("status", "created"), [(201, True), (200, False)])
def test_create_returns_the_conversation_and_whether_it_is_new(
    version: int, status: int, created: bool
) -> None:
    endpoint = Endpoint(
        "one-to-one",
        "POST",
        "/room",
        lambda a: a.create(1, name="ignored", invite="bob"),
        {"roomType": "1", "invite": "bob"},
        (),
    )
    api = api_for(version)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        stub(mock, version, endpoint, status, room("one2one", type=1, name="bob"))
        conversation, is_new = endpoint.call(api)
    assert (conversation.token, conversation.type, is_new) == ("one2one", 1, created)


@pytest.mark.parametrize("version", VERSIONS)
def test_create_with_password_sends_it_where_the_server_supports_it(version: int) -> None:
    endpoint = Endpoint(
        "public",
        "POST",
        "/room",
        lambda a: a.create(3, name="Town", password="pw-123456789"),
        {"roomType": "3", "roomName": "Town", "password": "pw-123456789"},
        (),
    )
    api = api_for(version)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        stub(mock, version, endpoint, 201, room("pub1", type=3, hasPassword=True))
        conversation, _ = endpoint.call(api)
    assert conversation.has_password


@pytest.mark.parametrize("version", VERSIONS)
def test_publish_with_password_sends_it(version: int) -> None:
    endpoint = Endpoint(
        "publish-pw",
        "POST",
        f"/room/{TOKEN}/public",
        lambda a: a.make_public(TOKEN, "pw-123456789"),
        {"password": "pw-123456789"},
        (),
    )
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        stub(mock, version, endpoint, 200, [])
        assert endpoint.call(api_for(version)) is None


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("data", [[], None, {"no": "token"}])
def test_get_or_create_without_a_room_in_the_answer_is_invalid(version: int, data: Any) -> None:
    from talkctl.api.errors import InvalidResponseError

    for endpoint, status in ((ENDPOINTS[1], 200), (ENDPOINTS[0], 201)):
        with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
            stub(mock, version, endpoint, status, data)
            with pytest.raises(InvalidResponseError) as info:
                endpoint.call(api_for(version))
        assert int(exit_status_for(info.value)) == 1


@pytest.mark.parametrize("version", VERSIONS)
def test_list_returns_conversations_and_skips_garbage(version: int) -> None:
    listed = [room("a1"), "garbage", room("b2", type=7, notificationLevel=9), {"token": "c3"}]
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        stub(mock, version, LIST, 200, listed)
        conversations = api_for(version).list()
    assert [c.token for c in conversations] == ["a1", "b2", "c3"]
    assert [c.raw for c in conversations] == [listed[0], listed[2], listed[3]]


@pytest.mark.parametrize(
    ("version", "query"),
    [
        (4, {"noStatusUpdate": "1", "includeLastMessage": "0"}),
        (3, {"noStatusUpdate": "1"}),
        (1, {"noStatusUpdate": "1"}),
    ],
)
def test_list_without_last_message_only_asks_v4(version: int, query: dict[str, str]) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(
            base(version) + "/room", json=ocs_body([]), match=[matchers.query_param_matcher(query)]
        )
        assert api_for(version).list(include_last_message=False) == []


def test_token_is_one_url_segment() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(base(4) + "/room/..%2Fx%3Fy", json=ocs_body(room("../x?y")))
        assert api_for(4).get("../x?y").token == "../x?y"
