"""The sandbox's bots beyond the recording: the demo's installed bots, the rules of Talk's
scenarios (no-setup and disabled bots cannot be set up per conversation), and a state file
that keeps them."""

from __future__ import annotations

import json
from typing import Any

import requests
from fake_http import H

from talkctl.sandbox import FakeTalkServer
from talkctl.sandbox.bots import NO_SETUP, install_bot
from talkctl.sandbox.demo import seed_demo
from talkctl.sandbox.persist import dump_state, load_state
from talkctl.sandbox.state import State

BOT = "/ocs/v2.php/apps/spreed/api/v1/bot/"


def call(srv: FakeTalkServer, method: str, path: str, user: str = "admin") -> Any:
    resp = requests.request(
        method, srv.url + path, auth=(user, srv.password_of(user)), headers=H, timeout=30
    )
    return resp.status_code, resp.json()["ocs"]["data"]


def test_the_demo_installs_bots_and_enables_one_in_team_chat() -> None:
    with FakeTalkServer() as srv:
        tokens = seed_demo(srv, "admin")
        status, listed = call(srv, "GET", BOT + tokens["Team chat"])
        assert status == 200
        assert [(b["name"], b["state"]) for b in listed] == [
            ("Call summary", 1),
            ("Translator", 0),
            ("Helpdesk", 2),
        ]  # the one disabled server-wide is not listed
        status, installed = call(srv, "GET", BOT + "admin")
        assert len(installed) == 4 and installed[3]["state"] == 0


def test_bots_not_enabled_server_wide_cannot_be_set_up_per_conversation() -> None:
    with FakeTalkServer() as srv:
        install_bot(srv.state, "Helpdesk", bot_state=NO_SETUP)
        install_bot(srv.state, "Retired", bot_state=0)
        token = srv.add_room(owner="admin", name="g")
        for bot_id in (1, 2):
            for method in ("POST", "DELETE"):
                assert call(srv, method, f"{BOT}{token}/{bot_id}") == (400, {"error": "bot"})
        assert srv.state.rooms[token].bots == []


def test_a_state_file_keeps_the_bots_and_breakout_rooms() -> None:
    first = State(seed=1)
    install_bot(first, "Call summary", description="d")
    room = first.create_room(2, "g", None)
    room.bots.append(1)
    room.breakout_mode, room.breakout_status = 3, 1
    saved = json.loads(json.dumps(dump_state(first)))
    second = State(seed=2)
    load_state(saved, second)
    assert second.bots[1].name == "Call summary"
    again = second.rooms[room.token]
    assert (again.bots, again.breakout_mode, again.breakout_status) == ([1], 3, 1)
    del saved["bots"]  # a state file from before bots still loads
    load_state(saved, second)
    assert second.bots == {}
