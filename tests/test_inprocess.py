"""The in-process runner (tests/inprocess.py) gives what the installed talkctl gives, and no
run leaves anything behind for the next: environment, streams, file descriptors, working
directory, signal handlers, the keyring backend, threads."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import inprocess
import pytest
from clirunner import RUN_LOG_ENV, SUBPROCESS_ENV, Result, TalkctlRunner
from keyring_memory import subprocess_env

from talkctl import __version__
from talkctl.sandbox import FakeTalkServer


@pytest.fixture(autouse=True)
def in_process_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the in-process runner: also when the suite forces processes."""
    monkeypatch.delenv(SUBPROCESS_ENV, raising=False)


SAME_ANSWERS = [
    pytest.param([], id="no-arguments"),
    pytest.param(["--version"], id="version"),
    pytest.param(["--help"], id="help"),
    pytest.param(["room", "--help"], id="group-help"),
    pytest.param(["room", "list", "--json"], id="list-json"),
    pytest.param(["room", "list", "--format", "tsv", "--fields", "token,name"], id="list-tsv"),
    pytest.param(["room", "show", "No such room"], id="not-found"),
    pytest.param(["room", "list", "--bogus"], id="unknown-option"),
    pytest.param(["room", "show"], id="missing-argument"),
    pytest.param(["--timeout", "soon", "room", "list"], id="bad-global-value"),
    pytest.param(["room", "list", "--profile", "work"], id="global-option-misplaced"),
    pytest.param(["room", "rename", "--stdin", "--dry-run", "Renamed"], id="stdin"),
    pytest.param(["api", "get", "/nope/\r\x1b[31m"], id="controls-in-an-error"),
]


@contextlib.contextmanager
def isolated(
    env: dict[str, str], args: list[str] | None = None, stdin: str = ""
) -> Iterator[dict[str, bytes]]:
    """The block as the inside of an in-process run; afterwards the dict holds what it wrote
    on fds 1 and 2."""
    written: dict[str, bytes] = {}
    with inprocess._standard_files(stdin) as (files, streams):
        with inprocess._isolated(env, args or [], (streams[0], streams[1], streams[2])):
            yield written
        written.update(stdout=inprocess._read(files[1]), stderr=inprocess._read(files[2]))


def pair(srv: FakeTalkServer, home: Path) -> tuple[TalkctlRunner, TalkctlRunner]:
    """The same account twice, in-process and as a subprocess, each with its own home."""

    def runner(name: str, *, subprocess: bool) -> TalkctlRunner:
        (home / name).mkdir()
        return TalkctlRunner(
            home / name,
            server=srv.url,
            user="admin",
            app_password=srv.new_app_password("admin"),
            subprocess=subprocess,
        )

    return runner("in", subprocess=False), runner("out", subprocess=True)


@pytest.mark.parametrize("args", SAME_ANSWERS)
def test_exit_code_stdout_and_stderr_are_the_installed_commands(
    fake_talk: FakeTalkServer, talkctl_home: Path, args: list[str]
) -> None:
    fake_talk.add_room(owner="admin", name="Team chat")
    fake_talk.add_room(owner="admin", name="Line\rbreak \x1b[31m[bold]x[/bold]")
    here, there = pair(fake_talk, talkctl_home)
    assert not here.subprocess and there.subprocess
    stdin = "Team chat\n"
    assert here(*args, input=stdin) == there(*args, input=stdin)


def test_the_subprocess_switch_makes_every_runner_start_talkctl(
    monkeypatch: pytest.MonkeyPatch, talkctl_home: Path
) -> None:
    assert not TalkctlRunner(talkctl_home).subprocess
    monkeypatch.setenv(SUBPROCESS_ENV, "1")
    assert TalkctlRunner(talkctl_home).subprocess


def test_the_keyring_backend_is_chosen_again_for_every_run(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    """A process picks its backend from PYTHON_KEYRING_BACKEND: so does every in-process run."""
    stored = TalkctlRunner(talkctl_home, extra_env=subprocess_env(talkctl_home))
    login = ("auth", "login", fake_talk.url, "--user", "admin", "--app-password-stdin")
    password = fake_talk.new_app_password("admin") + "\n"
    assert stored(*login, "--store", "keyring", input=password).code == 0
    failing = subprocess_env(talkctl_home, "keyring.backends.fail.Keyring")
    refused = TalkctlRunner(talkctl_home / "other", extra_env=failing)(
        *login, "--store", "keyring", input=password
    )
    assert refused.code == 4, refused
    assert "no secure place to store the app password" in refused.stderr
    listed = stored("room", "list", "--json")  # the memory backend again
    assert listed.code == 0, listed


def test_a_run_leaves_the_process_as_it_found_it(tmp_path: Path) -> None:
    def on_term(signum: int, frame: FrameType | None) -> None:
        raise AssertionError("not to be called")

    before_environ = dict(os.environ)
    before_streams = (sys.stdin, sys.stdout, sys.stderr)
    before_fds = [os.fstat(fd).st_ino for fd in range(3)]
    before_handler = signal.getsignal(signal.SIGTERM)
    before_cwd = os.getcwd()
    before_argv = sys.argv
    finished: list[bool] = []

    def worker() -> None:
        threading.Event().wait(0.2)
        finished.append(True)

    with isolated({"ONLY": "this"}, ["room", "list"], stdin="input\n") as files:
        assert dict(os.environ) == {"ONLY": "this"}
        assert sys.argv == ["talkctl", "room", "list"]
        assert sys.stdin.read() == "input\n"
        print("to the run's stdout")
        os.write(2, b"to fd 2\n")
        signal.signal(signal.SIGTERM, on_term)
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
        os.chdir(tmp_path)
        threading.Thread(target=worker).start()  # not daemon: the run waits for it
    assert finished == [True]
    assert files == {"stdout": b"to the run's stdout\n", "stderr": b"to fd 2\n"}
    assert dict(os.environ) == before_environ
    assert (sys.stdin, sys.stdout, sys.stderr) == before_streams
    assert [os.fstat(fd).st_ino for fd in range(3)] == before_fds
    assert signal.getsignal(signal.SIGTERM) == before_handler
    assert signal.SIGUSR1 not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert os.getcwd() == before_cwd
    assert sys.argv is before_argv


@pytest.mark.parametrize(
    ("code", "status", "printed"),
    [(None, 0, ""), (0, 0, ""), (3, 3, ""), (256, 0, ""), (-1, 255, ""), ("bye", 1, "bye\n")],
)
def test_sys_exit_gives_the_interpreters_exit_status(
    code: object, status: int, printed: str, tmp_path: Path
) -> None:
    with (tmp_path / "stderr").open("w+") as stderr:
        assert inprocess._exit_code(code, stderr) == status
        stderr.seek(0)
        assert stderr.read() == printed


def test_output_is_decoded_as_subprocess_text_mode_decodes_it() -> None:
    assert inprocess.decoded(b"a\r\nb\rc\n\xc3\xa9") == "a\nb\nc\n\u00e9"


def test_warnings_reach_stderr_as_in_a_fresh_interpreter(
    tmp_path: Path, talkctl_home: Path
) -> None:
    """urllib3's warning about an unverified HTTPS request (--insecure) is printed on stderr
    by a talkctl process on every run, not recorded by pytest or remembered from a run
    before."""
    from tls_helper import self_signed

    certificate = self_signed(tmp_path / "tls")
    with FakeTalkServer(talk="22", tls=certificate.server_context()) as srv:
        srv.add_room(owner="admin", name="Secure")
        here, there = pair(srv, talkctl_home)
        for _ in range(2):
            ours, theirs = here("--insecure", "room", "list"), there("--insecure", "room", "list")
            assert ours == theirs
            assert "InsecureRequestWarning" in ours.stderr


def test_a_library_warning_logged_without_a_handler_reaches_stderr() -> None:
    """As in a process (logging.lastResort), not in pytest's log capture."""
    import logging

    handlers = list(logging.getLogger().handlers)
    with isolated({}) as files:
        logging.getLogger("some.library").warning("the keyring is locked")
        logging.getLogger("some.library").info("not shown")
    assert files["stderr"] == b"the keyring is locked\n"
    assert logging.getLogger().handlers == handlers


def test_the_runs_time_zone_applies_during_the_run_only() -> None:
    import time

    before = time.strftime("%z", time.localtime(0))
    zone = "XYZ-05:30" if before != "+0530" else "XYZ+03:00"
    with isolated({"TZ": zone}):
        during = time.strftime("%z", time.localtime(0))
    assert during == ("+0530" if zone == "XYZ-05:30" else "-0300")
    assert time.strftime("%z", time.localtime(0)) == before


def test_an_exception_in_a_thread_of_the_run_is_printed_on_its_stderr() -> None:
    def fail() -> None:
        raise RuntimeError("worker failed")

    with isolated({}) as files:
        worker = threading.Thread(target=fail, name="worker")
        worker.start()
        worker.join()
    printed = files["stderr"].decode()
    assert printed.startswith("Exception in thread worker:\n")
    assert printed.endswith("RuntimeError: worker failed\n")


def test_the_connections_of_a_run_are_closed_when_it_ends(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    """As a process's are at exit: the fake server's keep-alive handler threads end."""
    fake_talk.add_room(owner="admin", name="Team chat")
    here, _there = pair(fake_talk, talkctl_home)
    before = {thread for thread in threading.enumerate() if thread.daemon}
    assert here("room", "list", "--json").code == 0
    for thread in threading.enumerate():
        if thread.daemon and thread not in before and thread.name != "talkctl-deadlines":
            thread.join(10)  # a handler whose client went away ends at once; else it waits
            assert not thread.is_alive(), thread.name


def test_a_run_from_another_thread_is_a_process(
    fake_talk: FakeTalkServer, talkctl_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process runs swap process-wide state: two at once (threads) would mix them."""
    log = tmp_path / "runs.log"
    monkeypatch.setenv(RUN_LOG_ENV, str(log))
    here, _there = pair(fake_talk, talkctl_home)
    results: list[Result] = []
    worker = threading.Thread(target=lambda: results.append(here("--version")))
    worker.start()
    worker.join()
    results.append(here("--version"))
    assert [r.stdout for r in results] == [f"talkctl {__version__}\n"] * 2
    assert log.read_text().split() == ["process", "in-process"]


def test_a_run_longer_than_its_timeout_raises_timeout_expired(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    """As subprocess.run does: a hang fails its test, the worker goes on."""
    fake_talk.add_room(owner="admin", name="Team chat")
    here, _there = pair(fake_talk, talkctl_home)
    assert here("room", "list", "--json").code == 0  # capabilities cached: one GET /room next
    fake_talk.inject(method="GET", path="/room", delay=30)  # far beyond both timeouts
    with pytest.raises(subprocess.TimeoutExpired):
        here("room", "list", "--json", timeout=0.5)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert here("--version").code == 0
