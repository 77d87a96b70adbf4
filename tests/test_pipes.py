"""stdout as a pipe: compact JSON for scripts, and a reader that goes away early."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from clirunner import TalkctlRunner, talkctl_executable

from talkctl.sandbox import FakeTalkServer


def _runner(home: Path, server: FakeTalkServer) -> TalkctlRunner:
    return TalkctlRunner(
        home, server=server.url, user="admin", app_password=server.new_app_password("admin")
    )


def test_json_on_a_pipe_is_compact_and_complete(
    talkctl_home: Path, fake_talk: FakeTalkServer
) -> None:
    fake_talk.seed_rooms("admin", 3)
    result = _runner(talkctl_home, fake_talk)("room", "list", "--json")
    assert result.code == 0, result
    assert result.stdout.count("\n") == 1  # one line: no indentation on a pipe
    rooms = json.loads(result.stdout)
    assert len(rooms) == 3
    assert all("lastMessage" in room and "token" in room for room in rooms)


def test_reader_closing_the_pipe_is_not_an_error(
    talkctl_home: Path, fake_talk: FakeTalkServer
) -> None:
    fake_talk.seed_rooms("admin", 3000)
    runner = _runner(talkctl_home, fake_talk)
    process = subprocess.Popen(
        [talkctl_executable(), "room", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=runner.env,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=60)
    assert first.count(b"\t") >= 2
    assert code == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert stderr == ""
