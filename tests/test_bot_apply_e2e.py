"""``bots = [...]`` in apply files and in export, end to end on the fake server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.declarative.applyfile import ApplyFileError, parse
from talkctl.sandbox import FakeTalkServer
from talkctl.sandbox.bots import NO_SETUP, install_bot


def changing(srv: FakeTalkServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in srv.changing_requests()]


@pytest.fixture
def team(fake_talk: FakeTalkServer) -> str:
    install_bot(fake_talk.state, "Call summary")
    install_bot(fake_talk.state, "Translator")
    install_bot(fake_talk.state, "Helpdesk", bot_state=NO_SETUP)
    token = fake_talk.add_room(owner="admin", name="Team chat", participants={"alice": 3})
    fake_talk.state.rooms[token].bots.append(1)
    return token


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "talk.toml"
    path.write_text(text, "utf-8")
    return str(path)


def test_apply_enables_the_declared_bots_and_a_second_run_changes_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    file = write(
        tmp_path,
        '[[conversation]]\nname = "Team chat"\nbots = ["Translator", "Call summary"]\n\n'
        '[[conversation]]\nname = "New room"\nbots = ["2"]\n',
    )
    dry = run("apply", file, "--dry-run", "--json")
    assert dry.code == 0, dry
    assert json.loads(dry.stdout)[0]["changes"] == [
        {"field": "bots", "from": None, "to": "Translator"}
    ]
    assert changing(fake_talk) == []
    done = run("apply", file)
    assert done.code == 0, done
    assert sorted(fake_talk.state.rooms[team].bots) == [1, 2]
    new = next(r for r in fake_talk.state.rooms.values() if r.name == "New room")
    assert new.bots == [2]
    fake_talk.clear_log()
    again = run("apply", file, "--json")
    assert [r["action"] for r in json.loads(again.stdout)] == ["unchanged", "unchanged"]
    assert changing(fake_talk) == []


def test_exclusive_disables_the_bots_not_declared_and_leaves_no_setup_alone(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    file = write(
        tmp_path, '[[conversation]]\nname = "Team chat"\nbots = ["Translator"]\nexclusive = true\n'
    )
    result = run("apply", file, "--json")
    assert result.code == 0, result
    [record] = json.loads(result.stdout)
    assert record["changes"] == [
        {"field": "bots", "from": None, "to": "Translator"},
        {"field": "bots", "from": "Call summary", "to": None},
    ]
    assert any("Helpdesk" in note for note in record["notes"])
    assert fake_talk.state.rooms[team].bots == [2]
    assert fake_talk.room(team)["participants"]["alice"] == 3  # no participants table: kept


@pytest.mark.parametrize(
    ("bots", "code", "words"),
    [('["Helpdesk"]', 6, "no-setup"), ('["Nobody"]', 3, "no bot matches")],
)
def test_a_bot_that_cannot_be_enabled_fails_its_conversation_only(
    run: TalkctlRunner,
    fake_talk: FakeTalkServer,
    team: str,
    tmp_path: Path,
    bots: str,
    code: int,
    words: str,
) -> None:
    other = fake_talk.add_room(owner="admin", name="Other")
    file = write(
        tmp_path,
        f'[[conversation]]\nname = "Team chat"\nbots = {bots}\n\n'
        '[[conversation]]\nname = "Other"\nbots = ["Translator"]\n',
    )
    result = run("apply", file)
    assert result.code == code, result
    assert words in result.stderr
    assert fake_talk.state.rooms[team].bots == [1]
    assert fake_talk.state.rooms[other].bots == [2]


def test_apply_with_bots_on_a_server_without_them_is_6_and_changes_nothing(
    fake_talk_factory: Callable[..., FakeTalkServer], talkctl_home: Path, tmp_path: Path
) -> None:
    srv = fake_talk_factory(talk="11")
    srv.add_room(owner="admin", name="g")
    runner = TalkctlRunner(
        talkctl_home, server=srv.url, user="admin", app_password=srv.new_app_password("admin")
    )
    file = write(tmp_path, '[[conversation]]\nname = "g"\ndescription = "x"\nbots = ["a"]\n')
    result = runner("apply", file)
    assert result.code == 6, result
    assert "bots-v1" in result.stderr
    assert changing(srv) == []


def test_export_writes_the_enabled_bots_and_the_round_trip_holds(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    install_bot(fake_talk.state, "Translator", description="a second one")  # same name: by id
    fake_talk.state.rooms[team].bots.append(4)
    out = tmp_path / "e.toml"
    assert run("export", "Team chat", "-o", str(out)).code == 0
    text = out.read_text("utf-8")
    assert 'bots = [\n    "Call summary",\n    "4",\n]' in text
    check = run("apply", str(out), "--dry-run", "--json")
    assert check.code == 0, check
    assert json.loads(check.stdout)[0]["action"] == "unchanged"


def test_bots_must_be_a_list_of_names_and_exclusive_may_go_with_bots_alone() -> None:
    text = '[[conversation]]\nname = "a"\nbots = "Translator"\n'
    with pytest.raises(ApplyFileError) as caught:
        parse({"conversation": [{"name": "a", "bots": "Translator"}]}, text, "f", {})
    assert "3: bots must be a list of non-empty strings" in caught.value.problems[0]
    text = '[[conversation]]\nname = "a"\nbots = []\nexclusive = true\n'
    [entry] = parse({"conversation": [{"name": "a", "bots": [], "exclusive": True}]}, text, "f", {})
    assert entry.bots == () and entry.membership.exclusive
