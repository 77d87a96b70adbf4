"""``talkctl auth login`` end to end: the installed talkctl against the fake server."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from clirunner import Result, TalkctlRunner, process_signals, talkctl_executable
from e2e_support import read_until_closed
from keyring_memory import KEYRING_FILE_ENV, read_entries, subprocess_env

from talkctl.sandbox import FakeTalkServer

HEADLESS_BACKENDS = [
    "keyring.backends.fail.Keyring",
    "keyring.backends.null.Keyring",
    "keyrings.alt.file.PlaintextKeyring",
]


class Account:
    """A talkctl home with the memory keyring, and what it stored."""

    def __init__(self, home: Path, backend: str | None = None) -> None:
        self.home = home
        env = subprocess_env(home) if backend is None else subprocess_env(home, backend)
        self.keyring_file = Path(env[KEYRING_FILE_ENV])
        self.run = TalkctlRunner(home, extra_env=env)
        self.config_file = self.run.config_dir / "config.toml"

    def secrets(self) -> dict[str, str]:
        return read_entries(self.keyring_file)

    def config_text(self) -> str:
        return self.config_file.read_text("utf-8")

    def nothing_stored(self) -> bool:
        return not self.config_file.exists() and not self.secrets()


@pytest.fixture
def account(talkctl_home: Path) -> Account:
    return Account(talkctl_home)


def login_starts(srv: FakeTalkServer) -> int:
    return srv.count("POST", "/index.php/login/v2") - srv.count("POST", "/login/v2/poll")


# --- browser login -------------------------------------------------------------------------


def test_login_stores_server_user_and_keyring_secret(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    fake_talk.grant_login("alice", after_polls=2)
    pasted = f"{fake_talk.url}/index.php/apps/spreed/"
    result = account.run("auth", "login", pasted)
    assert result.code == 0, result
    assert result.stdout == ""
    assert "/index.php/login/v2/flow/" in result.stderr
    assert "Logged in to " + fake_talk.url + " as alice" in result.stderr
    secrets = account.secrets()
    # one entry, in the profile's own slot: user@server#ID, ID kept in the profile
    [entry] = list(secrets)
    slot_id = re.search(r'secret_id = "([0-9a-f]+)"', account.config_text())
    assert slot_id is not None and entry == f"talkctl\nalice@{fake_talk.url}#{slot_id[1]}"
    app_password = next(iter(secrets.values()))
    assert fake_talk.state.app_passwords.get(app_password) == "alice"
    assert app_password not in result.stderr + result.stdout
    text = account.config_text()
    assert app_password not in text
    assert f'server = "{fake_talk.url}"' in text and 'user = "alice"' in text
    assert stat.S_IMODE(account.config_file.stat().st_mode) == 0o600
    assert (fake_talk.last_login_user_agent or "").startswith("talkctl/")
    assert fake_talk.count("POST", "/login/v2/poll") == 3
    assert fake_talk.count("GET", "/cloud/user") == 1
    listed = account.run("room", "list")
    assert listed.code == 0, listed
    assert fake_talk.requests[-1].user == "alice"


def test_login_keeps_the_users_server_when_the_answer_differs(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    fake_talk.login_server_override = "https://nextcloud.internal:8443"
    fake_talk.grant_login("alice")
    result = account.run("auth", "login", fake_talk.url)
    assert result.code == 0, result
    assert "nextcloud.internal" in result.stderr and "keeping " + fake_talk.url in result.stderr
    assert f'server = "{fake_talk.url}"' in account.config_text()


def test_expired_login_exits_4_and_stores_nothing(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    result = account.run("auth", "login", fake_talk.url, env={"TALKCTL_LOGIN_TIMEOUT": "0.3"})
    assert result.code == 4, result
    assert "login not completed within 0.3 s" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("talkctl: error: ")
    assert account.nothing_stored()
    assert fake_talk.count("POST", "/login/v2/poll") >= 1


def test_interrupted_login_exits_130_and_stores_nothing(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    env = dict(account.run.env)
    process = subprocess.Popen(
        [talkctl_executable(), "auth", "login", fake_talk.url],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while fake_talk.count("POST", "/login/v2/poll") < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake_talk.count("POST", "/login/v2/poll") >= 2
        before = process_signals(process.pid)
        process.send_signal(signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"SIGINT did not end talkctl: before {before}; now {process_signals(process.pid)}"
            )
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert stdout == ""
    assert "nothing was stored" in stderr
    assert stderr.strip().splitlines()[-1] == "talkctl: error: interrupted"
    assert "Traceback" not in stderr
    assert account.nothing_stored()


def test_browser_is_opened_with_the_login_page(
    fake_talk: FakeTalkServer, account: Account, tmp_path: Path
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n')
    browser.chmod(0o755)
    fake_talk.grant_login("bob")
    result = account.run(
        "auth", "login", fake_talk.url, env={"BROWSER": str(browser), "TALKCTL_NO_BROWSER": None}
    )
    assert result.code == 0, result
    url = opened.read_text()
    assert url.startswith(f"{fake_talk.url}/index.php/login/v2/flow/")
    assert f"  {url}\n" in result.stderr


def test_no_browser_without_a_terminal(
    fake_talk: FakeTalkServer, account: Account, tmp_path: Path
) -> None:
    fake_talk.grant_login("bob")
    result = account.run("auth", "login", fake_talk.url, env={"TALKCTL_NO_BROWSER": None})
    assert result.code == 0, result
    assert "opened in your browser" not in result.stderr


def test_poll_endpoint_on_another_host_is_refused(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    evil = {
        "poll": {"token": "t" * 20, "endpoint": "http://evil.example/index.php/login/v2/poll"},
        "login": f"{fake_talk.url}/index.php/login/v2/flow/abc",
    }
    fake_talk.inject("POST", "/index.php/login/v2", status=200, body=evil)
    result = account.run("auth", "login", fake_talk.url)
    assert result.code == 4, result
    assert "login not completed: refusing to poll http://evil.example" in result.stderr
    assert fake_talk.count("POST", "/login/v2/poll") == 0
    assert account.nothing_stored()


def test_a_server_without_login_flow_is_told_to_use_an_app_password(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    # the api layer states the fact (no Login Flow v2); the cli words the option to use
    fake_talk.inject("POST", "/index.php/login/v2", status=404, body="<html>not here</html>")
    result = account.run("auth", "login", fake_talk.url)
    assert result.code == 4, result
    assert result.stderr.strip().splitlines()[-1] == (
        f"talkctl: error: login not completed: {fake_talk.url} does not offer Login Flow v2 "
        "(Nextcloud 16 or later): create an app password in the web interface and use "
        "--app-password-stdin"
    )
    assert account.nothing_stored()


# --- headless: no secure keyring -----------------------------------------------------------


@pytest.mark.parametrize("backend", HEADLESS_BACKENDS)
def test_login_without_secure_keyring_exits_4_naming_alternatives(
    fake_talk: FakeTalkServer, talkctl_home: Path, backend: str
) -> None:
    headless = Account(talkctl_home, backend)
    fake_talk.grant_login("alice")
    result = headless.run("auth", "login", fake_talk.url)
    assert result.code == 4, result
    line = result.stderr.strip()
    assert line.startswith("talkctl: error: no secure place to store the app password")
    for alternative in ("TALKCTL_APP_PASSWORD", "TALKCTL_APP_PASSWORD_FILE", "--store file"):
        assert alternative in line
    assert len(line.splitlines()) == 1
    assert fake_talk.requests == []
    assert not headless.config_file.exists()
    assert not list((talkctl_home / "xdg-data").rglob("*"))  # no plaintext keyring file


def test_stored_keyring_profile_under_plaintext_keyring_is_refused(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    memory = Account(talkctl_home)
    app_password = fake_talk.new_app_password("alice")
    assert (
        memory.run(
            "auth",
            "login",
            fake_talk.url,
            "--user",
            "alice",
            "--app-password-stdin",
            input=app_password + "\n",
        ).code
        == 0
    )
    plaintext = Account(talkctl_home, "keyrings.alt.file.PlaintextKeyring")
    result = plaintext.run("room", "list")
    assert result.code == 4, result
    assert "PlaintextKeyring" in result.stderr and "--store file" in result.stderr
    assert fake_talk.count("GET", "/room") == 0


def test_file_store_works_headless_and_refuses_a_group_readable_file(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    headless = Account(talkctl_home, "keyring.backends.fail.Keyring")
    fake_talk.grant_login("alice")
    result = headless.run("auth", "login", fake_talk.url, "--store", "file")
    assert result.code == 0, result
    secret_files = list((headless.run.config_dir / "secrets").iterdir())
    assert len(secret_files) == 1
    secret_path = secret_files[0]
    assert stat.S_IMODE(secret_path.stat().st_mode) == 0o600
    app_password = secret_path.read_text().strip()
    assert fake_talk.state.app_passwords.get(app_password) == "alice"
    assert 'store = "file"' in headless.config_text()
    assert app_password not in headless.config_text()
    assert headless.run("room", "list").code == 0

    secret_path.chmod(0o640)
    refused = headless.run("room", "list")
    assert refused.code == 4, refused
    assert "readable by others" in refused.stderr
    starts = login_starts(fake_talk)
    again = headless.run(
        "auth",
        "login",
        fake_talk.url,
        "--store",
        "file",
        "--user",
        "alice",
        "--app-password-stdin",
        input=app_password + "\n",
    )
    assert again.code == 4, again
    assert "refusing to use the secret file" in again.stderr
    assert login_starts(fake_talk) == starts
    assert fake_talk.count("GET", "/core/getapppassword") == 0


# --- --app-password-stdin ------------------------------------------------------------------


def login_stdin(
    account: Account, srv: FakeTalkServer, user: str, secret: str, *extra: str
) -> Result:
    return account.run(
        *extra,
        "auth",
        "login",
        srv.url,
        "--user",
        user,
        "--app-password-stdin",
        input=secret + "\n",
    )


def test_app_password_stdin_verifies_then_stores(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    app_password = fake_talk.new_app_password("bob")
    result = login_stdin(account, fake_talk, "bob", app_password)
    assert result.code == 0, result
    assert "as bob (bob)" in result.stderr
    [(entry, stored)] = account.secrets().items()
    assert entry.startswith(f"talkctl\nbob@{fake_talk.url}#") and stored == app_password
    assert [(r.method, r.path, r.status) for r in fake_talk.requests] == [
        ("GET", "/ocs/v2.php/core/getapppassword", 403),
        ("GET", "/ocs/v2.php/cloud/user", 200),
    ]


def test_bad_app_password_exits_4_and_stores_nothing(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    result = login_stdin(account, fake_talk, "bob", "not-the-password")
    assert result.code == 4, result
    assert result.stderr.strip() == (
        f"talkctl: error: authentication failed for bob on {fake_talk.url}: check the login "
        "name and the app password (nothing was stored)"
    )
    assert len(fake_talk.requests) == 1  # a 401 is never retried
    assert account.nothing_stored()


def test_real_password_is_exchanged_for_an_app_password(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    real = fake_talk.password_of("bob")
    result = login_stdin(account, fake_talk, "bob", real)
    assert result.code == 0, result
    assert "real password" in result.stderr and "new app password" in result.stderr
    stored = next(iter(account.secrets().values()))
    assert stored != real
    assert fake_talk.state.app_passwords.get(stored) == "bob"
    assert real not in account.keyring_file.read_text()
    assert fake_talk.count("GET", "/core/getapppassword") == 1


def test_debug_output_never_shows_a_secret(fake_talk: FakeTalkServer, account: Account) -> None:
    real = fake_talk.password_of("bob")
    result = login_stdin(account, fake_talk, "bob", real, "--debug")
    assert result.code == 0, result
    stored = next(iter(account.secrets().values()))
    assert "Basic <redacted>" in result.stderr
    for secret in (real, stored):
        assert secret not in result.stderr and secret not in result.stdout

    fake_talk.grant_login("alice")
    browser = account.run("--debug", "auth", "login", fake_talk.url, "--profile", "a")
    assert browser.code == 0, browser
    [alice_secret] = [
        value
        for key, value in account.secrets().items()
        if key.startswith(f"talkctl\nalice@{fake_talk.url}#")
    ]
    assert alice_secret not in browser.stderr
    poll_token = fake_talk.login_flows.flows[-1].poll_token
    assert poll_token not in browser.stderr
    listed = account.run("--debug", "room", "list")
    assert "Basic <redacted>" in listed.stderr and stored not in listed.stderr


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("auth", "login"), "give the server address"),
        (("auth", "login", "cloud.example.com", "--app-password-stdin"), "needs --user"),
        (("auth", "login", "cloud.example.com", "--store", "vault"), "unknown --store"),
        (("auth", "login", "cloud.example.com", "--profile", "a b"), "invalid profile name"),
        (("auth", "login", "ftp://cloud.example.com"), "not a server URL"),
    ],
)
def test_bad_arguments_exit_2_without_requests(
    account: Account, args: tuple[str, ...], message: str
) -> None:
    result = account.run(*args, input="secret\n")
    assert result.code == 2, result
    assert message in result.stderr
    assert account.nothing_stored()


def test_corrupt_config_is_reported_with_path_and_line_and_kept(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    account.config_file.parent.mkdir(parents=True)
    broken = 'default = "x"\n[profiles.x\nserver = "https://a"\n'
    account.config_file.write_text(broken)
    app_password = fake_talk.new_app_password("bob")
    for args in (("auth", "list"), ("auth", "status"), ("room", "list")):
        result = account.run(*args)
        assert result.code == 2, result
        assert str(account.config_file) in result.stderr and "line 2" in result.stderr
    result = login_stdin(account, fake_talk, "bob", app_password)
    assert result.code == 2, result
    assert account.config_file.read_text() == broken
    assert not account.secrets()


def test_spinner_on_a_terminal_and_none_on_a_pipe(
    fake_talk: FakeTalkServer, account: Account
) -> None:
    import pty

    fake_talk.grant_login("alice", after_polls=5)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [talkctl_executable(), "auth", "login", fake_talk.url],
        env={**account.run.env, "TERM": "xterm", "TALKCTL_LOGIN_POLL_INTERVAL": "0.2"},
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    seen = b""
    try:
        seen = read_until_closed(controller)
        assert process.wait(timeout=30) == 0, seen
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    text = seen.decode("utf-8", "replace")
    assert "Waiting for the login in the browser" in text
    assert "Logged in to" in text
    piped = account.run("auth", "login", fake_talk.url, env={"TALKCTL_LOGIN_TIMEOUT": "0.2"})
    assert piped.code == 4
    assert "Waiting for the login" not in piped.stderr
