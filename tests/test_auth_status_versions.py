"""``auth status`` on servers that do not say their Talk version (the sandbox's Talk 18-20
profiles, like real servers before Talk 15): say what is known, never an empty line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer


def runner(srv: FakeTalkServer, home: Path) -> TalkctlRunner:
    return TalkctlRunner(
        home, server=srv.url, user="admin", app_password=srv.new_app_password("admin")
    )


@pytest.mark.parametrize(("talk", "major"), [("18", 18), ("10", 10)])
def test_status_derives_the_talk_major_from_nextcloud(
    fake_talk_factory: Callable[..., FakeTalkServer], talkctl_home: Path, talk: str, major: int
) -> None:
    run = runner(fake_talk_factory(talk=talk), talkctl_home)
    plain = run("auth", "status")
    assert plain.code == 0, plain
    rows = dict(line.split("\t", 1) for line in plain.stdout.splitlines())
    assert rows["talk"].startswith(f"{major} (the server does not say its Talk version; ")
    assert f"ships Talk {major})" in rows["talk"]
    assert all(value.strip() for value in rows.values()), rows
    status = json.loads(run("auth", "status", "--json").stdout)
    assert (status["talkVersion"], status["talkMajor"]) == (None, major)


def test_status_names_the_talk_version_the_server_reports(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = runner(fake_talk, talkctl_home)
    plain = run("auth", "status")
    assert "talk\t22.0.0\n" in plain.stdout
    assert json.loads(run("auth", "status", "--json").stdout)["talkMajor"] == 22
