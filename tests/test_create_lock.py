"""The create lock (issue "What real servers and real people do", item 9): runs that create
conversations for one account (apply, room create, room ensure) take turns, so the second
sees what the first made. The test holds the lock itself: no sleeps, no races."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirunner import TalkctlRunner, talkctl_executable

from talkctl.accounts.cache import account_key
from talkctl.accounts.locks import held
from talkctl.errors import ConfigError
from talkctl.sandbox import FakeTalkServer


@contextlib.contextmanager
def holding(path: Path, pid: str = "4242") -> Iterator[None]:
    """The lock at ``path``, held by this test as another talkctl would hold it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, f"{pid}\n".encode())
        yield
    finally:
        os.close(fd)


def lock_of(run: TalkctlRunner, srv: FakeTalkServer) -> Path:
    return run.cache_dir / account_key(srv.url, "admin") / "create.lock"


def listings(srv: FakeTalkServer) -> int:
    return sum(1 for r in srv.requests if r.method == "GET" and r.path.endswith("/room"))


COMMANDS = {
    "apply": ["apply", "{file}", "--json"],
    "ensure": ["room", "ensure", "Class 6a", "--json"],
    "create": ["room", "create", "Class 6a", "--json"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_second_run_waits_for_the_lock_then_sees_what_the_first_made(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path, command: str
) -> None:
    file = tmp_path / "talk.toml"
    file.write_text('[[conversation]]\nname = "Class 6a"\n', "utf-8")
    args = [a.replace("{file}", str(file)) for a in COMMANDS[command]]
    with holding(lock_of(run, fake_talk)):
        process = subprocess.Popen(
            [talkctl_executable(), *args],
            env=run.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        line = process.stderr.readline()  # it says so when it starts waiting (EOF: it did not)
        assert line == (
            "waiting for another talkctl run creating conversations as admin on "
            f"{fake_talk.url} (process 4242)\n"
        ), line
        assert listings(fake_talk) == 0  # nothing read while it waits
        made = fake_talk.add_room(name="Class 6a")  # what "the first run" created meanwhile
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    record = json.loads(out)
    record = record[0] if isinstance(record, list) else record
    if command == "create":  # room create makes another one, warned about (as without a lock)
        assert 'a conversation named "Class 6a" exists already' in err
        assert record["action"] == "create"
    else:
        assert (record["action"], record["token"]) == ("unchanged", made)
        assert len(fake_talk.rooms_of("admin")) == 1


def test_a_dry_run_takes_no_lock(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    file = tmp_path / "talk.toml"
    file.write_text('[[conversation]]\nname = "Class 6a"\n', "utf-8")
    with holding(lock_of(run, fake_talk)):
        plan = run("apply", str(file), "--dry-run")  # would wait 30 s and exit 2 if it locked
        ensure = run("room", "ensure", "X", "--dry-run")
    assert plan.code == 0, plan
    assert ensure.code == 0, ensure
    assert "waiting" not in plan.stderr + ensure.stderr


def test_a_lock_held_too_long_is_exit_2_naming_its_holder(tmp_path: Path) -> None:
    path = tmp_path / "account" / "create.lock"
    told: list[str] = []
    what = "creating conversations as admin"
    with (
        holding(path, pid="777"),
        pytest.raises(ConfigError) as caught,
        held(path, what, wait=0, waiting=told.append),
    ):
        raise AssertionError("the lock was taken twice")  # pragma: no cover
    assert told == ["777"]
    assert str(caught.value) == (
        "creating conversations as admin is locked by another talkctl (process 777) for 0 s "
        f"({path}): try again"
    )
    with held(path, "creating conversations as admin", wait=0):  # released: taken at once
        assert path.read_text() == f"{os.getpid()}\n"


def test_a_lock_that_cannot_be_made_is_a_warning_not_a_failure(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    blocker = lock_of(run, fake_talk).parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a directory")  # the account's cache directory cannot be made
    result = run("room", "ensure", "Class 6a")
    assert result.code == 0, result
    assert "talkctl: warning: cannot lock creating conversations as admin on" in result.stderr
    assert "a run at the same time could create the same again" in result.stderr
    assert len(fake_talk.rooms_of("admin")) == 1
