"""``room browse``: the conversations you may join but are not in (GET /listed-room)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import responses
from api_support import GATED_FEATURES, api_for, base, ocs_body, room
from e2e_support import Factory, Session, start
from responses import matchers

from talkctl.api.errors import InvalidResponseError, UnsupportedError


@responses.activate
def test_api_sends_the_search_term_as_searchterm() -> None:
    api = api_for(4, (*GATED_FEATURES, "listable-rooms"))
    responses.get(
        f"{base(4)}/listed-room",
        json=ocs_body([room("open1", listable=2)]),
        match=[matchers.query_param_matcher({"searchTerm": "fixture"})],
    )
    listed = api.listed("fixture")
    assert [c.token for c in listed] == ["open1"]


@responses.activate
def test_api_without_a_search_sends_no_parameter() -> None:
    api = api_for(4, (*GATED_FEATURES, "listable-rooms"))
    responses.get(
        f"{base(4)}/listed-room",
        json=ocs_body([]),
        match=[matchers.query_param_matcher({})],
    )
    assert api.listed() == []


@responses.activate
def test_api_refuses_an_answer_that_is_not_a_list() -> None:
    api = api_for(4, (*GATED_FEATURES, "listable-rooms"))
    responses.get(f"{base(4)}/listed-room", json=ocs_body({"token": "x"}))
    with pytest.raises(InvalidResponseError):
        api.listed()


@responses.activate
def test_api_gate_sends_nothing_without_listable_rooms() -> None:
    api = api_for(4)
    with pytest.raises(UnsupportedError):
        api.listed("x")
    assert len(responses.calls) == 0


@pytest.fixture
def bob(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    bob = start(fake_talk_factory, talkctl_home, user="bob")
    srv = bob.srv
    srv.add_room(owner="admin", name="Open project", description="Come in", listable=2)
    srv.add_room(owner="admin", name="Users only", listable=1)
    srv.add_room(owner="admin", name="Closed", listable=0)
    srv.add_room(owner="admin", name="Bob is in", listable=2, participants={"bob": 3})
    return bob


def test_browse_lists_open_conversations_bob_is_not_in(bob: Session) -> None:
    listed = bob.json("room", "browse")
    assert sorted(c["displayName"] for c in listed) == ["Open project", "Users only"]
    rows = bob.run("room", "browse").stdout.splitlines()
    assert [row.split("\t")[2] for row in rows] == ["Open project", "Users only"]
    assert rows[0].split("\t")[3:] == ["everyone", "Come in"]
    # nothing joined: bob's own list is unchanged
    assert [c["displayName"] for c in bob.json("room", "list")] == ["Bob is in"]
    assert all(r.method == "GET" for r in bob.srv.requests)


def test_browse_search_travels_as_searchterm(bob: Session) -> None:
    listed = bob.json("room", "browse", "project")
    assert [c["displayName"] for c in listed] == ["Open project"]
    queries = [r.query for r in bob.srv.requests if r.path.endswith("/listed-room")]
    assert queries == [{"searchTerm": "project"}]


def test_browse_fields_and_csv(bob: Session) -> None:
    result = bob.run("room", "browse", "--format", "csv", "--fields", "displayName,listable")
    assert result.code == 0, result
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["displayName", "listable"], ["Open project", "2"], ["Users only", "1"]]
    bad = bob.run("room", "browse", "--fields", "colour")
    assert bad.code == 2 and "valid fields" in bad.stderr


def test_browse_is_refused_without_listable_rooms_and_sends_nothing(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    old = start(fake_talk_factory, talkctl_home, talk="9")
    result = old.run("room", "browse")
    assert result.code == 6, result
    assert "not supported by this server" in result.stderr
    assert not any("listed-room" in r.path for r in old.srv.requests)
