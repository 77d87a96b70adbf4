"""``talkctl sandbox`` against what a server faces: two sandboxes on one state file, a state
directory it cannot write, a symbolic link, a broken state file, SIGKILL, and the entry
point for benchmarks (loopback only, no fixed passwords).

No sleeps racing the code under test: a test waits for what a process prints, or for a
condition (a process gone) with a generous bound only a broken sandbox reaches.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from clirunner import TalkctlRunner, talkctl_executable

GENEROUS = 60.0
OCS = {"OCS-APIRequest": "true", "Accept": "application/json"}

# a COMMAND for `sandbox run`: prints its pid, its config directory and "ready", then waits
WAITER = """
import os, signal
print(os.getpid(), os.environ["TALKCTL_CONFIG_DIR"], "ready", flush=True)
signal.pause()
"""


@pytest.fixture
def runner(talkctl_home: Path) -> TalkctlRunner:
    return TalkctlRunner(talkctl_home)


def start(
    runner: TalkctlRunner, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [talkctl_executable(), "sandbox", *args],
        env={**runner.env, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=GENEROUS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, err


def gone(pid: int) -> bool:
    """No such process, or only its zombie (an orphan nobody reaped yet)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return True
    return fields[0] in ("Z", "X")


def wait_until_gone(pid: int) -> None:
    deadline = time.monotonic() + GENEROUS
    while not gone(pid):
        assert time.monotonic() < deadline, f"process {pid} is still running"
        time.sleep(0.02)


# -- the state file ---------------------------------------------------------------------------
def test_a_second_sandbox_on_the_same_state_is_refused_naming_the_first(
    runner: TalkctlRunner, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    first = start(runner, "serve", "--state", str(state), "--data", "empty")
    try:
        assert first.stdout is not None
        assert first.stdout.readline().startswith("export ")
        second = runner("sandbox", "run", "--state", str(state), "--", "true")
        assert second.code == 2, second
        assert f"--state: {state}: in use by another sandbox (process {first.pid})" in second.stderr
    finally:
        code, err = stop(first)
    assert code == 0, err
    assert json.loads(state.read_text())["format"] == 1
    again = runner("sandbox", "run", "--state", str(state), "--", "true")
    assert again.code == 0, again  # released at exit


def test_an_unwritable_state_directory_is_refused_at_start(runner: TalkctlRunner) -> None:
    # /proc takes no new files, whoever runs the test (root included)
    result = runner("sandbox", "run", "--state", "/proc/talkctl-state.json", "--", "true")
    assert result.code == 2, result
    assert result.stderr.startswith(
        "talkctl: error: --state: /proc/talkctl-state.json: cannot write"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("command_code", "expected"), [(0, 1), (5, 5)])
def test_a_save_that_fails_at_exit_is_reported_and_a_failing_command_keeps_its_code(
    runner: TalkctlRunner, tmp_path: Path, command_code: int, expected: int
) -> None:
    directory = tmp_path / "goes-away"
    directory.mkdir()
    state = directory / "state.json"
    script = f'rm -rf "{directory}"; exit {command_code}'
    result = runner("sandbox", "run", "--state", str(state), "--", "sh", "-c", script)
    assert result.code == expected, result
    assert f"--state: could not save the sandbox's state to {state}" in result.stderr
    assert "unexpected error" not in result.stderr and "Traceback" not in result.stderr


def test_a_symlinked_state_is_written_to_its_target(runner: TalkctlRunner, tmp_path: Path) -> None:
    target = tmp_path / "real" / "state.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(target)
    created = runner("sandbox", "run", "--state", str(link), "--",
                     "talkctl", "room", "create", "Through a link", "--json")  # fmt: skip
    assert created.code == 0, created
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    names = [room["name"] for room in json.loads(target.read_text())["rooms"]]
    assert "Through a link" in names
    again = runner("sandbox", "run", "--state", str(link), "--", "true")
    assert again.code == 0, again
    assert link.is_symlink()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format":1,"users":[],"groups":[]}', "'groups' is not an object"),
        ('{"format":1,"users":[]}', "'groups' is missing"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format":1,"users":[1],"groups":{},"teams":{},"subadmins":{},"appPasswords":{},'
         '"rooms":[],"counters":{},"random":[]}', "not a talkctl sandbox state file"),
    ],
)  # fmt: skip
def test_a_broken_state_file_exits_2_naming_it_and_the_problem(
    runner: TalkctlRunner, tmp_path: Path, text: str, problem: str
) -> None:
    state = tmp_path / "broken.json"
    state.write_text(text)
    result = runner("sandbox", "run", "--state", str(state), "--", "true")
    assert result.code == 2, result
    assert result.stderr.startswith(f"talkctl: error: --state: {state}: ")
    assert problem in result.stderr
    assert "unexpected error" not in result.stderr
    assert state.read_text() == text  # left as it was
    assert runner("sandbox", "run", "--state", str(state), "--", "true").code == 2  # not locked


# -- SIGKILL ----------------------------------------------------------------------------------
def test_sandbox_run_killed_takes_its_command_along_and_the_next_run_cleans_up(
    runner: TalkctlRunner, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {"TMPDIR": str(temp)}
    sandbox = start(runner, "run", "--", sys.executable, "-c", WAITER, env=env)
    try:
        assert sandbox.stdout is not None
        pid, config_dir, ready = sandbox.stdout.readline().split()
        assert ready == "ready"
        home = Path(config_dir).parent
        assert home.parent == temp and home.is_dir()
        sandbox.kill()
        sandbox.wait()
        wait_until_gone(int(pid))
    finally:
        stop(sandbox)
        if not gone(int(pid)):
            os.kill(int(pid), signal.SIGKILL)
    assert home.is_dir()  # nothing could remove it: the next run does
    result = runner("sandbox", "run", "--", "true", env=env)
    assert result.code == 0, result
    assert not home.exists()


def test_the_next_run_keeps_the_directory_of_a_run_still_going(
    runner: TalkctlRunner, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {"TMPDIR": str(temp)}
    sandbox = start(runner, "run", "--", sys.executable, "-c", WAITER, env=env)
    try:
        assert sandbox.stdout is not None
        _pid, config_dir, _ready = sandbox.stdout.readline().split()
        assert runner("sandbox", "run", "--", "true", env=env).code == 0
        assert Path(config_dir).parent.is_dir()
    finally:
        stop(sandbox)


def test_leftovers_are_told_by_their_unheld_lock_not_by_a_process_id(
    runner: TalkctlRunner, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    stale = temp / f"talkctl-sandbox-{os.getpid()}-abc"  # a live process id (reused, say)
    stale.mkdir()
    (stale / ".talkctl-sandbox.lock").touch()
    unknown = temp / "talkctl-sandbox-1-xyz"  # no lock file: not ours to judge
    unknown.mkdir()
    result = runner("sandbox", "run", "--", "true", env={"TMPDIR": str(temp)})
    assert result.code == 0, result
    assert not stale.exists()
    assert unknown.is_dir()


# -- python -m talkctl.sandbox ----------------------------------------------------------------
def test_the_benchmark_entry_point_listens_on_loopback_only() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "talkctl.sandbox", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=GENEROUS,
        check=False,
    )
    assert result.returncode == 2
    assert "--host: '0.0.0.0' is not a loopback address" in result.stderr


def test_the_benchmark_entry_point_has_no_fixed_passwords() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "talkctl.sandbox"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url, user, app_password = process.stdout.readline().split()
        base = url + "/ocs/v2.php/cloud/user"
        fixed = requests.get(base, auth=("admin", "admin-password"), headers=OCS, timeout=30)
        assert fixed.status_code == 401
        given = requests.get(base, auth=(user, app_password), headers=OCS, timeout=30)
        assert given.status_code == 200
    finally:
        process.kill()
        process.wait()


def test_the_talk_option_names_the_releases_with_message_expiration(runner: TalkctlRunner) -> None:
    result = runner("sandbox", "serve", "--help", env={"COLUMNS": "200"})
    assert result.code == 0
    assert "Message expiration is offered by 18 and later (18, 19, 20, 21, 22;" in " ".join(
        result.stdout.split()
    )
