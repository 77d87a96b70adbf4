"""``auth status``, ``logout``, ``list``, ``switch`` and profile selection, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirunner import Result, TalkctlRunner
from keyring_memory import KEYRING_FILE_ENV, read_entries, subprocess_env

from talkctl.sandbox import FakeTalkServer


class Home:
    def __init__(self, home: Path) -> None:
        env = subprocess_env(home)
        self.keyring_file = Path(env[KEYRING_FILE_ENV])
        self.run = TalkctlRunner(home, extra_env=env)
        self.config_file = self.run.config_dir / "config.toml"

    def secrets(self) -> dict[str, str]:
        return read_entries(self.keyring_file)

    def login(self, srv: FakeTalkServer, user: str, *extra: str) -> str:
        """Provision ``user`` with a fresh app password; returns it."""
        app_password = srv.new_app_password(user)
        result = self.run(
            "auth",
            "login",
            srv.url,
            "--user",
            user,
            "--app-password-stdin",
            *extra,
            input=app_password + "\n",
        )
        assert result.code == 0, result
        return app_password


@pytest.fixture
def home(talkctl_home: Path) -> Home:
    return Home(talkctl_home)


def last_user(srv: FakeTalkServer) -> str | None:
    return srv.requests[-1].user


def listed(result: Result) -> list[dict[str, object]]:
    assert result.code == 0, result
    value = json.loads(result.stdout)
    assert isinstance(value, list)
    return value


# --- status --------------------------------------------------------------------------------


def test_status_shows_account_versions_and_secret_source(
    fake_talk: FakeTalkServer, home: Home
) -> None:
    fake_talk.add_user("carol", display_name="Carol Example")
    home.login(fake_talk, "carol")
    fake_talk.clear_log()
    result = home.run("auth", "status", "--json")
    assert result.code == 0, result
    status = json.loads(result.stdout)
    assert status["profile"] == "default"
    assert status["server"] == fake_talk.url
    assert (status["loginName"], status["userId"]) == ("carol", "carol")
    assert status["displayName"] == "Carol Example"
    assert (status["nextcloudVersion"], status["talkVersion"]) == ("32.0.1", "22.0.0")
    assert status["apiVersion"] == 4
    assert status["talkEnabled"] is True
    assert status["secretSource"].startswith("keyring (")
    assert status["credentialsWork"] is True and status["error"] is None
    assert fake_talk.count("GET", "/cloud/user") == 1
    assert result.stderr == ""

    plain = home.run("auth", "status")
    assert plain.code == 0, plain
    assert "user\tCarol Example (carol)\n" in plain.stdout
    assert "credentials work\tyes\n" in plain.stdout


def test_status_with_a_revoked_app_password_exits_4(fake_talk: FakeTalkServer, home: Home) -> None:
    app_password = home.login(fake_talk, "alice")
    fake_talk.state.app_passwords.pop(app_password)
    result = home.run("auth", "status", "--json")
    assert result.code == 4, result
    status = json.loads(result.stdout)
    assert status["credentialsWork"] is False
    assert "authentication failed" in status["error"]
    assert result.stderr.startswith("talkctl: error: authentication failed")


def test_status_when_talk_is_disabled_for_the_account(
    fake_talk: FakeTalkServer, home: Home
) -> None:
    home.login(fake_talk, "bob")
    fake_talk.disable_talk_for("bob")
    result = home.run("auth", "status", "--json")
    assert result.code == 0, result  # the credentials work; Talk is what is missing
    status = json.loads(result.stdout)
    assert status["credentialsWork"] is True
    assert (status["talkEnabled"], status["talkVersion"], status["apiVersion"]) == (
        False,
        None,
        None,
    )
    plain = home.run("auth", "status")
    assert "talk\tnot enabled for this account\n" in plain.stdout
    listing = home.run("room", "list")
    assert listing.code == 6, listing
    assert listing.stderr == "talkctl: error: Talk is not enabled for this account on this server\n"


def test_status_without_credentials_exits_4(home: Home) -> None:
    result = home.run("auth", "status")
    assert result.code == 4, result
    assert "no credentials" in result.stderr and "auth login" in result.stderr
    assert result.stdout == ""


# --- logout --------------------------------------------------------------------------------


def test_logout_revokes_on_the_server_and_removes_everything(
    fake_talk: FakeTalkServer, home: Home
) -> None:
    app_password = home.login(fake_talk, "alice")
    assert home.run("room", "list").code == 0
    result = home.run("auth", "logout")
    assert result.code == 0, result
    assert "Revoked the app password" in result.stderr
    assert app_password not in fake_talk.state.app_passwords
    assert fake_talk.count("DELETE", "/core/apppassword") == 1
    assert home.secrets() == {}
    assert listed(home.run("auth", "list", "--json")) == []
    assert not list((home.run.cache_dir).glob("*/rooms.json"))
    after = home.run("room", "list")
    assert after.code == 4, after


def test_logout_offline_removes_locally_and_exits_7(fake_talk: FakeTalkServer, home: Home) -> None:
    app_password = home.login(fake_talk, "alice")
    fake_talk.stop()
    result = home.run("auth", "logout", env={"TALKCTL_RETRIES": "0", "TALKCTL_TIMEOUT": "5"})
    assert result.code == 7, result
    assert "still valid on the server" in result.stderr
    assert "removed" in result.stderr
    assert home.secrets() == {}
    assert listed(home.run("auth", "list", "--json")) == []
    assert app_password in fake_talk.state.app_passwords  # nothing reached the server


def test_logout_keep_app_password_sends_nothing(fake_talk: FakeTalkServer, home: Home) -> None:
    app_password = home.login(fake_talk, "alice")
    fake_talk.clear_log()
    result = home.run("auth", "logout", "--keep-app-password")
    assert result.code == 0, result
    assert "stays valid" in result.stderr
    assert fake_talk.requests == []
    assert app_password in fake_talk.state.app_passwords
    assert home.secrets() == {}


def test_logout_of_an_already_revoked_password_still_logs_out(
    fake_talk: FakeTalkServer, home: Home
) -> None:
    app_password = home.login(fake_talk, "alice")
    fake_talk.state.app_passwords.pop(app_password)
    result = home.run("auth", "logout")
    assert result.code == 0, result
    assert "no longer valid" in result.stderr
    assert home.secrets() == {}


def test_logout_without_profiles_exits_4(home: Home) -> None:
    result = home.run("auth", "logout")
    assert result.code == 4, result
    assert "not logged in" in result.stderr


# --- several profiles ----------------------------------------------------------------------


def test_two_profiles_list_switch_and_selection(fake_talk: FakeTalkServer, home: Home) -> None:
    home.login(fake_talk, "alice")
    home.login(fake_talk, "bob", "--profile", "work")
    profiles = listed(home.run("auth", "list", "--json"))
    assert [(p["name"], p["user"], p["default"]) for p in profiles] == [
        ("default", "alice", True),
        ("work", "bob", False),
    ]
    plain = home.run("auth", "list")
    assert plain.stdout.splitlines() == [
        f"*\tdefault\t{fake_talk.url}\talice\tkeyring",
        f"\twork\t{fake_talk.url}\tbob\tkeyring",
    ]

    assert home.run("room", "list").code == 0
    assert last_user(fake_talk) == "alice"
    assert home.run("--profile", "work", "room", "list").code == 0
    assert last_user(fake_talk) == "bob"
    assert home.run("room", "list", env={"TALKCTL_PROFILE": "work"}).code == 0
    assert last_user(fake_talk) == "bob"

    switched = home.run("auth", "switch", "work")
    assert switched.code == 0, switched
    assert "Default profile: work (bob" in switched.stderr
    assert [p["default"] for p in listed(home.run("auth", "list", "--json"))] == [False, True]
    assert home.run("room", "list").code == 0
    assert last_user(fake_talk) == "bob"

    # the subcommand's --profile wins over the global one
    out = home.run("--profile", "work", "auth", "logout", "--profile", "default")
    assert out.code == 0, out
    assert [p["name"] for p in listed(home.run("auth", "list", "--json"))] == ["work"]
    assert [key.split("#")[0] for key in home.secrets()] == [f"talkctl\nbob@{fake_talk.url}"]


def test_switch_to_an_unknown_profile_exits_2(fake_talk: FakeTalkServer, home: Home) -> None:
    home.login(fake_talk, "alice")
    before = home.config_file.read_text()
    result = home.run("auth", "switch", "nope")
    assert result.code == 2, result
    assert "no profile named 'nope'" in result.stderr and "default" in result.stderr
    assert home.config_file.read_text() == before


def test_relogin_reuses_the_profile_of_the_same_account(
    fake_talk: FakeTalkServer, home: Home
) -> None:
    first = home.login(fake_talk, "alice")
    app_password = fake_talk.new_app_password("alice")
    result = home.run(
        "auth",
        "login",
        fake_talk.url,
        "--user",
        "alice",
        "--app-password-stdin",
        input=app_password + "\n",
    )
    assert result.code == 0, result
    assert "stored before is still valid" in result.stderr
    second = app_password
    assert second != first
    assert [p["name"] for p in listed(home.run("auth", "list", "--json"))] == ["default"]
    assert list(home.secrets().values()) == [second]


def test_environment_overrides_the_stored_profile(fake_talk: FakeTalkServer, home: Home) -> None:
    home.login(fake_talk, "alice")
    bob_password = fake_talk.new_app_password("bob")
    env = {
        "TALKCTL_SERVER": fake_talk.url,
        "TALKCTL_USER": "bob",
        "TALKCTL_APP_PASSWORD": bob_password,
    }
    assert home.run("room", "list", env=env).code == 0
    assert last_user(fake_talk) == "bob"
    status = home.run("auth", "status", "--json", env=env)
    assert status.code == 0, status
    data = json.loads(status.stdout)
    assert (data["profile"], data["secretSource"], data["userId"]) == (None, "environment", "bob")
    partial = home.run("room", "list", env={"TALKCTL_APP_PASSWORD": bob_password})
    assert partial.code == 2, partial
    assert "TALKCTL_SERVER and TALKCTL_USER must be set" in partial.stderr
