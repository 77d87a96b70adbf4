"""``talkctl sandbox serve`` and ``talkctl sandbox run``: lifecycle, signals, exit codes, state.

No sleeps: a test waits for what the process prints (its credentials, a child's "ready").
Processes start in a session of their own, as from a script: no terminal delivers signals.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from clirunner import TalkctlRunner, talkctl_executable

from talkctl.sandbox import PROFILES

# the Talk versions in numeric order; sorted outside @parametrize, whose argument type would
# make mypy infer sorted()'s items as object (and reject key=int)
TALKS: list[str] = sorted(PROFILES, key=int)

OCS = {"OCS-APIRequest": "true", "Accept": "application/json"}

# a COMMAND for `sandbox run`: prints its pid and "ready", exits 40 + the signal it gets
WAITER = """
import os, signal, sys
def stop(signum, frame):
    sys.exit(40 + signum)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
print(os.getpid(), "ready", flush=True)
signal.pause()
"""


def start(runner: TalkctlRunner, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [talkctl_executable(), "sandbox", *args],
        env=runner.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, stdout, stderr


def read_json_object(process: subprocess.Popen[str]) -> Any:
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or lines[-1] != "}\n":
        line = process.stdout.readline()
        assert line, "serve --json ended before printing its object"
        lines.append(line)
    return json.loads("".join(lines))


def rooms(url: str, user: str, password: str) -> list[dict[str, Any]]:
    answer = requests.get(
        url + "/ocs/v2.php/apps/spreed/api/v4/room", auth=(user, password), headers=OCS, timeout=30
    )
    assert answer.status_code == 200, answer.text
    data: list[dict[str, Any]] = answer.json()["ocs"]["data"]
    return data


def refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) != 0


def pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def runner(talkctl_home: Path) -> TalkctlRunner:
    return TalkctlRunner(talkctl_home)


# -- serve ------------------------------------------------------------------------------------
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_on_a_free_port_until_a_signal_then_exit_0_and_nothing_left(
    runner: TalkctlRunner, stop: signal.Signals
) -> None:
    process = start(runner, "serve", "--json", "--random-seed", "1")
    try:
        summary = read_json_object(process)
        assert summary["server"].startswith("http://127.0.0.1:")
        assert not summary["server"].endswith(":0")
        assert summary["user"] == "admin"
        assert set(summary["users"]) == {"admin", "alice", "bob", "carol"}
        assert summary["users"]["admin"] == summary["app_password"]
        for user, password in summary["users"].items():
            assert rooms(summary["server"], user, password) != []
        process.send_signal(stop)
    finally:
        code, _stdout, stderr = finish(process)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert refused(summary["server"])


def test_serve_prints_the_export_line_for_talkctl(runner: TalkctlRunner) -> None:
    process = start(runner, "serve", "--users", "alice,bob", "--data", "empty")
    try:
        assert process.stdout is not None
        words = shlex.split(process.stdout.readline())
        assert words[0] == "export"
        env = dict(word.split("=", 1) for word in words[1:])
        assert sorted(env) == ["TALKCTL_APP_PASSWORD", "TALKCTL_SERVER", "TALKCTL_USER"]
        assert env["TALKCTL_USER"] == "alice"
        listed = TalkctlRunner(runner.home / "client", extra_env=env)("room", "list", "--json")
        assert (listed.code, json.loads(listed.stdout)) == (0, [])
        admin = requests.get(
            env["TALKCTL_SERVER"] + "/ocs/v2.php/cloud/groups/admin/users",
            auth=("alice", env["TALKCTL_APP_PASSWORD"]),
            headers=OCS,
            timeout=30,
        )
        assert admin.status_code == 403  # alice is no administrator
        process.send_signal(signal.SIGTERM)
    finally:
        code, _stdout, stderr = finish(process)
    assert code == 0, stderr


def test_the_same_random_seed_draws_the_same_credentials(runner: TalkctlRunner) -> None:
    seen = []
    for seed in ("5", "5", "6"):
        process = start(runner, "serve", "--json", "--random-seed", seed, "--data", "empty")
        try:
            seen.append(read_json_object(process)["users"])
            process.send_signal(signal.SIGINT)
        finally:
            assert finish(process)[0] == 0
    assert seen[0] == seen[1] != seen[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--users", "alice,b b"], "--users: 'b b' is not a user id"),
        (["--talk", "99"], "--talk: '99' is not one of"),
        (["--data", "lots"], "--data: 'lots' is not one of demo, empty"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    runner: TalkctlRunner, args: list[str], message: str
) -> None:
    for verb in (["serve", *args], ["run", *args, "--", "true"]):
        result = runner("sandbox", *verb)
        assert result.code == 2, result
        assert result.stdout == ""
        assert result.stderr == f"talkctl: error: {result.stderr.split('error: ')[1]}"
        assert message in result.stderr


def test_a_busy_port_exits_2(runner: TalkctlRunner) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = runner("sandbox", "serve", "--port", port)
    assert result.code == 2, result
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


# -- run --------------------------------------------------------------------------------------
def test_run_gives_the_command_a_sandbox_and_exits_with_its_code(runner: TalkctlRunner) -> None:
    probe = (
        "import json, os, shutil, sys\n"
        "keys = ('TALKCTL_SERVER', 'TALKCTL_USER', 'TALKCTL_CONFIG_DIR', 'TALKCTL_CACHE_DIR',"
        " 'PYTHON_KEYRING_BACKEND', 'TALKCTL_PROFILE')\n"
        "print(json.dumps({**{k: os.environ.get(k) for k in keys},"
        " 'talkctl': shutil.which('talkctl')}))\n"
        "sys.exit(7)\n"
    )
    result = runner(
        "sandbox", "run", "--", sys.executable, "-c", probe, env={"TALKCTL_PROFILE": "work"}
    )
    assert result.code == 7, result
    seen = json.loads(result.stdout)
    assert seen["TALKCTL_SERVER"].startswith("http://127.0.0.1:")
    assert seen["TALKCTL_USER"] == "admin"
    assert seen["PYTHON_KEYRING_BACKEND"] == "keyring.backends.null.Keyring"
    assert seen["TALKCTL_PROFILE"] is None  # the caller's settings do not leak in
    assert seen["talkctl"] == talkctl_executable()  # this install first on PATH
    config = Path(seen["TALKCTL_CONFIG_DIR"])
    assert config != runner.config_dir and not config.exists()  # removed afterwards
    assert refused(seen["TALKCTL_SERVER"])


def test_run_talkctl_room_list_leaves_the_user_config_untouched(runner: TalkctlRunner) -> None:
    runner.config_dir.mkdir(parents=True)
    config = runner.config_dir / "config.toml"
    config.write_text('default = "work"\n[profiles.work]\nserver = "https://x.invalid"\n')
    before = sorted(p.relative_to(runner.home) for p in runner.home.rglob("*"))
    result = runner("sandbox", "run", "--", "talkctl", "room", "list", "--json")
    assert result.code == 0, result
    assert len(json.loads(result.stdout)) >= 20
    assert sorted(p.relative_to(runner.home) for p in runner.home.rglob("*")) == before
    assert config.read_text() == 'default = "work"\n[profiles.work]\nserver = "https://x.invalid"\n'


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_run_forwards_signals_and_leaves_nothing_running(
    runner: TalkctlRunner, stop: signal.Signals
) -> None:
    process = start(runner, "run", "--", sys.executable, "-c", WAITER)
    try:
        assert process.stdout is not None
        pid, ready = process.stdout.readline().split()
        assert ready == "ready"
        process.send_signal(stop)
    finally:
        code, _stdout, stderr = finish(process)
    assert code == 40 + stop, stderr
    assert pid_gone(int(pid))


def test_run_reports_a_signal_that_ended_the_command_like_a_shell(runner: TalkctlRunner) -> None:
    result = runner("sandbox", "run", "--", "sh", "-c", "kill -TERM $$")
    assert result.code == 128 + signal.SIGTERM, result


def test_run_of_a_missing_command_exits_127(runner: TalkctlRunner) -> None:
    result = runner("sandbox", "run", "--", "no-such-command-anywhere")
    assert result.code == 127, result
    assert result.stderr == "talkctl: error: no-such-command-anywhere: command not found\n"


# -- state ------------------------------------------------------------------------------------
def test_state_file_round_trip(runner: TalkctlRunner, tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    created = runner("sandbox", "run", "--state", str(state), "--", "talkctl", "room", "create",
                     "Kept between runs", "--json")  # fmt: skip
    assert created.code == 0, created
    token = json.loads(created.stdout)["token"]
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    again = runner("sandbox", "run", "--state", str(state), "--random-seed", "9", "--",
                   "talkctl", "room", "show", token, "--json")  # fmt: skip
    assert again.code == 0, again
    assert json.loads(again.stdout)["name"] == "Kept between runs"
    passwords = [
        runner("sandbox", "run", "--state", str(state), "--", "sh", "-c",
               'printf %s "$TALKCTL_APP_PASSWORD"').stdout
        for _ in range(2)
    ]  # fmt: skip
    assert passwords[0] == passwords[1] != ""


def test_a_file_that_is_no_state_exits_2(runner: TalkctlRunner, tmp_path: Path) -> None:
    state = tmp_path / "other.json"
    state.write_text('{"some": "json"}')
    result = runner("sandbox", "run", "--state", str(state), "--", "true")
    assert result.code == 2, result
    assert "not a talkctl sandbox state file" in result.stderr
    assert state.read_text() == '{"some": "json"}'
    nowhere = tmp_path / "missing" / "state.json"
    result = runner("sandbox", "serve", "--state", str(nowhere))
    assert result.code == 2, result
    assert "--state: the directory of" in result.stderr


# -- profiles ---------------------------------------------------------------------------------
@pytest.mark.parametrize("talk", TALKS)
def test_each_talk_profile_answers_room_list(runner: TalkctlRunner, talk: str) -> None:
    result = runner("sandbox", "run", "--talk", talk, "--", "talkctl", "room", "list", "--json")
    assert result.code == 0, result
    listed = json.loads(result.stdout)
    assert {"Team chat", "Town hall", "Old project"} <= {room["name"] for room in listed}
