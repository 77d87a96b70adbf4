"""The room settings verbs (describe, listable, lobby, message-expiration, archive,
unarchive), ``room create`` with settings and invitees, and ``room ensure``'s new flags: end
to end through the installed talkctl on the fake server, with every capability gate (exit 6,
no changing request) and the rollback of a failed multi-step create."""

from __future__ import annotations

import json
import signal
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from e2e_support import Factory, Session, signal_on_request, start


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def test_describe_text_stdin_clear_and_limit(admin: Session) -> None:
    token = admin.srv.add_room(name="Team")
    assert admin.run("room", "describe", "Team", "Daily sync").code == 0
    assert admin.srv.room(token)["description"] == "Daily sync"
    piped = admin.run("room", "describe", "Team", "-", input="From stdin\n")
    assert piped.code == 0, piped
    assert admin.srv.room(token)["description"] == "From stdin"
    assert admin.run("room", "describe", "Team", "--clear").code == 0
    assert admin.srv.room(token)["description"] == ""
    admin.srv.clear_log()
    limit = admin.srv.profile.description_limit  # the server's config.conversations value
    too_long = admin.run("room", "describe", "Team", "d" * (limit + 1))
    assert too_long.code == 2, too_long
    assert f"the limit is {limit}" in too_long.stderr
    both = admin.run("room", "describe", "--stdin", "-", input=f"{token}\n")
    assert both.code == 2 and "both want stdin" in both.stderr
    assert admin.srv.changing_requests() == []


def test_listable_lobby_expiration_archive_in_bulk(admin: Session) -> None:
    a, b = admin.srv.add_room(name="A"), admin.srv.add_room(name="B")
    records = admin.json("room", "listable", a, b, "users")
    assert [r["changes"] for r in records] == [
        [{"field": "listable", "from": "none", "to": "users"}]
    ] * 2
    assert admin.forms("PUT", "/listable") == [{"scope": "1"}] * 2
    until = (datetime.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    lobby = admin.json("room", "lobby", a, b, "on", "--until", until.isoformat())
    assert all(r["ok"] for r in lobby)
    sent = admin.forms("PUT", "/webinar/lobby")[-1]
    assert sent == {"state": "1", "timer": str(int(until.timestamp()))}
    assert admin.srv.room(a)["lobbyTimer"] == int(until.timestamp())
    expire = admin.json("room", "message-expiration", "--stdin", "90m", input=f"{a}\n{b}\n")
    assert [r["changes"][0]["to"] for r in expire] == ["90m", "90m"]
    assert admin.srv.room(b)["messageExpiration"] == 5400
    admin.json("room", "archive", a, b)
    assert admin.srv.room(a)["archived"] == ["admin"]
    admin.srv.clear_log()
    again = admin.json("room", "archive", a, b)  # the listing shows it: nothing sent
    assert [r["action"] for r in again] == ["unchanged", "unchanged"]
    assert admin.srv.changing_requests() == []
    admin.json("room", "unarchive", a)
    assert admin.srv.room(a)["archived"] == []
    assert admin.json("room", "lobby", a, "off")["changes"][0]["to"] == "off"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["listable", "A", "all"], "listable must be none | users | everyone, not 'all'"),
        (["lobby", "A", "on", "--until", "2001-01-01T10:00"], "is in the past"),
        (["lobby", "A", "off", "--until", "+2h"], "--until goes with 'on'"),
        (["message-expiration", "A", "5 days"], "message-expiration must be a whole duration"),
        (["describe", "A"], "TEXT is missing"),
    ],
)
def test_bad_values_are_exit_2_before_any_request(
    admin: Session, args: list[str], message: str
) -> None:
    admin.srv.add_room(name="A")
    admin.srv.clear_log()
    result = admin.run("room", *args)
    assert result.code == 2, result
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert admin.srv.requests == []


@pytest.mark.parametrize(
    ("args", "feature"),
    [
        (["listable", "{t}", "users"], "listable conversations"),
        (["lobby", "{t}", "on"], "the lobby"),
        (["message-expiration", "{t}", "1d"], "message expiration"),
        (["archive", "{t}"], "archiving conversations"),
        (["unarchive", "{t}"], "archiving conversations"),
        (["describe", "{t}", "x"], "conversation descriptions"),
    ],
)
def test_gates_exit_6_sending_nothing_on_old_servers(
    fake_talk_factory: Factory, talkctl_home: Path, args: list[str], feature: str
) -> None:
    old = start(fake_talk_factory, talkctl_home, "8")  # Talk 8: none of these (but the lobby)
    token = old.srv.add_room(name="Old")
    old.srv.clear_log()
    argv = [a.format(t=token) for a in args]
    result = old.run("room", *argv)
    if feature == "the lobby":  # webinary-lobby came with Talk 7: Talk 8 has it
        assert result.code == 0, result
        return
    assert result.code == 6, result
    assert f"{feature}" in result.stderr and "not supported by this server" in result.stderr
    assert old.srv.changing_requests() == []


def test_message_expiration_gate_says_cron_is_needed(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    admin = start(fake_talk_factory, talkctl_home, "22")
    admin.srv.cron = False  # the recorded capabilities: taken before the server ran cron
    token = admin.srv.add_room(name="Team")
    result = admin.run("room", "message-expiration", token, "1d")
    assert result.code == 6, result
    assert "cron" in result.stderr
    assert admin.srv.changing_requests() == []


def test_create_with_every_setting_in_one_request(admin: Session) -> None:
    record = admin.json(
        "room", "create", "All settings",
        "--description", "Set at creation", "--listable", "users", "--read-only", "on",
        "--lobby", "on", "--message-expiration", "1h",
        "--invite", "alice", "--invite", "bob", "--favorite", "--notify", "never",
    )  # fmt: skip
    token = record["token"]
    assert record["ok"] is True and record["invalidParticipants"] == {}
    posts = [r for r in admin.srv.requests if r.method == "POST" and r.path.endswith("/room")]
    assert len(posts) == 1 and posts[0].json["participants"] == {"users": ["alice", "bob"]}
    assert posts[0].json["readOnly"] == 1 and posts[0].json["listable"] == 1
    room = admin.srv.room(token)
    assert room["description"] == "Set at creation" and room["messageExpiration"] == 3600
    assert room["lobbyState"] == 1 and room["readOnly"] == 1
    assert room["favorite"] == ["admin"] and room["notificationLevel"]["admin"] == 3
    assert {"alice", "bob"} <= set(room["participants"])


def test_create_with_unknown_invitee_keeps_it_and_exits_3(admin: Session) -> None:
    result = admin.run(
        "room", "create", "Partly", "--invite", "alice", "--invite", "nobody-fixture", "--json"
    )
    assert result.code == 3, result
    record = json.loads(result.stdout)
    assert record["invalidParticipants"] == {"users": ["nobody-fixture"]}
    assert record["token"] and admin.srv.has_room(record["token"])
    assert "could not add users nobody-fixture" in result.stderr


def test_create_with_emails_on_a_group_needs_yes(admin: Session) -> None:
    args = ("room", "create", "Guests", "--invite", "guest@example.com", "--source", "emails")
    refused = admin.run(*args)
    assert refused.code == 2 and "PUBLIC" in refused.stderr
    assert admin.srv.changing_requests() == []
    made = admin.json(*args, "--yes")
    assert made["conversation"]["type"] == 3  # the server made it public


def test_create_refused_setting_creates_nothing(admin: Session) -> None:
    result = admin.run("room", "create", "Too long", "--description", "d" * 2001)
    assert result.code in (2, 6), result
    assert admin.srv.rooms_of("admin") == []


@pytest.mark.parametrize("talk", ["18", "20"])
def test_step_by_step_create_deletes_the_half_made_conversation(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    refusal = {"meta": {"status": "failure", "statuscode": 400, "message": ""}}
    admin.srv.inject("PUT", "/read-only", status=400, body={"ocs": {**refusal, "data": {}}})
    result = admin.run("room", "create", "Half", "--description", "d", "--read-only", "on")
    assert result.code == 6, result
    assert "read-only" in result.stderr and "nothing was created" in result.stderr
    assert admin.srv.rooms_of("admin") == []  # no leftover in the fake's state
    methods = [(m, p.rsplit("/", 1)[-1]) for m, p in admin.spreed_requests()]
    assert methods[:2] == [("GET", "room"), ("POST", "room")]  # the listing, then the create
    assert methods[-1][0] == "DELETE"


def test_create_favorite_failure_is_reported_without_undoing(admin: Session) -> None:
    admin.srv.inject("POST", "/favorite", status=500, times=5)
    result = admin.run("--retries", "0", "room", "create", "Fav", "--favorite")
    assert result.code == 7, result
    assert "setting favorite failed" in result.stderr
    assert [r["name"] for r in admin.srv.rooms_of("admin")] == ["Fav"]


def test_create_dry_run_lists_the_steps(fake_talk_factory: Factory, talkctl_home: Path) -> None:
    old = start(fake_talk_factory, talkctl_home, "18")
    result = old.run("room", "create", "X", "--description", "d", "--invite", "bob", "--dry-run")
    assert result.code == 0, result
    assert "would create\n" in result.stderr and "would set description" in result.stderr
    assert "would invite users bob" in result.stderr
    assert old.srv.changing_requests() == []


def test_ensure_with_the_new_flags(admin: Session) -> None:
    args = (
        "room", "ensure", "Class 6a", "--listable", "users", "--lobby", "off",
        "--message-expiration", "4w", "--archived", "on",
    )  # fmt: skip
    first = admin.json(*args)
    assert first["action"] == "create"
    room = admin.srv.room(first["token"])
    assert room["listable"] == 1 and room["messageExpiration"] == 4 * 7 * 86400
    assert room["archived"] == ["admin"]
    admin.srv.clear_log()
    second = admin.json(*args)
    assert second["action"] == "unchanged"
    assert admin.srv.changing_requests() == []
    third = admin.json("room", "ensure", "Class 6a", "--listable", "everyone", "--archived", "off")
    assert third["changes"] == [
        {"field": "listable", "from": "users", "to": "everyone"},
        {"field": "archived", "from": "on", "to": "off"},
    ]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_during_a_step_by_step_create_deletes_the_half_made_conversation(
    fake_talk_factory: Factory,
    talkctl_home: Path,
    signum: int,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM (a service stopping, `timeout`) undoes a half-made conversation as Ctrl-C
    does: the signal goes out when the first setting step reaches the server (Talk 18
    creates first, then sets each setting)."""
    admin = start(fake_talk_factory, talkctl_home, "18")
    result = signal_on_request(
        admin.srv,
        monkeypatch,
        ["room", "create", "Half", "--description", "d", "--listable", "users"],
        admin.run.env,
        signum=signum,
        method="PUT",
        path_part="/description",
        hold=3.0,  # ample time to act
    )
    stderr = result.stderr
    assert result.code == code, stderr
    assert "nothing was created" in stderr and "Traceback" not in stderr
    assert admin.srv.rooms_of("admin") == []  # no leftover in the fake's state
