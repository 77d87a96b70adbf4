"""``talkctl breakout ...`` end to end on the fake server: create (automatic, manual with a
map), list, start, broadcast, stop, move, remove; the checks before sending; the quirk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer

V1 = "/ocs/v2.php/apps/spreed/api/v1/breakout-rooms/"


def changing(srv: FakeTalkServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in srv.changing_requests()]


def children(srv: FakeTalkServer, token: str) -> list[dict[str, Any]]:
    rooms = [r for r in srv.state.rooms.values() if r.object_id == token]
    return [srv.room(r.token) for r in sorted(rooms, key=lambda r: r.id)]


@pytest.fixture
def klass(fake_talk: FakeTalkServer) -> str:
    """'Class' owned by admin with alice and bob, carol a moderator."""
    fake_talk.add_user("carol")
    return fake_talk.add_room(
        owner="admin", name="Class", participants={"alice": 3, "bob": 3, "carol": 2}
    )


def test_create_automatic_then_list_start_broadcast_stop_remove(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str
) -> None:
    created = run("breakout", "create", "Class", "--rooms", "2", "--json")
    assert created.code == 0, created
    record = json.loads(created.stdout)
    assert record["changes"] == [{"field": "breakout rooms", "from": None, "to": "2 automatic"}]
    assert [r["name"] for r in record["breakoutRooms"]] == ["Room 1", "Room 2"]
    rooms = children(fake_talk, klass)
    assert [set(r["participants"]) for r in rooms] == [
        {"admin", "carol", "alice"},
        {"admin", "carol", "bob"},
    ]  # the moderators in every room
    listing = run("breakout", "list", "Class")
    assert listing.code == 0, listing
    rows = [line.split("\t") for line in listing.stdout.splitlines()]
    assert [(r[1], r[2]) for r in rows] == [("Room 1", "stopped"), ("Room 2", "stopped")]
    assert "alice" in rows[0][3] and "bob" in rows[1][3]
    assert run("breakout", "start", "Class").code == 0
    assert fake_talk.room(klass)["lobbyState"] == 0 and rooms[0]["lobbyState"] == 1
    assert [r["lobbyState"] for r in children(fake_talk, klass)] == [0, 0]
    said = run("breakout", "broadcast", "Class", "Five minutes left")
    assert said.code == 0, said
    assert [r["lastMessage"] for r in children(fake_talk, klass)] == ["Five minutes left"] * 2
    assert run("breakout", "stop", "Class").code == 0
    assert run("breakout", "remove", "Class").code == 2  # no terminal, no --yes
    assert children(fake_talk, klass) != []
    assert run("breakout", "remove", "Class", "--yes").code == 0
    assert children(fake_talk, klass) == []
    assert fake_talk.state.rooms[klass].breakout_mode == 0


def test_a_map_places_people_and_is_checked_before_sending(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("alice,1\nnobody,2\n# a comment\nbob,3\ncarol,1\n", "utf-8")
    refused = run("breakout", "create", "Class", "--rooms", "2", "--map", str(bad))
    assert refused.code == 2, refused
    assert f"{bad}:2: no user in Class" in refused.stderr
    assert f"{bad}:4: room \"3\" for 'bob' is not 1 to 2" in refused.stderr
    assert f"{bad}:5: 'carol' is a moderator" in refused.stderr
    assert changing(fake_talk) == []
    good = tmp_path / "map.toml"
    good.write_text('alice = 2\n"bob" = 1\n', "utf-8")
    made = run("breakout", "create", "Class", "--rooms", "2", "--map", str(good))
    assert made.code == 0, made
    assert fake_talk.state.rooms[klass].breakout_mode == 2  # manual
    rooms = children(fake_talk, klass)
    assert "bob" in rooms[0]["participants"] and "alice" in rooms[1]["participants"]
    moves = tmp_path / "moves.csv"
    moves.write_text("alice,1\n", "utf-8")
    assert run("breakout", "move", "Class", "--map", str(moves)).code == 0
    rooms = children(fake_talk, klass)
    assert "alice" in rooms[0]["participants"] and "alice" not in rooms[1]["participants"]


def test_a_map_names_someone_in_two_rooms_or_in_none_is_refused_before_sending(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str, tmp_path: Path
) -> None:
    attendee = next(
        a.id for a in fake_talk.state.rooms[klass].attendees.values() if a.actor_id == "alice"
    )
    bad = tmp_path / "twice.csv"
    bad.write_text(f"alice,1\nbob,2\nattendee:{attendee},2\nbob\nbob,2\n", "utf-8")
    refused = run("breakout", "create", "Class", "--rooms", "2", "--map", str(bad))
    assert refused.code == 2, refused
    assert refused.stderr.splitlines() == [
        f"{bad}:3: 'attendee:{attendee}' is mapped to room 1 already (line 1, as 'alice'): "
        "one room each",
        f"{bad}:4: no room for 'bob': give 'participant,room' (1 to 2)",
        f"talkctl: error: {bad}: 2 problems; nothing was changed",
    ]  # bob in room 2 twice (lines 2 and 5) is no problem
    assert changing(fake_talk) == []


def test_a_broadcast_longer_than_a_chat_message_is_refused_before_sending(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str, tmp_path: Path
) -> None:
    assert run("breakout", "create", "Class", "--rooms", "2").code == 0
    longest = "x" * 32000  # config.chat.max-length: still one chat message
    assert run("breakout", "broadcast", "Class", longest).code == 0
    before = changing(fake_talk)
    result = run("breakout", "broadcast", "Class", longest + "x", "--json")
    assert result.code == 2, result
    assert (result.stdout, result.stderr) == (
        "",
        "talkctl: error: the message is 32001 characters; the server takes at most 32000 "
        "(config.chat.max-length): nothing was sent\n",
    )
    assert changing(fake_talk) == before
    # the sandbox answers as the server does (openapi: 413 "Chat message too long")
    text = tmp_path / "long.txt"
    text.write_text(longest + "x", "utf-8")
    raw = run("api", "POST", f"breakout-rooms/{klass}/broadcast", "-F", f"message=@{text}")
    assert raw.code == 6, raw
    assert raw.stderr.endswith("(HTTP 413) (message)\n"), raw


def test_map_with_another_mode_is_2(run: TalkctlRunner, klass: str, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("alice,1\n", "utf-8")
    result = run("breakout", "create", "Class", "--mode", "free", "--map", str(path))
    assert result.code == 2 and "--mode manual" in result.stderr
    assert run("breakout", "create", "Class", "--mode", "random").code == 2


def test_refused_before_sending_with_the_reason(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str
) -> None:
    one = fake_talk.add_room(owner="admin", type=1, participants={"bob": 1})
    for args, words in (
        (["breakout", "create", one], "one-to-one"),
        (["breakout", "create", "Class", "--rooms", "21"], "1 to 20"),
        (["breakout", "start", "Class"], "has no breakout rooms"),
    ):
        result = run(*args)
        assert result.code == 6, result
        assert words in result.stderr
    assert run("breakout", "create", "Class").code == 0
    again = run("breakout", "create", "Class")
    assert again.code == 6 and "already has breakout rooms" in again.stderr
    child = children(fake_talk, klass)[0]["token"]
    nested = run("breakout", "create", str(child))
    assert nested.code == 6 and "is a breakout room" in nested.stderr
    assert [c for c in changing(fake_talk) if "breakout-rooms" in c] == [f"POST {V1}{klass}"]


def test_a_refusal_the_checks_did_not_foresee_is_undone(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str
) -> None:
    fake_talk.state.rooms[klass].breakout_mode = 1  # what the refused request leaves behind
    fake_talk.inject("POST", V1 + klass, status=400, body=_ocs_error("amount"))
    fake_talk.state.rooms[klass].breakout_mode = 0  # the listing before still reads 0
    result = run("breakout", "create", "Class")
    assert result.code == 6, result
    assert "removed the breakout room mode" in result.stderr
    assert changing(fake_talk)[-1] == f"DELETE {V1}{klass}"


def test_somebody_elses_rooms_are_never_removed(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str
) -> None:
    fake_talk.inject("POST", V1 + klass, status=400, body=_ocs_error("room"))
    result = run("breakout", "create", "Class")
    assert result.code == 6, result
    assert not any(c.startswith("DELETE") for c in changing(fake_talk))


def test_a_refused_change_is_its_failed_record(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str
) -> None:
    """A breakout change is an Operation of one target, the parent: a refusal is its failed
    record (stdout with --json), the same line on stderr, its exit code."""
    fake_talk.inject("POST", V1 + klass, status=400, body=_ocs_error("room"))
    result = run("breakout", "create", "Class", "--json")
    assert result.code == 6, result
    record = json.loads(result.stdout)
    assert (record["ok"], record["token"], record["exit_code"]) == (False, klass, 6)
    assert record["error"] == f"the server refused the breakout rooms of Class ({klass}) (room)"
    assert record["error"] in result.stderr


def _ocs_error(reason: str) -> dict[str, object]:
    meta = {"status": "failure", "statuscode": 400, "message": ""}
    return {"ocs": {"meta": meta, "data": {"error": reason}}}


def test_a_plain_participant_cannot_list_stopped_rooms(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str, talkctl_home: Path
) -> None:
    assert run("breakout", "create", "Class").code == 0
    alice = TalkctlRunner(
        talkctl_home / "alice",
        server=fake_talk.url,
        user="alice",
        app_password=fake_talk.new_app_password("alice"),
    )
    stopped = alice("breakout", "list", "Class")
    assert stopped.code == 6 and "stopped" in stopped.stderr, stopped
    assert run("breakout", "start", "Class").code == 0
    started = alice("breakout", "list", "Class")
    assert started.code == 0, started
    assert [line.split("\t")[1] for line in started.stdout.splitlines()] == ["Room 1"]
    refused = alice("breakout", "stop", "Class")
    assert refused.code == 5 and "only moderators" in refused.stderr


def test_servers_without_breakout_rooms_are_6_before_any_request(
    fake_talk_factory: Callable[..., FakeTalkServer], talkctl_home: Path
) -> None:
    srv = fake_talk_factory(talk="11")
    srv.add_room(owner="admin", name="g")
    runner = TalkctlRunner(
        talkctl_home, server=srv.url, user="admin", app_password=srv.new_app_password("admin")
    )
    result = runner("breakout", "create", "g")
    assert result.code == 6 and "breakout-rooms-v1" in result.stderr, result
    assert srv.count(path_contains="/room") == 0


def test_room_show_of_a_parent_says_it_has_breakout_rooms(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str
) -> None:
    before = run("room", "show", "Class", "--format", "tsv")
    assert "breakout rooms" not in before.stdout
    assert run("breakout", "create", "Class", "--mode", "free").code == 0
    assert run("breakout", "start", "Class").code == 0
    shown = run("room", "show", "Class", "--format", "tsv")
    assert shown.code == 0, shown
    assert "breakout rooms\tfree, started" in shown.stdout
    assert f"Class has 2 breakout rooms: talkctl breakout list {klass}" in shown.stderr
    picked = run("room", "list", "--object-type", "room", "--json")
    assert sorted(r["displayName"] for r in json.loads(picked.stdout)) == ["Room 1", "Room 2"]


def test_create_dry_run_checks_everything_and_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str, tmp_path: Path
) -> None:
    path = tmp_path / "m.csv"
    path.write_text("alice,1\nbob,3\n", "utf-8")
    bad = run("breakout", "create", "Class", "--map", str(path), "--dry-run")
    assert bad.code == 2 and "is not 1 to 2" in bad.stderr, bad
    planned = run("breakout", "create", "Class", "--rooms", "3", "--dry-run", "--json")
    assert planned.code == 0, planned
    record = json.loads(planned.stdout)
    assert record["dry_run"] is True
    assert record["changes"] == [{"field": "breakout rooms", "from": None, "to": "3 automatic"}]
    assert changing(fake_talk) == [] and children(fake_talk, klass) == []


def test_tab_completes_the_modes(run: TalkctlRunner, klass: str) -> None:
    from test_completion import bash_complete, completion_env

    words, _ = bash_complete(
        ["talkctl", "breakout", "create", klass, "--mode", "m"], completion_env(run)
    )
    assert words == ["manual"]
    every, _ = bash_complete(
        ["talkctl", "breakout", "create", klass, "--mode", ""], completion_env(run)
    )
    assert every == ["automatic", "manual", "free"]


def test_remove_where_there_are_no_rooms_is_unchanged_and_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, klass: str
) -> None:
    """The listing shows no breakout room mode: nothing to remove, nothing to ask (no --yes
    needed on a pipe), nothing sent (it said 'updated: none → none' after a DELETE)."""
    fake_talk.clear_log()
    result = run("breakout", "remove", "Class", "--json")
    assert result.code == 0, result
    record = json.loads(result.stdout)
    assert (record["action"], record["changes"]) == ("unchanged", [])
    assert changing(fake_talk) == []
