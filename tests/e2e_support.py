"""End-to-end helpers: talkctl against a started fake Talk server, in-process (TalkctlRunner)
or, where the process is what is tested (signals), the installed command."""

from __future__ import annotations

import json
import stat
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from clirunner import Result, TalkctlRunner, process_signals, talkctl_executable

from talkctl.sandbox import FakeTalkServer

# profile → API version it negotiates; 18 answers changes with data [], 22 with the room
PROFILES = {"8": 1, "9": 2, "11": 3, "18": 4, "22": 4}
OWNER, MODERATOR, USER = 1, 2, 3
STRONG_PASSWORD = "Correct-Horse-Battery-42"


@dataclass
class Session:
    """One user's talkctl (isolated home, credentials from the environment) on one server."""

    srv: FakeTalkServer
    run: TalkctlRunner
    user: str

    @property
    def api(self) -> str:
        return f"/ocs/v2.php/apps/spreed/api/v{PROFILES.get(self.srv.talk, 4)}"

    def json(self, *args: str, input: str | None = None, code: int = 0) -> Any:
        result = self.run(*args, "--json", input=input)
        assert result.code == code, result
        return json.loads(result.stdout)

    def server_get(self, path: str, **params: str) -> Any:
        """What the server answers this user, fetched directly (not through talkctl)."""
        response = requests.get(
            self.srv.url + self.api + path,
            params=params,
            auth=(self.user, self.srv.password_of(self.user)),
            headers={"OCS-APIRequest": "true", "Accept": "application/json"},
            timeout=10,
        )
        return response.json()["ocs"]["data"]

    def spreed_requests(self) -> list[tuple[str, str]]:
        """(method, path below the API base) of every spreed request talkctl sent."""
        return [(r.method, r.path.split(self.api, 1)[-1]) for r in self.srv.requests if r.is_spreed]

    def forms(self, method: str, suffix: str) -> list[dict[str, str]]:
        return [r.form for r in self.srv.requests if r.method == method and r.path.endswith(suffix)]

    def cache_file(self) -> Path:
        found = list(self.run.cache_dir.rglob("rooms.json"))
        assert len(found) == 1, found
        return found[0]

    def cache_mode(self) -> int:
        return stat.S_IMODE(self.cache_file().stat().st_mode)

    def cached_tokens(self) -> list[str]:
        return [r["token"] for r in json.loads(self.cache_file().read_text())["rooms"]]


def session(srv: FakeTalkServer, home: Path, user: str = "admin", **env: str) -> Session:
    runner = TalkctlRunner(
        home / user,
        server=srv.url,
        user=user,
        app_password=srv.new_app_password(user),
        extra_env=env,
    )
    (home / user).mkdir(parents=True, exist_ok=True)
    return Session(srv, runner, user)


Factory = Callable[..., FakeTalkServer]


def start(
    factory: Factory, home: Path, talk: str = "22", user: str = "admin", **kwargs: Any
) -> Session:
    return session(factory(talk=talk, **kwargs), home, user)


def no_requests(result: Result, srv: FakeTalkServer) -> None:
    """A locally rejected command: exit 2, one line on stderr, nothing sent at all."""
    assert result.code == 2, result
    assert result.stdout == ""
    assert srv.requests == [], [(r.method, r.path) for r in srv.requests]


@dataclass
class Stopped:
    """A bulk run stopped by a signal: its conversations, exit code, stdout and stderr, and
    the process's signal state just before the signal (for the message of a failed test)."""

    tokens: list[str]
    code: int
    stdout: str
    stderr: str
    signals: str


def stop_a_bulk_delete(run: TalkctlRunner, srv: FakeTalkServer, signum: int, rooms: int) -> Stopped:
    """``room delete --stdin --yes --jobs 1 --json`` of ``rooms`` new conversations, the fake
    holding each DELETE 0.4 s; ``signum`` goes to talkctl once the first DELETE arrived."""
    tokens = [srv.add_room(name=f"Old {n}") for n in range(rooms)]
    srv.inject(method="DELETE", path="/room/", delay=0.4, times=rooms)
    selection = run.home / "selection.txt"
    selection.write_text("\n".join(tokens) + "\n")
    with selection.open() as stdin:
        process = subprocess.Popen(
            [talkctl_executable(), "room", "delete", "--stdin", "--yes", "--jobs", "1", "--json"],
            env=run.env,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        deadline = time.monotonic() + 30
        while srv.count("DELETE") < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        signals = process_signals(process.pid)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    return Stopped(tokens, process.returncode, stdout, stderr, signals)


def signal_on_request(
    srv: FakeTalkServer,
    monkeypatch: Any,
    argv: list[str],
    env: dict[str, str],
    *,
    signum: int,
    method: str,
    path_part: str,
    hold: float,
    times: int = 1,
) -> Result:
    """Run ``talkctl ARGV``; the moment the first ``method`` request whose path contains
    ``path_part`` reaches the fake, ``signum`` goes to talkctl, and the fake holds that
    request (and the next ``times - 1`` like it) ``hold`` seconds: the signal lands while
    the request is under way, with no polling."""
    import os
    import threading

    started, signalled = threading.Event(), threading.Event()
    pid: list[int] = []
    take = srv.faults.take

    def take_and_signal(verb: str, path: str) -> Any:
        fault = take(verb, path)  # the held request's delay is taken here
        if verb == method and path_part in path and not signalled.is_set():
            started.wait(30)
            signalled.set()
            os.kill(pid[0], signum)
        return fault

    monkeypatch.setattr(srv.faults, "take", take_and_signal)
    srv.inject(method=method, path=path_part, delay=hold, times=times)
    process = subprocess.Popen(
        [talkctl_executable(), *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pid.append(process.pid)
    started.set()
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return Result(process.returncode, stdout, stderr)


def read_until_closed(controller: int) -> bytes:
    """Everything a pseudo-terminal's controller side gets until the other side is closed
    (the process on it has exited)."""
    import os

    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        seen += chunk
    return seen


def run_process(
    run: TalkctlRunner, *args: str, input: str = "", preexec_fn: Callable[[], None]
) -> Result:
    """The installed talkctl as a process set up by ``preexec_fn`` (a umask, a file size
    limit: what only a process of its own can have)."""
    done = subprocess.run(
        [talkctl_executable(), *args],
        input=input,
        capture_output=True,
        text=True,
        env=run.env,
        timeout=60,
        preexec_fn=preexec_fn,
    )
    return Result(done.returncode, done.stdout, done.stderr)
