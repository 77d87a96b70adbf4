"""What the sandbox may import and what importing it may cost, its demo data, its state file.

- ``talkctl.sandbox`` imports only the standard library and its own modules (it is the fake
  server of the tests, shipped: nothing of talkctl's client may leak into it);
- ``room list`` never imports it, and the pytest plugin imports it only when a test asks;
- the demo data holds every kind of conversation the README's tour needs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer, persist
from talkctl.sandbox.service import Sandbox, SandboxOptions
from talkctl.sandbox.state import (
    CHANGELOG,
    FORMER_ONE_TO_ONE,
    GROUP,
    MODERATOR,
    NOTE_TO_SELF,
    ONE_TO_ONE,
    PUBLIC,
)

SANDBOX_MODULES = [
    "talkctl.sandbox",
    "talkctl.sandbox.__main__",
    "talkctl.sandbox.demo",
    "talkctl.sandbox.persist",
    "talkctl.sandbox.service",
]
DAY = 86400


def modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_sandbox_imports_only_the_standard_library_and_itself() -> None:
    imports = "; ".join(f"import {module}" for module in SANDBOX_MODULES)
    modules = modules_after(imports)
    assert "talkctl.sandbox.server" in modules
    foreign = {
        name
        for name in modules
        if name.split(".")[0] not in sys.stdlib_module_names
        and name not in ("talkctl", "__main__")
        and not name.startswith("talkctl.sandbox")
        and not name.startswith("_")  # interpreter internals (_distutils_hack, _sitebuiltins)
    }
    assert foreign == set()


def test_the_pytest_plugin_imports_no_sandbox_until_a_test_asks() -> None:
    modules = modules_after("import talkctl.testing, talkctl.testing.plugin")
    assert "pytest" in modules
    assert not {m for m in modules if m.startswith("talkctl.sandbox")}
    assert not {"requests", "typer", "rich", "keyring"} & {m.split(".")[0] for m in modules}


def test_room_list_does_not_import_the_sandbox(fake_talk: FakeTalkServer, tmp_path: Path) -> None:
    runner = TalkctlRunner(
        tmp_path,
        server=fake_talk.url,
        user="admin",
        app_password=fake_talk.new_app_password("admin"),
    )
    code = (
        "import sys\n"
        "sys.argv = ['talkctl', 'room', 'list', '--json']\n"
        "from talkctl.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
    )
    modules = modules_after(code, env=runner.env)
    assert "talkctl.cli.room.listing" in modules  # it did list
    assert not {m for m in modules if m.startswith(("talkctl.sandbox", "talkctl.testing"))}


# -- demo data --------------------------------------------------------------------------------
def test_demo_data_has_every_kind_of_conversation_the_tour_needs() -> None:
    sandbox = Sandbox(SandboxOptions(seed=1))
    srv = sandbox.server
    mine = srv.rooms_of("admin")
    assert len(mine) >= 20
    types = {room["type"] for room in mine}
    assert {ONE_TO_ONE, GROUP, PUBLIC, CHANGELOG, FORMER_ONE_TO_ONE, NOTE_TO_SELF} <= types
    by_name = {room["name"]: room for room in mine}
    for name in ("Team chat", "Town hall", "Announcements", "Old project", "Project Apollo"):
        assert name in by_name, name
        assert [r["name"] for r in mine].count(name) == 1, f"{name} must be unambiguous"
    assert by_name["Town hall"]["type"] == PUBLIC
    assert by_name["Announcements"]["readOnly"] == 1
    now = srv.state.rooms[by_name["Team chat"]["token"]].last_activity
    assert any(r["hasPassword"] and r["type"] == PUBLIC for r in mine)
    assert any(r["objectType"] == "file" for r in mine)
    assert any("admin" in r["archived"] for r in mine)
    assert any("admin" in r["favorite"] for r in mine)
    assert any(r["lobbyState"] == 1 and r["lobbyTimer"] > now for r in mine)
    assert any(r["description"] for r in mine)
    assert any(r["listable"] for r in mine)
    assert any(r["messageExpiration"] for r in mine)
    assert sum(r["lastActivity"] < now - 90 * DAY and r["type"] == GROUP for r in mine) >= 2
    assert any(MODERATOR in r["participants"].values() for r in mine)
    assert max(len(r["participants"]) for r in mine) >= 4
    attendees = [a for room in srv.state.rooms_of("admin") for a in room.attendees.values()]
    assert any(a.actor_id == "admin" and a.unread_messages for a in attendees)
    assert any(a.actor_id == "admin" and a.unread_mention for a in attendees)
    # listable conversations admin is not in: `room browse` finds them
    assert any(r["listable"] and "admin" not in r["participants"] for r in srv.rooms_of("alice"))
    _name, members = srv.state.groups["staff"]
    assert {"admin", "alice"} <= members and "carol" not in members
    assert srv.state.groups["admin"][1] == {"admin"}
    assert srv.state.is_admin("admin") and not srv.state.is_admin("alice")


def test_admin_always_exists_and_the_first_user_is_the_main_one() -> None:
    sandbox = Sandbox(SandboxOptions(users=("carol", "bob"), seed=2))
    assert sandbox.user == "carol"
    assert set(sandbox.credentials) == {"carol", "bob", "admin"}
    assert sandbox.server.state.groups["admin"][1] == {"admin"}
    assert all(r["participants"].get("carol") == 1 for r in sandbox.server.rooms_of("carol")
               if r["type"] in (GROUP, PUBLIC))  # fmt: skip
    empty = Sandbox(SandboxOptions(data="empty", seed=2))
    assert empty.server.state.rooms == {} and set(empty.credentials) == set(SandboxOptions().users)


def test_state_round_trip_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    first = Sandbox(SandboxOptions(seed=3, state_file=path))
    first.stop()  # never started: stop saves all the same
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    second = Sandbox(SandboxOptions(seed=99, state_file=path))
    assert second.credentials == first.credentials
    assert persist.dump_state(second.server.state) == persist.dump_state(first.server.state)
    assert second.server.state.new_token() == first.server.state.new_token()


@pytest.mark.parametrize("text", ["[]", '{"format": 1}', "not json"])
def test_a_broken_state_file_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(text)
    with pytest.raises(persist.StateFileError):
        Sandbox(SandboxOptions(state_file=path))
