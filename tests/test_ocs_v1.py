"""OCS v1 answers HTTP 200 for failures too: ``meta.statuscode`` decides (100 ok; 404, 997,
998, an app's own codes: failures), in the transport and in ``talkctl api``."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from api_support import SERVER, VERSION_FEATURES, MemoryStore, cached, make_client, ocs_body

from talkctl.api.errors import ApiError
from talkctl.api.raw import RawApi
from talkctl.api.transport.envelope import ocs_v1_status
from talkctl.api.transport.http import Transport
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.exit_codes import ExitStatus

V1_USER = "/ocs/v1.php/cloud/users/nosuch"
V2_USER = "/ocs/v2.php/cloud/users/nosuch"


def v1_body(statuscode: int, data: Any = None, message: str = "") -> dict[str, Any]:
    status = "ok" if statuscode == 100 else "failure"
    meta = {"status": status, "statuscode": statuscode, "message": message}
    return {"ocs": {"meta": meta, "data": [] if data is None else data}}


def send(path: str, body: Any, status: int = 200) -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(SERVER + path, json=body, status=status)
        return Transport(SERVER, "alice", "secret", timeout=5).ocs("GET", path)


@pytest.mark.parametrize(
    ("statuscode", "http_status", "exit_code"),
    [
        (404, 404, ExitStatus.NOT_FOUND),  # user does not exist: HTTP 200, statuscode 404
        (998, 404, ExitStatus.NOT_FOUND),  # unknown path
        (997, 401, ExitStatus.AUTH),
        (996, 500, ExitStatus.UNAVAILABLE),
        (403, 403, ExitStatus.FORBIDDEN),
        (102, 400, ExitStatus.REJECTED),  # an app's own failure code
    ],
)
def test_v1_failures_on_http_200_are_errors(
    statuscode: int, http_status: int, exit_code: ExitStatus
) -> None:
    with pytest.raises(ApiError) as info:
        send(V1_USER, v1_body(statuscode, message="User does not exist"))
    assert info.value.status == http_status
    assert info.value.ocs_status == statuscode
    assert exit_status_for(info.value) == exit_code
    line = error_line(info.value)
    assert "User does not exist" in line and f"OCS v1 status {statuscode}" in line


def test_v1_success_is_100() -> None:
    response = send(V1_USER.replace("nosuch", "alice"), v1_body(100, {"id": "alice"}))
    assert response.data == {"id": "alice"}


def test_v2_keeps_the_http_status_as_the_outcome() -> None:
    """On OCS v2 the HTTP status decides; a statuscode on HTTP 200 is no failure there."""
    assert send(V2_USER, ocs_body("text", statuscode=404)).data == "text"


@pytest.mark.parametrize(
    ("code", "expected"),
    [(100, None), (200, None), (None, None), ("404", None), (True, None), (101, 400), (3, 400)],
)
def test_v1_status_reading(code: Any, expected: int | None) -> None:
    assert ocs_v1_status(code) == expected


def test_api_command_reads_v1_by_its_status_code() -> None:
    """``talkctl api GET /ocs/v1.php/cloud/users/nosuch`` printed [] and exited 0."""
    client = make_client(MemoryStore(cached(VERSION_FEATURES[4])))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(SERVER + V1_USER, json=v1_body(404, message="User does not exist"))
        answer = RawApi(client).request("GET", V1_USER, {})
    assert answer.status == 200
    assert answer.error is not None
    assert exit_status_for(answer.error) == ExitStatus.NOT_FOUND
    assert answer.payload["ocs"]["meta"]["statuscode"] == 404  # --raw still prints it
