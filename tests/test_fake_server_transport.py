"""The fake server's transport side: injected faults, the login flow, concurrency,
keep-alive and its request log."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from fake_http import H, api, call, data

from talkctl.sandbox import FakeTalkServer


# -- fault injection ---------------------------------------------------------------------
def test_injected_status_headers_and_times(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(
        method="GET",
        path="/room",
        times=2,
        status=503,
        headers={"Retry-After": "1"},
        body={"ocs": {"meta": {}, "data": []}},
    )
    first, second, third = (call(fake_talk, "GET", "/room") for _ in range(3))
    assert [r.status_code for r in (first, second, third)] == [503, 503, 200]
    assert first.headers["Retry-After"] == "1"
    assert [r.fault for r in fake_talk.requests] == [True, True, False]
    assert [r.status for r in fake_talk.requests] == [503, 503, 200]
    assert fake_talk.requests[0].user == "admin"


def test_injected_drop_closes_the_connection(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(path=r"/room$", drop=True)
    with pytest.raises(requests.ConnectionError):
        call(fake_talk, "GET", "/room")
    assert call(fake_talk, "GET", "/room").status_code == 200
    assert fake_talk.requests[0].status == 0


def test_injected_delay_then_normal_handling_and_latency(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(method="GET", delay=0.3)
    started = time.monotonic()
    assert call(fake_talk, "GET", "/room").status_code == 200
    assert time.monotonic() - started >= 0.3
    fake_talk.latency = 0.1
    started = time.monotonic()
    call(fake_talk, "GET", "/room")
    assert time.monotonic() - started >= 0.1


def test_injected_redirect_to_another_host(fake_talk: FakeTalkServer) -> None:
    fake_talk.inject(path="/room", status=302, headers={"Location": "http://evil.invalid/x"})
    resp = call(fake_talk, "GET", "/room", allow_redirects=False)
    assert resp.status_code == 302 and resp.headers["Location"] == "http://evil.invalid/x"


def test_bruteforce_throttles_after_ten_unknown_tokens(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", name="real")
    for _ in range(10):
        assert call(fake_talk, "GET", "/room/zzzzzzzz").status_code == 404  # off by default
    fake_talk.bruteforce = True
    for _ in range(10):
        assert call(fake_talk, "GET", "/room/zzzzzzzz").status_code == 404
    assert call(fake_talk, "GET", f"/room/{token}").status_code == 500
    throttled = call(fake_talk, "GET", f"/room/{token}")
    assert throttled.status_code == 429
    assert "X-Nextcloud-Bruteforce-Throttled" in throttled.headers
    assert call(fake_talk, "GET", "/room").status_code == 200  # no token lookup
    fake_talk.reset_bruteforce()
    assert call(fake_talk, "GET", f"/room/{token}").status_code == 200


# -- login flow ------------------------------------------------------------------------
def test_login_flow_v2(fake_talk: FakeTalkServer) -> None:
    start = requests.post(
        fake_talk.url + "/index.php/login/v2",
        timeout=10,
        headers={"User-Agent": "talkctl-test/1.0"},
    )
    assert start.status_code == 200
    poll = start.json()["poll"]
    assert poll["endpoint"] == fake_talk.url + "/index.php/login/v2/poll"
    assert fake_talk.last_login_user_agent == "talkctl-test/1.0"

    def do_poll() -> requests.Response:
        return requests.post(poll["endpoint"], data={"token": poll["token"]}, timeout=10)

    pending = do_poll()
    assert (pending.status_code, pending.json()) == (404, [])
    fake_talk.grant_login("alice")
    granted = do_poll()
    assert granted.status_code == 200
    answer = granted.json()
    assert (answer["server"], answer["loginName"]) == (fake_talk.url, "alice")
    assert (
        call(fake_talk, "GET", "/room", user="alice", password=answer["appPassword"]).status_code
        == 200
    )
    assert do_poll().status_code == 404


def test_login_flow_granted_in_advance_after_polls(fake_talk: FakeTalkServer) -> None:
    fake_talk.grant_login("bob", after_polls=2)
    fake_talk.login_server_override = "https://cloud.example.org"
    poll = requests.post(fake_talk.url + "/index.php/login/v2", timeout=10).json()["poll"]
    codes = [
        requests.post(poll["endpoint"], data={"token": poll["token"]}, timeout=10) for _ in range(4)
    ]
    assert [c.status_code for c in codes] == [404, 404, 200, 404]
    assert codes[2].json()["server"] == "https://cloud.example.org"


# -- concurrency, keep-alive, log ------------------------------------------------------
def test_fifty_parallel_requests_succeed(fake_talk: FakeTalkServer) -> None:
    fake_talk.seed_rooms("admin", 20)
    session = requests.Session()
    session.auth, session.headers = ("admin", fake_talk.password_of("admin")), dict(H)

    def get(_: int) -> int:
        return session.get(api(fake_talk) + "/room", timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(get, range(50))) == [200] * 50
    assert fake_talk.count("GET", "/room") == 50


def test_keep_alive_reuses_the_connection(fake_talk: FakeTalkServer) -> None:
    session = requests.Session()
    for _ in range(5):
        session.get(
            api(fake_talk) + "/room",
            headers=H,
            timeout=10,
            auth=("admin", fake_talk.password_of("admin")),
        )
    assert len({r.client_port for r in fake_talk.requests}) == 1


def test_request_log_records_requests(fake_talk: FakeTalkServer) -> None:
    created = call(fake_talk, "POST", "/room", data={"roomType": 2, "roomName": "logged"})
    token = data(created)["token"]
    call(fake_talk, "GET", "/room", params={"noStatusUpdate": 1})
    call(fake_talk, "PUT", f"/room/{token}/description", json={"description": "via json"})
    call(fake_talk, "GET", "/room", user=None)
    first, second, third, fourth = fake_talk.requests
    assert (first.method, first.form, first.user, first.status) == (
        "POST",
        {"roomType": "2", "roomName": "logged"},
        "admin",
        201,
    )
    assert second.query == {"noStatusUpdate": "1"}
    assert third.json == {"description": "via json"}
    assert fake_talk.room(token)["description"] == "via json"
    assert (fourth.user, fourth.status) == (None, 401)
    assert first.headers["Accept"] == "application/json"
    assert fake_talk.count() == 4 and fake_talk.count("GET") == 2
    assert fake_talk.count(path_contains="/description") == 1
    assert [r.method for r in fake_talk.changing_requests()] == ["POST", "PUT"]
    fake_talk.clear_log()
    assert fake_talk.requests == []


def test_state_helpers(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(
        owner="admin",
        type=2,
        name="helper",
        participants={"alice": 3},
        description="d",
        favorite_for=["alice"],
        unread_for={"alice": 4},
        archived_for=["admin"],
    )
    state = fake_talk.room(token)
    assert state["participants"] == {"admin": 1, "alice": 3}
    alice_view = data(call(fake_talk, "GET", f"/room/{token}", user="alice"))
    assert (alice_view["isFavorite"], alice_view["unreadMessages"]) == (True, 4)
    assert (alice_view["isArchived"], alice_view["canDeleteConversation"]) == (False, False)
    seeded = fake_talk.seed_realistic("bob")
    types = sorted(r["type"] for r in data(call(fake_talk, "GET", "/room", user="bob")))
    assert types == [2, 4, 6] and len(seeded) == 3
    assert [r["token"] for r in fake_talk.rooms_of("alice")] == [token]


def test_five_thousand_rooms_list_fast_with_talk22_sized_objects(fake_talk: FakeTalkServer) -> None:
    fake_talk.seed_rooms("admin", 5000)
    started = time.monotonic()
    resp = call(fake_talk, "GET", "/room")
    elapsed = time.monotonic() - started
    rooms = data(resp)
    assert len(rooms) == 5000
    assert 2100 < len(resp.content) / 5000 < 2500
    assert elapsed < 30  # ~1 s when idle; a bound that holds on a loaded 2-core machine
