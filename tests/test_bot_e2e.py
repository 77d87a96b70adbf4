"""``talkctl bot ...`` end to end on the fake server: list, enable, disable, the gate."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer
from talkctl.sandbox.bots import NO_SETUP, install_bot


def changing(srv: FakeTalkServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in srv.changing_requests()]


def bot_requests(srv: FakeTalkServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in srv.requests if "/api/v1/bot" in r.path]


@pytest.fixture
def rooms(fake_talk: FakeTalkServer) -> dict[str, str]:
    """Three bots (one no-setup, one disabled server-wide) and two rooms admin moderates."""
    install_bot(fake_talk.state, "Call summary", description="Summaries")
    install_bot(fake_talk.state, "Helpdesk", bot_state=NO_SETUP)
    install_bot(fake_talk.state, "Retired", bot_state=0)
    team = fake_talk.add_room(owner="admin", name="Team chat", participants={"alice": 3})
    other = fake_talk.add_room(owner="admin", name="Project X", participants={"alice": 3})
    fake_talk.state.rooms[other].bots.append(1)
    return {"team": team, "other": other}


def as_user(fake_talk: FakeTalkServer, home: Path, user: str) -> TalkctlRunner:
    return TalkctlRunner(
        home / user, server=fake_talk.url, user=user, app_password=fake_talk.new_app_password(user)
    )


def test_list_of_a_conversation_shows_the_state_there(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str]
) -> None:
    table = run("bot", "list", "Project X")
    assert table.code == 0, table
    rows = [line.split("\t") for line in table.stdout.splitlines()]
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("1", "Call summary", "enabled", "webhook,response"),
        ("2", "Helpdesk", "no-setup", "webhook,response"),
    ]  # the bot disabled server-wide is not listed; an administrator sees the features
    listed = json.loads(run("bot", "list", rooms["team"], "--json").stdout)
    assert listed[0] == {"id": 1, "name": "Call summary", "description": "Summaries", "state": 0}
    fields = json.loads(run("bot", "list", "Team chat", "--fields", "id,state", "--json").stdout)
    assert fields[0] == {"id": 1, "state": 0}
    bad = run("bot", "list", "Team chat", "--fields", "nope")
    assert bad.code == 2 and "valid fields" in bad.stderr
    assert changing(fake_talk) == []


def test_list_of_every_bot_is_for_administrators(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str], talkctl_home: Path
) -> None:
    table = run("bot", "list")
    assert table.code == 0, table
    first = table.stdout.splitlines()[0].split("\t")
    assert first == ["1", "Call summary", "Summaries", "enabled", "webhook,response"]
    assert len(table.stdout.splitlines()) == 3  # every installed bot, the disabled one too
    alice = as_user(fake_talk, talkctl_home, "alice")("bot", "list")
    assert alice.code == 5, alice
    assert "only administrators" in alice.stderr
    member = as_user(fake_talk, talkctl_home, "alice")("bot", "list", "Team chat")
    assert member.code == 5 and "only moderators" in member.stderr, member
    fake_talk.state.rooms[rooms["team"]].attendee_of("alice").participant_type = 2  # type: ignore[union-attr]
    fake_talk.clear_log()
    moderator = as_user(fake_talk, talkctl_home, "alice")("bot", "list", "Team chat")
    assert moderator.code == 0, moderator
    assert moderator.stdout.splitlines()[0].split("\t")[4] == ""  # no features: no admin
    assert fake_talk.count(path_contains="/bot/admin") == 0  # not even asked


def test_enable_in_several_conversations_says_unchanged_where_it_is(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str]
) -> None:
    result = run("bot", "enable", "Team chat", "Project X", "Call summary", "--json")
    assert result.code == 0, result
    records = json.loads(result.stdout)
    assert [(r["input"], r["action"], r["ok"]) for r in records] == [
        ("Team chat", "update", True),
        ("Project X", "unchanged", True),
    ]
    assert records[0]["changes"] == [{"field": "bots", "from": None, "to": "Call summary"}]
    assert records[0]["bot"]["state"] == 1
    assert fake_talk.state.rooms[rooms["team"]].bots == [1]
    assert changing(fake_talk) == [f"POST /ocs/v2.php/apps/spreed/api/v1/bot/{rooms['team']}/1"]
    assert result.stderr.splitlines()[-1] == "1 updated, 1 unchanged"


def test_disable_by_id_and_unchanged(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str]
) -> None:
    result = run("bot", "disable", "Project X", "1")
    assert result.code == 0, result
    assert 'bots "Call summary" → none' in result.stderr
    assert fake_talk.state.rooms[rooms["other"]].bots == []
    again = run("bot", "disable", "Project X", "1", "--json")
    assert json.loads(again.stdout)["action"] == "unchanged"
    assert len(changing(fake_talk)) == 1


def test_stdin_dry_run_and_jobs_send_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str]
) -> None:
    listing = run("room", "list", "--json").stdout
    result = run(
        "bot", "enable", "--stdin", "Call summary", "--dry-run", "--jobs", "2", input=listing
    )
    assert result.code == 0, result
    assert "dry run: 1 to update, 1 unchanged; nothing was sent" in result.stderr
    assert changing(fake_talk) == []
    done = run("bot", "enable", "--stdin", "Call summary", "--jobs", "2", input=listing)
    assert done.code == 0, done
    assert fake_talk.state.rooms[rooms["team"]].bots == [1]


def test_ambiguous_name_is_8_and_unknown_is_3_nothing_sent(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str]
) -> None:
    install_bot(fake_talk.state, "Call summary", description="a second one")
    result = run("bot", "enable", "Team chat", "Call summary")
    assert result.code == 8, result
    assert "2 bots are named 'Call summary'" in result.stderr and "bot id" in result.stderr
    assert run("bot", "enable", "Team chat", "call summary").code == 3
    assert run("bot", "enable", "Team chat", "3").code == 3  # disabled server-wide: not listed
    by_id = run("bot", "enable", "Team chat", "4")
    assert by_id.code == 0, by_id
    assert changing(fake_talk) == [f"POST /ocs/v2.php/apps/spreed/api/v1/bot/{rooms['team']}/4"]


def test_no_setup_bot_is_refused_with_the_reason(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str]
) -> None:
    result = run("bot", "enable", "Team chat", "Helpdesk")
    assert result.code == 6, result
    assert "no-setup" in result.stderr and "administrator" in result.stderr
    assert changing(fake_talk) == []


def test_a_plain_participant_is_refused_5(
    fake_talk: FakeTalkServer, rooms: dict[str, str], talkctl_home: Path
) -> None:
    alice = as_user(fake_talk, talkctl_home, "alice")
    result = alice("bot", "enable", "Team chat", "1")
    assert result.code == 5, result
    assert "only moderators can manage the bots of Team chat" in result.stderr
    assert changing(fake_talk) == []


def test_missing_bot_or_conversation_is_2(run: TalkctlRunner, rooms: dict[str, str]) -> None:
    assert run("bot", "enable", "Team chat").code == 2
    assert run("bot", "enable").code == 2
    assert run("bot", "enable", "Team chat", " ").code == 2


def test_a_server_without_bots_is_6_before_any_request(
    fake_talk_factory: Callable[..., FakeTalkServer], talkctl_home: Path
) -> None:
    srv = fake_talk_factory(talk="11")
    srv.add_room(owner="admin", name="g")
    runner = as_user(srv, talkctl_home, "admin")
    for args in (["bot", "list"], ["bot", "list", "g"], ["bot", "enable", "g", "1"]):
        result = runner(*args)
        assert result.code == 6, result
        assert "bots-v1" in result.stderr
    assert bot_requests(srv) == [] and srv.count(path_contains="/room") == 0


def test_tab_offers_the_bots_last_seen_without_the_network(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str]
) -> None:
    from test_completion import bash_complete, completion_env

    env = completion_env(run)
    before, _ = bash_complete(["talkctl", "bot", "enable", rooms["team"], "Ca"], env)
    assert before == []  # nothing seen yet
    assert run("bot", "list", "Team chat").code == 0
    seen = len(fake_talk.requests)
    words, _ = bash_complete(["talkctl", "bot", "enable", rooms["team"], "Ca"], env)
    assert words == ["'Call summary'"]  # quoted for the shell
    ids, _ = bash_complete(["talkctl", "bot", "disable", rooms["other"], "2"], env)
    assert "2" in ids
    assert len(fake_talk.requests) == seen


def test_a_hostile_bot_name_never_breaks_a_line(
    run: TalkctlRunner, fake_talk: FakeTalkServer, rooms: dict[str, str]
) -> None:
    install_bot(fake_talk.state, "Evil\x1b[31m[red]x[/red]\nline", bot_state=NO_SETUP)
    install_bot(fake_talk.state, "Bad\x1b[2J\nname")
    refused = run("bot", "enable", "Team chat", "4")
    assert refused.code == 6, refused
    assert refused.stderr.count("\n") == 1 and "\x1b" not in refused.stderr
    done = run("bot", "enable", "Team chat", "5")
    assert done.code == 0, done
    assert done.stderr.count("\n") == 1 and "\x1b" not in done.stderr
    assert '"Bad\\u001b[2J\\nname"' in done.stderr
