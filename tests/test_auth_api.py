"""talkctl.api.account against ``responses`` stubs built from the recorded Talk 22 answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from talkctl.api import account
from talkctl.api.account import LoginFlow, LoginFlowError, checked_poll_endpoint
from talkctl.api.errors import ApiError, InvalidResponseError
from talkctl.api.transport.http import USER_AGENT, Transport

SERVER = "https://cloud.example.com"
FIXTURES = Path(__file__).resolve().parent.parent / "talkctl" / "sandbox" / "recordings" / "talk22"


def recorded(name: str) -> tuple[int, Any]:
    data = json.loads((FIXTURES / name).read_text("utf-8"))
    return int(data["status"]), data["body"]


@pytest.fixture
def stubs() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def anonymous() -> Transport:
    return Transport(SERVER, None, None)


def as_user(secret: str = "app-secret") -> Transport:
    return Transport(SERVER, "alice", secret)


# --- login flow start ----------------------------------------------------------------------


def test_start_sends_user_agent_without_credentials(stubs: responses.RequestsMock) -> None:
    _, body = recorded("login-v2-start.json")
    body = json.loads(json.dumps(body).replace("http://127.0.0.1:8080", SERVER))
    stubs.add(responses.POST, f"{SERVER}/index.php/login/v2", json=body, status=200)
    flow = account.start_login_flow(anonymous())
    assert flow.login_url.startswith(f"{SERVER}/index.php/login/v2/flow/")
    assert flow.poll_endpoint == f"{SERVER}/index.php/login/v2/poll"
    assert flow.poll_token == body["poll"]["token"]
    assert flow.notice is None
    sent = stubs.calls[0].request
    assert sent.headers["User-Agent"] == USER_AGENT
    assert "Authorization" not in sent.headers
    assert flow.poll_token not in repr(flow)


def test_start_404_means_no_login_flow(stubs: responses.RequestsMock) -> None:
    stubs.add(responses.POST, f"{SERVER}/index.php/login/v2", body="<html>", status=404)
    with pytest.raises(LoginFlowError, match="Login Flow v2"):
        account.start_login_flow(anonymous())


def test_start_503_is_an_api_error(stubs: responses.RequestsMock) -> None:
    stubs.add(responses.POST, f"{SERVER}/index.php/login/v2", body="down", status=503)
    with pytest.raises(ApiError) as caught:
        account.start_login_flow(anonymous())
    assert caught.value.status == 503


def test_start_without_poll_is_invalid(stubs: responses.RequestsMock) -> None:
    stubs.add(responses.POST, f"{SERVER}/index.php/login/v2", json={"login": "x"}, status=200)
    with pytest.raises(InvalidResponseError):
        account.start_login_flow(anonymous())


def test_start_refuses_poll_endpoint_on_another_host(stubs: responses.RequestsMock) -> None:
    body = {
        "poll": {"token": "t", "endpoint": "https://evil.example.net/index.php/login/v2/poll"},
        "login": f"{SERVER}/index.php/login/v2/flow/x",
    }
    stubs.add(responses.POST, f"{SERVER}/index.php/login/v2", json=body, status=200)
    with pytest.raises(LoginFlowError, match=r"evil\.example\.net"):
        account.start_login_flow(anonymous())


# --- poll endpoint checks ------------------------------------------------------------------


def test_poll_endpoint_same_origin_is_kept() -> None:
    url = f"{SERVER}/index.php/login/v2/poll"
    assert checked_poll_endpoint(SERVER, url) == (url, None)


def test_poll_endpoint_http_behind_https_is_upgraded_never_downgraded() -> None:
    url, notice = checked_poll_endpoint(SERVER, "http://cloud.example.com/index.php/login/v2/poll")
    assert url == f"{SERVER}/index.php/login/v2/poll"
    assert notice is not None and "overwriteprotocol" in notice


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://other.example.com/index.php/login/v2/poll",
        "https://cloud.example.com:8443/index.php/login/v2/poll",
        "ftp://cloud.example.com/poll",
        "/index.php/login/v2/poll",
    ],
)
def test_poll_endpoint_refused(endpoint: str) -> None:
    with pytest.raises(LoginFlowError):
        checked_poll_endpoint(SERVER, endpoint)


# --- polling -------------------------------------------------------------------------------

FLOW = LoginFlow(
    login_url=f"{SERVER}/index.php/login/v2/flow/abc",
    poll_endpoint=f"{SERVER}/index.php/login/v2/poll",
    poll_token="poll-token-123",
)


def test_poll_pending_is_none(stubs: responses.RequestsMock) -> None:
    status, body = recorded("login-v2-poll-pending-404.json")
    stubs.add(
        responses.POST,
        FLOW.poll_endpoint,
        json=body,
        status=status,
        match=[responses.matchers.urlencoded_params_matcher({"token": "poll-token-123"})],
    )
    assert account.poll_login_flow(anonymous(), FLOW) is None


def test_poll_granted(stubs: responses.RequestsMock) -> None:
    grant = {"server": SERVER, "loginName": "alice", "appPassword": "s3cret-app"}
    stubs.add(responses.POST, FLOW.poll_endpoint, json=grant, status=200)
    result = account.poll_login_flow(anonymous(), FLOW)
    assert result is not None
    assert (result.server, result.login_name, result.app_password) == (
        SERVER,
        "alice",
        "s3cret-app",
    )
    assert "s3cret-app" not in repr(result)


def test_poll_incomplete_grant_is_invalid(stubs: responses.RequestsMock) -> None:
    stubs.add(responses.POST, FLOW.poll_endpoint, json={"server": SERVER}, status=200)
    with pytest.raises(InvalidResponseError):
        account.poll_login_flow(anonymous(), FLOW)


def test_poll_500_is_an_api_error(stubs: responses.RequestsMock) -> None:
    stubs.add(responses.POST, FLOW.poll_endpoint, body="boom", status=500)
    with pytest.raises(ApiError):
        account.poll_login_flow(anonymous(), FLOW)


def test_poll_400_is_a_login_error(stubs: responses.RequestsMock) -> None:
    stubs.add(responses.POST, FLOW.poll_endpoint, json=[], status=400)
    with pytest.raises(LoginFlowError, match="HTTP 400"):
        account.poll_login_flow(anonymous(), FLOW)


# --- cloud/user, getapppassword, apppassword -------------------------------------------------


def test_current_user(stubs: responses.RequestsMock) -> None:
    status, body = recorded("cloud-user.json")
    stubs.add(responses.GET, f"{SERVER}/ocs/v2.php/cloud/user", json=body, status=status)
    info = account.current_user(as_user())
    assert (info.user_id, info.display_name) == ("admin", "admin")
    assert stubs.calls[0].request.headers["Authorization"].startswith("Basic ")


def test_current_user_revoked_is_401(stubs: responses.RequestsMock) -> None:
    status, body = recorded("cloud-user-revoked-app-password-401.json")
    stubs.add(responses.GET, f"{SERVER}/ocs/v2.php/cloud/user", json=body, status=status)
    with pytest.raises(ApiError) as caught:
        account.current_user(as_user())
    assert (caught.value.status, caught.value.ocs_status) == (401, 997)


def test_exchange_real_password(stubs: responses.RequestsMock) -> None:
    status, body = recorded("getapppassword-200.json")
    stubs.add(responses.GET, f"{SERVER}/ocs/v2.php/core/getapppassword", json=body, status=status)
    assert account.exchange_app_password(as_user("real")) == body["ocs"]["data"]["apppassword"]


def test_exchange_with_app_password_is_none(stubs: responses.RequestsMock) -> None:
    status, body = recorded("getapppassword-with-app-password-403.json")
    stubs.add(responses.GET, f"{SERVER}/ocs/v2.php/core/getapppassword", json=body, status=status)
    assert account.exchange_app_password(as_user()) is None


def test_exchange_bad_credentials_raises_401(stubs: responses.RequestsMock) -> None:
    _, body = recorded("cloud-user-revoked-app-password-401.json")
    stubs.add(responses.GET, f"{SERVER}/ocs/v2.php/core/getapppassword", json=body, status=401)
    with pytest.raises(ApiError) as caught:
        account.exchange_app_password(as_user("wrong"))
    assert caught.value.status == 401


def test_revoke(stubs: responses.RequestsMock) -> None:
    status, body = recorded("apppassword-delete-200.json")
    stubs.add(responses.DELETE, f"{SERVER}/ocs/v2.php/core/apppassword", json=body, status=status)
    account.revoke_app_password(as_user())
    assert len(stubs.calls) == 1


def test_revoke_unavailable_raises(stubs: responses.RequestsMock) -> None:
    stubs.add(responses.DELETE, f"{SERVER}/ocs/v2.php/core/apppassword", body="x", status=503)
    with pytest.raises(ApiError) as caught:
        account.revoke_app_password(as_user())
    assert caught.value.status == 503
