"""The OCS envelope parser on odd but valid bodies, and on answers that are not OCS JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from api_support import SERVER, ocs_body

from talkctl.api.errors import ApiError, InvalidResponseError
from talkctl.api.transport.http import Transport
from talkctl.cli.errors import exit_status_for

PATH = "/ocs/v2.php/apps/spreed/api/v4/room"


def send(status: int, body: Any, content_type: str = "application/json") -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(SERVER + PATH, body=raw, status=status, content_type=content_type)
        return Transport(SERVER, "alice", "secret", timeout=5).ocs("GET", PATH)


@pytest.mark.parametrize(
    ("body", "data"),
    [
        pytest.param(ocs_body(None), None, id="data-null"),
        pytest.param(ocs_body([]), [], id="data-empty-list"),
        pytest.param(ocs_body({}), {}, id="data-empty-object"),
        pytest.param(ocs_body([1], message=None), [1], id="meta-without-message"),
        pytest.param({"ocs": {"data": [1]}}, [1], id="no-meta"),
        pytest.param(
            {
                "ocs": {
                    "meta": {"statuscode": 200, "x": 1, "itemsperpage": ""},
                    "data": [],
                    "extra": True,
                },
                "more": 1,
            },
            [],
            id="extra-keys",
        ),
        pytest.param(ocs_body({"a": 1}, statuscode=100), {"a": 1}, id="ocs-v1-statuscode-100"),
        pytest.param(ocs_body("text", statuscode=404), "text", id="meta-404-on-http-200"),
    ],
)
def test_success_bodies_unwrap(body: Any, data: Any) -> None:
    response = send(200, body)
    assert response.status == 200
    assert response.data == data


@pytest.mark.parametrize(
    ("status", "body", "ocs_status", "error", "message", "exit_code"),
    [
        pytest.param(
            401,
            ocs_body([], 997, "Current user is not logged in"),
            997,
            None,
            "Current user is not logged in",
            4,
            id="401-carries-997",
        ),
        pytest.param(
            404,
            ocs_body([], 998, "Invalid query, please check the syntax.\n"),
            998,
            None,
            "Invalid query, please check the syntax.",
            3,
            id="unknown-path-998",
        ),
        pytest.param(
            400, ocs_body({"error": "type"}, 400, ""), 400, "type", None, 6, id="error-reason"
        ),
        pytest.param(
            400,
            ocs_body({"error": "value", "message": "Too weak."}, 400, ""),
            400,
            "value",
            "Too weak.",
            6,
            id="data-message-wins",
        ),
        pytest.param(403, ocs_body(None, 403, None), 403, None, None, 5, id="data-null-no-message"),
        pytest.param(404, {"ocs": {"data": []}}, None, None, None, 3, id="no-meta"),
        pytest.param(500, {"error": "boom"}, None, None, None, 7, id="no-envelope-5xx"),
    ],
)
def test_error_bodies_raise_api_error(
    status: int,
    body: Any,
    ocs_status: int | None,
    error: str | None,
    message: str | None,
    exit_code: int,
) -> None:
    with pytest.raises(ApiError) as info:
        send(status, body)
    exc = info.value
    assert int(exit_status_for(exc)) == exit_code
    assert exc.status == status
    assert exc.ocs_status == ocs_status
    assert exc.error == error
    assert exc.server_message == message
    if message:
        assert message in str(exc)


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        pytest.param("<!DOCTYPE html><html>login</html>", "text/html", "HTML page", id="html"),
        pytest.param(
            '{"ocs": {"meta": ',
            "application/json",
            "invalid or truncated JSON",
            id="truncated-json",
        ),
        pytest.param("", "application/json", "empty answer", id="empty"),
        pytest.param({"data": []}, "application/json", "OCS envelope", id="no-envelope"),
        pytest.param([1, 2], "application/json", "OCS envelope", id="json-array"),
        pytest.param({"ocs": []}, "application/json", "OCS envelope", id="ocs-not-object"),
    ],
)
def test_not_ocs_json_is_invalid_response(body: Any, content_type: str, fragment: str) -> None:
    with pytest.raises(InvalidResponseError) as info:
        send(200, body, content_type)
    assert fragment in str(info.value)
    assert int(exit_status_for(info.value)) == 1


def test_ocs_headers_and_user_agent_are_sent() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(SERVER + PATH, json=ocs_body([]))
        Transport(SERVER, "alice", "secret", timeout=5).ocs("GET", PATH)
        headers = mock.calls[0].request.headers
    assert headers["OCS-APIRequest"] == "true"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("talkctl/")
    assert headers["Authorization"].startswith("Basic ")
