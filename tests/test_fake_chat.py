"""The sandbox's chat where no recording covers it: what its docstring calls guesses (a read
without lookIntoFuture, read-only conversations, the edit time limit), the read marker when
polling, and the history kept in a --state file."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from talkctl.sandbox import FakeTalkServer
from talkctl.sandbox.persist import dump_state, load_state
from talkctl.sandbox.state import State

HEADERS = {"Accept": "application/json", "OCS-APIRequest": "true"}


def chat(srv: FakeTalkServer, method: str, path: str, user: str = "admin", **kw: Any) -> Any:
    return requests.request(
        method,
        f"{srv.url}/ocs/v2.php/apps/spreed/api/v1/chat/{path}",
        auth=(user, srv.password_of(user)),
        headers=HEADERS,
        timeout=10,
        **kw,
    )


@pytest.fixture
def team(fake_talk: FakeTalkServer) -> str:
    return fake_talk.add_room(owner="admin", name="Team", participants={"alice": 3})


def test_a_read_without_look_into_future_is_500(fake_talk: FakeTalkServer, team: str) -> None:
    assert chat(fake_talk, "GET", team).status_code == 500
    assert chat(fake_talk, "GET", team, params={"lookIntoFuture": 0}).status_code == 200


def test_read_only_refuses_posts_edits_and_deletions(fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", name="News", read_only=1)
    (mine,) = fake_talk.add_history(token, 1, authors=["admin"])
    assert chat(fake_talk, "POST", token, data={"message": "x"}).status_code == 403
    assert chat(fake_talk, "PUT", f"{token}/{mine}", data={"message": "y"}).status_code == 403
    assert chat(fake_talk, "DELETE", f"{token}/{mine}").status_code == 403


def test_an_edit_after_a_day_is_refused_for_its_age(fake_talk: FakeTalkServer, team: str) -> None:
    (old,) = fake_talk.add_history(team, 1, authors=["admin"], start=1_700_000_000)
    resp = chat(fake_talk, "PUT", f"{team}/{old}", data={"message": "late"})
    assert resp.status_code == 400 and resp.json()["ocs"]["data"] == {"error": "age"}


def test_polling_moves_the_read_marker_only_when_asked(
    fake_talk: FakeTalkServer, team: str
) -> None:
    ids = fake_talk.add_history(team, 3, authors=["alice"])
    quiet = {"lookIntoFuture": 1, "timeout": 0, "setReadMarker": 0}
    assert chat(fake_talk, "GET", team, params=quiet).status_code == 200
    assert fake_talk.state.rooms[team].attendee_of("admin").last_read_message < ids[-1]  # type: ignore[union-attr]
    read = chat(fake_talk, "GET", team, params={**quiet, "setReadMarker": 1})
    assert read.headers["X-Chat-Last-Given"] == str(ids[-1])
    assert fake_talk.state.rooms[team].attendee_of("admin").last_read_message == ids[-1]  # type: ignore[union-attr]
    nothing = chat(fake_talk, "GET", team, params={**quiet, "lastKnownMessageId": ids[-1]})
    assert nothing.status_code == 304 and nothing.content == b""


def test_the_history_survives_a_state_file(fake_talk: FakeTalkServer, team: str) -> None:
    ids = fake_talk.add_history(team, 5)
    assert chat(fake_talk, "DELETE", f"{team}/{ids[0]}").status_code == 200
    copy = State()
    load_state(dump_state(fake_talk.state), copy)
    room = copy.rooms[team]
    assert [m.id for m in room.messages] == [m["id"] for m in fake_talk.messages(team)]
    assert room.messages[1].deleted_by == "admin"
    assert room.last_message is room.messages[-1]
