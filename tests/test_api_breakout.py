"""The breakout-room API (api/breakout.py) with ``responses``: v1 actions, the parent's
listings under the conversation API, the recorded answers and refusals, the gates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from api_support import VERSION_FEATURES, MemoryStore, base, cached, make_client

from talkctl.api.breakout import BreakoutApi, mode_name, status_name
from talkctl.api.errors import ApiError, UnsupportedError
from talkctl.cli.errors import exit_status_for

RECORDINGS = Path(__file__).resolve().parent.parent / "talkctl/sandbox/recordings/talk22-moderation"
TOKEN = "4p7gk3k2"


def recorded(name: str) -> tuple[int, dict[str, Any]]:
    rec = json.loads((RECORDINGS / name).read_text(encoding="utf-8"))
    return int(rec["status"]), rec["body"]


def api_for(
    features: tuple[str, ...] = ("breakout-rooms-v1",), config: dict[str, Any] | None = None
) -> BreakoutApi:
    store = MemoryStore(cached(VERSION_FEATURES[4] + features, config=config))
    return BreakoutApi(make_client(store))


@responses.activate
def test_configure_sends_mode_amount_and_the_map_as_json() -> None:
    status, body = recorded("br-configure-200.json")
    responses.post(f"{base(1)}/breakout-rooms/{TOKEN}", json=body, status=status)
    rooms = api_for().configure(TOKEN, 2, 2, {688: 1, 689: 0})
    assert [r.name for r in rooms] == ["Room 1", "Room 2", "fx-breakout"]
    sent = parse_qs(str(responses.calls[0].request.body))
    assert sent["mode"] == ["2"] and sent["amount"] == ["2"]
    assert json.loads(sent["attendeeMap"][0]) == {"688": 1, "689": 0}


@responses.activate
def test_refused_configure_is_400_room_exit_6_and_not_retried() -> None:
    status, body = recorded("br-configure-after-failed-400.json")
    responses.post(f"{base(1)}/breakout-rooms/{TOKEN}", json=body, status=status)
    with pytest.raises(ApiError) as caught:
        api_for().configure(TOKEN, 1, 2, None)
    assert (caught.value.error, int(exit_status_for(caught.value))) == ("room", 6)
    assert len(responses.calls) == 1


@responses.activate
def test_start_stop_broadcast_remove_and_the_listings() -> None:
    for method, path, name in (
        ("POST", f"{base(1)}/breakout-rooms/{TOKEN}/rooms", "br-start-200.json"),
        ("DELETE", f"{base(1)}/breakout-rooms/{TOKEN}/rooms", "br-stop-200.json"),
        ("POST", f"{base(1)}/breakout-rooms/{TOKEN}/broadcast", "br-broadcast-201.json"),
        ("DELETE", f"{base(1)}/breakout-rooms/{TOKEN}", "br-remove-200.json"),
        ("GET", f"{base(4)}/room/{TOKEN}/breakout-rooms", "br-list-200.json"),
        ("GET", f"{base(4)}/room/{TOKEN}/breakout-rooms/participants", "br-participants-200.json"),
    ):
        status, body = recorded(name)
        responses.add(method, path, json=body, status=status)
    api = api_for()
    assert api.start(TOKEN)[-1].raw["breakoutRoomStatus"] == 1
    assert api.stop(TOKEN)[-1].raw["breakoutRoomStatus"] == 0
    assert len(api.broadcast(TOKEN, "Five minutes left")) == 3
    removed = api.remove(TOKEN)
    assert removed is not None and removed.raw["breakoutRoomMode"] == 0
    assert [r.name for r in api.rooms(TOKEN)] == ["Room 1", "Room 2"]
    assert len(api.participants(TOKEN)) == 7


@responses.activate
def test_listing_without_breakout_rooms_is_400_mode() -> None:
    status, body = recorded("br-list-not-configured-400.json")
    responses.get(f"{base(4)}/room/{TOKEN}/breakout-rooms", json=body, status=status)
    with pytest.raises(ApiError) as caught:
        api_for().rooms(TOKEN)
    assert caught.value.error == "mode"


@pytest.mark.parametrize(
    ("features", "config"),
    [((), None), (("breakout-rooms-v1",), {"call": {"breakout-rooms": False}})],
)
@responses.activate
def test_gates_send_nothing(features: tuple[str, ...], config: dict[str, Any] | None) -> None:
    with pytest.raises(UnsupportedError) as caught:
        api_for(features, config).require()
    assert int(exit_status_for(caught.value)) == 6
    assert len(responses.calls) == 0


def test_names_of_modes_and_status_never_crash() -> None:
    assert [mode_name(m) for m in (0, 1, 2, 3, 9, None)] == [
        "none", "automatic", "manual", "free", "9", ""
    ]  # fmt: skip
    assert [status_name(s) for s in (0, 1, 5)] == ["stopped", "started", "5"]
