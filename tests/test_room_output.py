"""Human output: plain tab-separated rows on a pipe; a table on a terminal; NO_COLOR."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from clirunner import talkctl_executable
from e2e_support import Factory, Session, start

LONG_NAME = "A very long conversation name " * 6  # wider than any terminal column


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    admin = start(fake_talk_factory, talkctl_home)
    admin.srv.add_room(owner="admin", name=LONG_NAME.strip(), favorite_for=["admin"])
    admin.srv.add_room(owner="admin", type=3, name="Tabs\tand\nnewlines")
    return admin


def test_pipe_gets_plain_tab_separated_rows(admin: Session) -> None:
    result = admin.run("room", "list")
    assert result.code == 0, result
    assert "\x1b[" not in result.stdout
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 2 and all(len(row) == len(rows[0]) for row in rows)
    by_name = {row[2]: row for row in rows}
    long_row = by_name[LONG_NAME.strip()]  # not truncated
    assert long_row[1] == "group" and "favorite" in long_row[-1]
    # cells never break the row format: tab and newline are escaped (README: TSV escaping)
    assert by_name["Tabs\\tand\\nnewlines"][1] == "public"


def test_show_on_a_pipe_is_key_tab_value(admin: Session) -> None:
    result = admin.run("room", "show", LONG_NAME.strip())
    assert result.code == 0, result
    fields = dict(line.split("\t", 1) for line in result.stdout.splitlines())
    assert fields["name"] == LONG_NAME.strip()
    assert fields["favorite"] == "yes"


def run_on_terminal(admin: Session, *args: str, **env: str) -> str:
    """Run talkctl with stdout on a pseudo-terminal; return what it wrote there."""
    master, slave = os.openpty()
    run_env = {**admin.run.env, "TERM": "xterm-256color", "COLUMNS": "80", **env}
    with subprocess.Popen(
        [talkctl_executable(), *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=run_env,
    ) as process:
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=30) == 0, process.stderr.read() if process.stderr else ""
    os.close(master)
    return b"".join(chunks).decode()


def colour_codes(text: str) -> list[str]:
    """SGR parameters that set a colour (30-38, 40-48, 90-97, 100-107); bold is no colour."""
    found = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        for code in params.split(";"):
            if code.isdigit() and (30 <= int(code) <= 48 or 90 <= int(code) <= 107):
                found.append(code)
    return found


@pytest.mark.parametrize("args", [("room", "list"), ("room", "show", LONG_NAME.strip())])
def test_terminal_gets_a_table_and_no_colour_with_no_color(
    admin: Session, args: tuple[str, ...]
) -> None:
    styled = run_on_terminal(admin, *args)
    assert "\x1b[" in styled  # rich styles the table on a terminal
    assert "\t" not in styled
    plain = run_on_terminal(admin, *args, NO_COLOR="1")
    assert colour_codes(plain) == []
    assert ("TOKEN" in plain) if args[1] == "list" else ("token" in plain)


ODD_ROOMS: list[dict[str, object]] = [
    {
        "token": "t7abcdef",
        "type": 7,
        "name": "From the future",
        "notificationLevel": 9,
        "readOnly": 2,
        "newField": {"x": [1]},
    },
    {"token": "bare1234"},
    {"token": "nulls123", "type": None, "name": None, "displayName": None, "lastActivity": None},
]


@pytest.mark.parametrize("args", [(), ("--json",), ("--format", "csv")], ids=["tsv", "json", "csv"])
def test_unknown_types_values_and_missing_fields_never_crash(
    admin: Session, args: tuple[str, ...]
) -> None:
    body = {
        "ocs": {"meta": {"status": "ok", "statuscode": 200, "message": "OK"}, "data": ODD_ROOMS}
    }
    admin.srv.inject("GET", re.compile(r"/room\?"), status=200, body=body)
    result = admin.run("room", "list", *args)
    assert result.code == 0, result
    if args == ("--json",):
        by_token = sorted(ODD_ROOMS, key=lambda room: str(room["token"]))
        assert json.loads(result.stdout) == by_token  # same activity (none): by token
    else:
        assert "unknown(7)" in result.stdout and "bare1234" in result.stdout
