"""Accounts, config, cache and ``talkctl api`` under attack: what others on the machine, a
hand-edited config or a hostile path could do."""

from __future__ import annotations

import os
import select
import stat
import subprocess
from pathlib import Path

import pytest
from clirunner import Result, TalkctlRunner, talkctl_executable
from e2e_support import read_until_closed, run_process
from reliability_support import one_error

from talkctl.sandbox import FakeTalkServer


def run_with_umask(run: TalkctlRunner, umask: int, *args: str, input: str = "") -> Result:
    """talkctl as a process with ``umask`` (0: everything it creates could be world-writable)."""

    def set_umask() -> None:
        os.umask(umask)

    return run_process(run, *args, input=input, preexec_fn=set_umask)


def modes_below(root: Path) -> dict[str, int]:
    return {
        str(path.relative_to(root)): stat.S_IMODE(path.stat().st_mode)
        for path in [root, *root.rglob("*")]
    }


# -- umask 000: nothing talkctl creates is open to others ------------------------------------
def test_under_umask_000_every_created_directory_is_owner_only(
    fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # the config and cache dirs below directories that do not exist yet (a new ~/.config)
    run = TalkctlRunner(
        tmp_path,
        extra_env={
            "TALKCTL_CONFIG_DIR": str(tmp_path / "new" / "config" / "talkctl"),
            "TALKCTL_CACHE_DIR": str(tmp_path / "new" / "cache" / "talkctl"),
        },
    )
    secret = fake_talk.new_app_password("alice")
    login = ("auth", "login", fake_talk.url, "--user", "alice", "--app-password-stdin")
    done = run_with_umask(run, 0, *login, "--store", "file", input=secret + "\n")
    assert done.code == 0, done
    listed = run_with_umask(run, 0, "room", "list")
    assert listed.code == 0, listed
    modes = modes_below(tmp_path / "new")
    assert {name for name in modes if name.startswith("cache/talkctl/")}  # the cache was written
    assert any(name.startswith("config/talkctl/secrets/") for name in modes)
    for name, mode in modes.items():
        if (tmp_path / "new" / name).is_dir():
            assert mode == 0o700, (name, oct(mode))
        else:
            assert mode == 0o600, (name, oct(mode))


# -- a config edited by hand -------------------------------------------------------------------
def login_file(run: TalkctlRunner, srv: FakeTalkServer, user: str, *extra: str) -> Result:
    return run(
        *("auth", "login", srv.url, "--user", user, "--app-password-stdin", "--store", "file"),
        *extra,
        input=srv.new_app_password(user) + "\n",
    )


def test_a_config_saved_with_a_byte_order_mark_and_crlf_is_read(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = TalkctlRunner(talkctl_home)
    assert login_file(run, fake_talk, "alice").code == 0
    config = run.config_dir / "config.toml"
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes().replace(b"\n", b"\r\n"))
    listed = run("room", "list")
    assert listed.code == 0, listed
    assert run("auth", "list").stdout.startswith("*\tdefault\t")


def test_a_ca_bundle_that_is_no_path_is_a_corrupt_config_not_ignored(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = TalkctlRunner(talkctl_home)
    assert login_file(run, fake_talk, "alice").code == 0
    config = run.config_dir / "config.toml"
    config.write_text(config.read_text() + "ca_bundle = 7\n")
    before = fake_talk.count()
    failed = run("room", "list")
    assert failed.code == 2, failed
    assert "'ca_bundle' must be a file path" in one_error(failed)
    assert "config.toml:8:" in one_error(failed)
    assert fake_talk.count() == before


def test_a_login_repairs_a_default_that_names_no_profile(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = TalkctlRunner(talkctl_home)
    run.config_dir.mkdir(parents=True)
    (run.config_dir / "config.toml").write_text('default = "work"\n')
    done = login_file(run, fake_talk, "alice")
    assert done.code == 0, done
    assert "auth switch" not in done.stderr  # it is the default
    listed = run("room", "list")
    assert listed.code == 0, listed


def test_a_default_that_names_no_profile_is_said_so(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = TalkctlRunner(talkctl_home)
    assert login_file(run, fake_talk, "alice").code == 0
    config = run.config_dir / "config.toml"
    config.write_text(config.read_text().replace('default = "default"', 'default = "gone"'))
    before = fake_talk.count()
    for args in (("room", "list"), ("auth", "logout")):
        failed = run(*args)
        assert failed.code == 2, failed
        line = one_error(failed)
        assert "the default profile 'gone' is not in" in line
        assert "auth switch NAME' (default)" in line
    assert fake_talk.count() == before
    assert run("auth", "switch", "default").code == 0
    assert run("room", "list").code == 0


# -- the environment's set wins over --profile, and says so ------------------------------------
def test_a_profile_the_environments_set_overrules_is_warned_about(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    with FakeTalkServer(talk="22") as other:
        run = TalkctlRunner(
            talkctl_home,
            server=fake_talk.url,
            user="admin",
            app_password=fake_talk.new_app_password("admin"),
        )
        bare = TalkctlRunner(talkctl_home)
        assert login_file(bare, other, "alice", "--profile", "work").code == 0
        assert login_file(bare, fake_talk, "admin", "--profile", "same").code == 0
        before = other.count()
        used = run("--profile", "work", "room", "list", "--json")
        assert used.code == 0, used
        assert other.count() == before  # the environment's account, as README orders it
        assert (
            "talkctl: warning: profile 'work' is not used: TALKCTL_SERVER, TALKCTL_USER and "
            f"TALKCTL_APP_PASSWORD in the environment come first (admin on {fake_talk.url})"
        ) in used.stderr
        same = run("--profile", "same", "room", "list", "--json")  # the same account
        assert same.code == 0 and same.stderr == "", same
        assert run("room", "list", "--json").stderr == ""


# -- a file where a directory should be --------------------------------------------------------
def test_a_file_where_the_secrets_directory_should_be_is_one_error_line(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = TalkctlRunner(talkctl_home)
    run.config_dir.mkdir(parents=True)
    (run.config_dir / "secrets").write_text("not a directory\n")
    failed = login_file(run, fake_talk, "alice")
    assert failed.code == 4, failed
    assert "cannot write secret file" in one_error(failed)
    assert "Not a directory" in one_error(failed)
    assert not (run.config_dir / "config.toml").exists()
    # stored before the directory was replaced: logging out still forgets the profile
    (run.config_dir / "secrets").unlink()
    assert login_file(run, fake_talk, "alice").code == 0
    (run.config_dir / "secrets").rename(run.config_dir / "elsewhere")
    (run.config_dir / "secrets").write_text("not a directory\n")
    out = run("auth", "logout")
    assert out.code == 0, out
    assert "profile 'default' removed" in out.stderr


# -- an app password typed at a terminal -------------------------------------------------------
def test_an_app_password_typed_at_a_terminal_is_not_echoed(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    import pty

    run = TalkctlRunner(talkctl_home)
    secret = fake_talk.new_app_password("alice")
    controller, terminal = pty.openpty()
    login = ("auth", "login", fake_talk.url, "--user", "alice", "--app-password-stdin")
    process = subprocess.Popen(
        [talkctl_executable(), *login, "--store", "file"],
        env={**run.env, "TERM": "xterm"},
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        start_new_session=True,  # no /dev/tty: the terminal is stdin alone
    )
    os.close(terminal)
    seen = b""
    try:
        while b"App password: " not in seen:  # the prompt: echo is off from here on
            ready, _, _ = select.select([controller], [], [], 30)  # a guard against a hang
            assert ready, f"no prompt: {seen!r}"
            chunk = os.read(controller, 4096)
            assert chunk, seen
            seen += chunk
        os.write(controller, secret.encode() + b"\n")
        seen += read_until_closed(controller)
        assert process.wait(timeout=30) == 0, seen
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    text = seen.decode("utf-8", "replace")
    assert "Logged in to" in text
    assert secret not in text


# -- one account, however its address is written ----------------------------------------------
def test_a_server_address_is_one_account_in_any_case_and_with_its_default_port(
    tmp_path: Path,
) -> None:
    from talkctl.accounts.config import Config, Profile
    from talkctl.accounts.credentials import normalize_server, resolve_credentials
    from talkctl.accounts.secrets import SecretSlot, store_secret

    assert normalize_server("HTTPS://Cloud.Example.COM:443/nextcloud/") == (
        "https://cloud.example.com/nextcloud"
    )
    assert normalize_server("http://Cloud.Example.com:80") == "http://cloud.example.com"
    assert normalize_server("http://cloud.example.com:443") == "http://cloud.example.com:443"
    assert normalize_server("https://[FE80::1]:8443") == "https://[fe80::1]:8443"
    # a profile stored before addresses were normalized is found (and keeps its secret slot)
    stored = "https://Cloud.Example.com:443"
    store_secret(SecretSlot("file", stored, "alice", "ab12"), tmp_path, "app-pw")
    config = Config(path=tmp_path / "config.toml")
    config.put(Profile("old", stored, "alice", store="file", secret_id="ab12"))
    assert config.find("https://cloud.example.com", "alice") is config.profiles["old"]
    found = resolve_credentials(
        env={},
        config=config,
        config_dir=tmp_path,
        server="cloud.example.com",
        user="alice",
        profile_name=None,
    )
    assert (found.secret, found.profile) == ("app-pw", config.profiles["old"])


def test_a_relogin_to_an_address_written_otherwise_is_the_same_account(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = TalkctlRunner(talkctl_home)
    assert login_file(run, fake_talk, "alice").code == 0
    config = run.config_dir / "config.toml"
    config.write_text(config.read_text().replace(fake_talk.url, fake_talk.url.upper() + "/"))
    again = login_file(run, fake_talk, "alice")
    assert again.code == 0, again
    assert "Replaced profile" not in again.stderr
    assert "The app password stored before is still valid" in again.stderr
    assert run("auth", "list").stdout.count("\n") == 1


def test_a_relative_ca_bundle_is_stored_as_an_absolute_path(
    fake_talk: FakeTalkServer, talkctl_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a relative path would name another file (anybody's) in the directory of each later run
    monkeypatch.chdir(talkctl_home)
    run = TalkctlRunner(talkctl_home)
    done = run(
        *("--ca-bundle", "certs/ca.pem", "auth", "login", fake_talk.url, "--user", "alice"),
        *("--app-password-stdin", "--store", "file"),
        input=fake_talk.new_app_password("alice") + "\n",
    )
    assert done.code == 0, done
    stored = (run.config_dir / "config.toml").read_text()
    assert f'ca_bundle = "{talkctl_home / "certs" / "ca.pem"}"' in stored


@pytest.mark.parametrize(
    "page",
    [
        "--new-window=file:///etc/passwd",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://cloud.example.com/login\n\x1b[2Jfake prompt",
        "https://user:pw@cloud.example.com/login",
    ],
)
def test_a_login_page_that_is_no_web_page_is_neither_shown_nor_opened(
    fake_talk: FakeTalkServer, talkctl_home: Path, page: str
) -> None:
    opened = talkctl_home / "opened"
    browser = talkctl_home / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {opened}\n')
    browser.chmod(0o700)
    body = {"poll": {"token": "t" * 20, "endpoint": f"{fake_talk.url}/index.php/login/v2/poll"}}
    fake_talk.inject("POST", "/index.php/login/v2", status=200, body={**body, "login": page})
    run = TalkctlRunner(talkctl_home, extra_env={"BROWSER": str(browser)})
    quick = {"TALKCTL_LOGIN_TIMEOUT": "1", "TALKCTL_LOGIN_POLL_INTERVAL": "0.2"}
    failed = run("auth", "login", fake_talk.url, "--store", "file", env=quick)
    assert failed.code == 4, failed
    assert "login not completed: the server announced an invalid login page" in one_error(failed)
    assert not opened.exists()
    assert fake_talk.count("POST", "/login/v2/poll") == 0


# -- a login or password beyond Latin-1 --------------------------------------------------------
@pytest.mark.parametrize(
    ("login", "password"), [("josé", "café-pässwörd"), ("zoë", "pw-€-✓"), ("ann", "\u00e9t\u00e9")]
)
def test_a_login_and_password_beyond_ascii_are_sent_as_utf8(
    fake_talk: FakeTalkServer, talkctl_home: Path, login: str, password: str
) -> None:
    fake_talk.add_user(login, password=password)
    run = TalkctlRunner(talkctl_home)
    done = run(
        *("auth", "login", fake_talk.url, "--user", login, "--app-password-stdin"),
        *("--store", "file"),
        input=password + "\n",
    )
    assert done.code == 0, done
    assert "stored a new app password instead" in done.stderr  # the real one worked
    listed = run("room", "list", "--json")
    assert listed.code == 0, listed


def test_a_byte_order_mark_before_an_app_password_is_not_part_of_it(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    run = TalkctlRunner(talkctl_home)
    done = run(
        *("auth", "login", fake_talk.url, "--user", "alice", "--app-password-stdin"),
        *("--store", "file"),
        input="\ufeff" + fake_talk.new_app_password("alice") + "\r\n",
    )
    assert done.code == 0, done
    secret_file = talkctl_home / "pw"
    secret_file.write_bytes(b"\xef\xbb\xbf" + fake_talk.new_app_password("bob").encode() + b"\n")
    secret_file.chmod(0o600)
    env = {"TALKCTL_SERVER": fake_talk.url, "TALKCTL_USER": "bob"}
    listed = run("room", "list", env={**env, "TALKCTL_APP_PASSWORD_FILE": str(secret_file)})
    assert listed.code == 0, listed


def test_a_config_directory_below_a_file_is_one_error_line(talkctl_home: Path) -> None:
    (talkctl_home / "file").write_text("not a directory\n")
    run = TalkctlRunner(
        talkctl_home, extra_env={"TALKCTL_CONFIG_DIR": str(talkctl_home / "file" / "x")}
    )
    failed = run("auth", "switch", "work")
    assert failed.code == 2, failed
    assert "cannot lock config" in one_error(failed)
    assert "Not a directory" in one_error(failed)


# -- talkctl api: a field given as a value and as a list or object -----------------------------
@pytest.mark.parametrize(
    ("specs", "words"),
    [
        (["a[]=1", "a=2"], "-f 'a=2': 'a' is used both as a list and a value"),
        (["a[x]=1", "a=2"], "-f 'a=2': 'a' is used both as an object and a value"),
        (["a=1", "a[]=2"], "-f 'a[]=2': 'a' is used both as a value and a list"),
        (["a[x]=1", "a[]=2"], "-f 'a[]=2': 'a' is used both as an object and a list"),
    ],
)
def test_a_field_both_a_value_and_a_list_or_object_is_refused_unsent(
    run: TalkctlRunner, fake_talk: FakeTalkServer, specs: list[str], words: str
) -> None:
    before = fake_talk.count()
    args = [arg for spec in specs for arg in ("-f", spec)]
    failed = run("api", "POST", "/ocs/v2.php/apps/spreed/api/v4/room", *args)
    assert failed.code == 2, failed
    assert words in one_error(failed)
    assert fake_talk.count() == before
