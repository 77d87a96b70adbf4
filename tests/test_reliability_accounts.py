"""Accounts and local files under faults (issue 12, "Accounts and local files").

A full disk is simulated deterministically with RLIMIT_FSIZE: secret files and the test
keyring stay far below the limit, the config (padded with a kept unknown key) is above it,
so exactly the config write fails ("File too large"), as on a full disk. Concurrent logins
are made to overlap deterministically: the fake holds every login's answer to /cloud/user
until all of them have asked.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clirunner import Result, TalkctlRunner, talkctl_executable
from e2e_support import run_process
from reliability_support import one_error

from talkctl.accounts.cache import account_key
from talkctl.sandbox import FakeTalkServer
from talkctl.sandbox.handler import Handler

FILE_LIMIT = 4096  # bytes a talkctl process may write to one file in the disk-full tests
PADDING = "x" * (2 * FILE_LIMIT)  # makes config.toml larger than the limit


def runner(home: Path) -> TalkctlRunner:
    return TalkctlRunner(home, extra_env={"TALKCTL_RETRY_BACKOFF": "0.01"})


def login(run: TalkctlRunner, srv: FakeTalkServer, user: str, secret: str, *extra: str) -> Result:
    return run(
        "auth",
        "login",
        srv.url,
        "--user",
        user,
        "--app-password-stdin",
        "--store",
        "file",
        *extra,
        input=secret + "\n",
    )


def run_disk_full(run: TalkctlRunner, *args: str, input: str = "") -> Result:
    """talkctl with files limited to FILE_LIMIT bytes: the config write fails (EFBIG)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))

    return run_process(run, *args, input=input, preexec_fn=limit)


def pad_config(run: TalkctlRunner) -> None:
    config = run.config_dir / "config.toml"
    config.write_text(f'note = "{PADDING}"\n' + config.read_text())


def secret_files(run: TalkctlRunner) -> list[Path]:
    folder = run.config_dir / "secrets"
    return sorted(folder.iterdir()) if folder.exists() else []


def app_passwords_of(srv: FakeTalkServer, user: str) -> set[str]:
    return {pw for pw, owner in srv.state.app_passwords.items() if owner == user}


# -- a failed re-login keeps the working secret ------------------------------------------------
def test_a_relogin_whose_config_write_fails_keeps_the_working_secret(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = runner(talkctl_home)
    assert login(run, fake_talk, "alice", fake_talk.new_app_password("alice")).code == 0
    pad_config(run)
    config_before = (run.config_dir / "config.toml").read_text()
    files_before = {p.name: p.read_text() for p in secret_files(run)}

    failed = run_disk_full(
        run,
        *("auth", "login", fake_talk.url, "--user", "alice", "--app-password-stdin"),
        *("--store", "file", "--profile", "default"),
        input=fake_talk.new_app_password("alice") + "\n",
    )
    assert failed.code == 2, failed
    assert "cannot write config" in one_error(failed)
    assert (run.config_dir / "config.toml").read_text() == config_before
    assert {p.name: p.read_text() for p in secret_files(run)} == files_before
    listed = run("room", "list")
    assert listed.code == 0, listed  # the old secret still works


# -- a new app password made from the real password is revoked when it cannot be stored -------
def test_an_app_password_that_cannot_be_stored_is_revoked(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = runner(talkctl_home)
    assert login(run, fake_talk, "alice", fake_talk.new_app_password("alice")).code == 0
    pad_config(run)
    before = app_passwords_of(fake_talk, "bob")
    failed = run_disk_full(
        run,
        *("auth", "login", fake_talk.url, "--user", "bob", "--app-password-stdin"),
        *("--store", "file", "--profile", "bob"),
        input=fake_talk.password_of("bob") + "\n",
    )
    assert failed.code == 2, failed
    assert fake_talk.count("GET", "/core/getapppassword") == 2  # one was created ...
    assert app_passwords_of(fake_talk, "bob") == before  # ... and revoked again
    assert "stored a new app password" not in failed.stderr
    assert "revoked" in failed.stderr
    assert fake_talk.password_of("bob") not in failed.stderr + failed.stdout


def test_stored_is_said_only_after_the_app_password_is_stored(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = runner(talkctl_home)
    result = login(run, fake_talk, "bob", fake_talk.password_of("bob"))
    assert result.code == 0, result
    lines = result.stderr.splitlines()
    stored = next(i for i, line in enumerate(lines) if "stored a new app password" in line)
    assert stored < next(i for i, line in enumerate(lines) if line.startswith("Logged in"))
    assert [p.read_text().strip() for p in secret_files(run)] == list(
        app_passwords_of(fake_talk, "bob")
    )


# -- concurrent logins ---------------------------------------------------------------------------
@contextlib.contextmanager
def held_together(srv: FakeTalkServer, path: str, parties: int) -> Iterator[None]:
    """Answers to ``path`` are held until ``parties`` requests for it have arrived: every
    login has read the config by then, and none has written it yet."""
    original = Handler._finish
    barrier = threading.Barrier(parties, timeout=30)

    def finish(self: Handler, record: Any, response: Any) -> None:
        if self.fake is srv and record.path == path:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        original(self, record, response)

    Handler._finish = finish  # type: ignore[method-assign]
    try:
        yield
    finally:
        Handler._finish = original  # type: ignore[method-assign]


def parallel_logins(
    run: TalkctlRunner, srv: FakeTalkServer, profiles: list[str]
) -> list[tuple[int, str]]:
    processes = []
    for name in profiles:
        secret = srv.new_app_password("alice")
        args = ["auth", "login", srv.url, "--user", "alice", "--app-password-stdin"]
        process = subprocess.Popen(
            [talkctl_executable(), *args, "--store", "file", "--profile", name],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=run.env,
        )
        assert process.stdin is not None
        process.stdin.write(secret + "\n")  # every login gets its secret before any waits
        process.stdin.close()
        processes.append(process)
    results = []
    for process in processes:
        assert process.stderr is not None
        err = process.stderr.read()
        results.append((process.wait(timeout=60), err))
    return results


def test_parallel_logins_keep_every_profile_and_leave_no_orphaned_secret(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = runner(talkctl_home)
    names = [f"p{i}" for i in range(5)]
    with held_together(fake_talk, "/ocs/v2.php/cloud/user", len(names)):
        results = parallel_logins(run, fake_talk, names)
    assert [code for code, _ in results] == [0] * len(names), results
    listed = json.loads(run("auth", "list", "--json").stdout)
    assert sorted(p["name"] for p in listed) == names
    assert len(secret_files(run)) == len(names)
    for name in names:
        assert run("--profile", name, "room", "list").code == 0


def test_parallel_logins_to_one_profile_leave_one_secret(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = runner(talkctl_home)
    with held_together(fake_talk, "/ocs/v2.php/cloud/user", 3):
        results = parallel_logins(run, fake_talk, ["work"] * 3)
    assert [code for code, _ in results] == [0, 0, 0], results
    assert [p["name"] for p in json.loads(run("auth", "list", "--json").stdout)] == ["work"]
    assert len(secret_files(run)) == 1
    assert run("--profile", "work", "room", "list").code == 0


# -- two profiles of one account ---------------------------------------------------------------
def test_logging_out_one_profile_keeps_the_other_of_the_same_account(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = runner(talkctl_home)
    for name in ("a", "b"):
        result = login(
            run, fake_talk, "alice", fake_talk.new_app_password("alice"), "--profile", name
        )
        assert result.code == 0, result
    out = run("auth", "logout", "--profile", "a", "--keep-app-password")
    assert out.code == 0, out
    listed = run("--profile", "b", "room", "list")
    assert listed.code == 0, listed


def test_profiles_sharing_a_slot_from_before_keep_it_until_the_last_one_goes(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    """Profiles written before slots had ids share the account's one secret file."""
    run = runner(talkctl_home)
    secret = fake_talk.new_app_password("alice")
    shared = run.config_dir / "secrets" / account_key(fake_talk.url, "alice")
    shared.parent.mkdir(parents=True)
    shared.write_text(secret + "\n")
    shared.chmod(0o600)
    profile = f'server = "{fake_talk.url}"\nuser = "alice"\nstore = "file"\n'
    (run.config_dir / "config.toml").write_text(
        f'default = "a"\n[profiles.a]\n{profile}[profiles.b]\n{profile}'
    )
    assert run("auth", "logout", "--profile", "a", "--keep-app-password").code == 0
    assert run("--profile", "b", "room", "list").code == 0
    assert shared.exists()
    assert run("auth", "logout", "--profile", "b", "--keep-app-password").code == 0
    assert not shared.exists()


# -- the server address --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("http://alice:Url-Pa55@{host}", "login or password"),
        ("http://alice@{host}", "login or password"),
        ("http://127.0.0.1:99999", "port"),
        ("http://127.0.0.1:8x", "port"),
        ("http://[::1", "["),
    ],
)
def test_a_server_address_with_a_login_or_a_bad_port_is_exit_2(
    fake_talk: FakeTalkServer, talkctl_home: Path, address: str, words: str
) -> None:
    run = runner(talkctl_home)
    url = address.format(host=fake_talk.url.removeprefix("http://"))
    result = run(
        *("auth", "login", url, "--user", "alice", "--app-password-stdin", "--store", "file"),
        input="whatever\n",
    )
    assert result.code == 2, result
    assert words in one_error(result)
    assert "Url-Pa55" not in result.stderr + result.stdout
    assert not (run.config_dir / "config.toml").exists()
    assert fake_talk.requests == []
    env = {"TALKCTL_SERVER": url, "TALKCTL_USER": "alice", "TALKCTL_APP_PASSWORD": "x"}
    from_env = run("--debug", "room", "list", env=env)
    assert from_env.code == 2, from_env
    assert "Url-Pa55" not in from_env.stderr + from_env.stdout


def test_a_stored_address_with_a_password_is_never_shown_nor_used(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    """A config written before such addresses were refused."""
    run = runner(talkctl_home)
    bad = fake_talk.url.replace("http://", "http://alice:Url-Pa55@")
    run.config_dir.mkdir(parents=True)
    (run.config_dir / "config.toml").write_text(
        f'default = "old"\n[profiles.old]\nserver = "{bad}"\nuser = "alice"\nstore = "file"\n'
    )
    results = [
        run("auth", "list"),
        run("auth", "switch", "old"),
        used := run("room", "list"),
        run("auth", "logout", "--keep-app-password"),
    ]
    for result in results:
        assert "Url-Pa55" not in result.stdout + result.stderr, result
    assert used.code == 2 and "log in again" in one_error(used)
    assert fake_talk.requests == []


# -- TALKCTL_APP_PASSWORD_FILE -------------------------------------------------------------------
def test_a_fifo_as_secret_file_is_refused_without_hanging(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    fifo = talkctl_home / "pw.fifo"
    os.mkfifo(fifo, 0o600)
    run = TalkctlRunner(
        talkctl_home,
        server=fake_talk.url,
        user="alice",
        extra_env={"TALKCTL_APP_PASSWORD_FILE": str(fifo)},
    )
    started = time.monotonic()
    result = run("room", "list", timeout=30)
    assert result.code == 4, result
    assert "not a regular file" in one_error(result)
    assert time.monotonic() - started < 25
    assert fake_talk.requests == []


# -- the capabilities cache ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "broken",
    [
        {"nextcloud_version": 5},
        {"features": "conversation-v4"},
        {"config": ["x"]},
        {"talk_hash": {"a": 1}},
    ],
)
def test_a_capabilities_cache_of_the_wrong_types_is_rebuilt(
    fake_talk: FakeTalkServer, talkctl_home: Path, broken: dict[str, object]
) -> None:
    password = fake_talk.new_app_password("alice")
    run = TalkctlRunner(talkctl_home, server=fake_talk.url, user="alice", app_password=password)
    assert run("room", "list").code == 0
    cache = run.cache_dir / account_key(fake_talk.url, "alice") / "capabilities.json"
    data = json.loads(cache.read_text())
    data.update(broken)
    cache.write_text(json.dumps(data))
    fake_talk.clear_log()
    status = run("auth", "status", "--json")
    assert status.code == 0, status
    assert isinstance(json.loads(status.stdout)["nextcloudVersion"], str)
    assert fake_talk.count("GET", "/cloud/capabilities") == 1  # fetched again ...
    rebuilt = json.loads(cache.read_text())
    assert isinstance(rebuilt["nextcloud_version"], str)  # ... and the cache rewritten
    assert isinstance(rebuilt["features"], list)


# -- --insecure warns once -------------------------------------------------------------------------
def test_insecure_warns_once_per_run(fake_talk: FakeTalkServer, talkctl_home: Path) -> None:
    run = runner(talkctl_home)
    result = run(
        "--insecure",
        *("auth", "login", fake_talk.url, "--user", "alice", "--app-password-stdin"),
        *("--store", "file"),
        input=fake_talk.new_app_password("alice") + "\n",
    )
    assert result.code == 0, result
    warnings = [line for line in result.stderr.splitlines() if "--insecure" in line]
    assert len(warnings) == 1, result.stderr
    assert re.search("TLS certificates are not verified", warnings[0])
