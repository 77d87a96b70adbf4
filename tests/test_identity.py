"""Who "me" is, and whose credentials go where (issue 21 items 1 and 3; issue 22.7).

"Me" is the user id the server reports, not the login name: Nextcloud accepts ``ADMIN`` as the
login of ``admin`` (and e-mail or LDAP logins). Credentials go only to the server they
belong to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
import responses
from api_support import CAPABILITIES_URL, SERVER, capabilities_body, ocs_body
from clirunner import TalkctlRunner

from talkctl.accounts.cache import AccountCache
from talkctl.accounts.identity import user_id
from talkctl.api.client import TalkClient
from talkctl.api.transport.http import Transport
from talkctl.sandbox import FakeTalkServer


def shouting(fake_talk: FakeTalkServer, home: Path) -> TalkctlRunner:
    """talkctl logged in as ``ADMIN``: the login of user ``admin``, as Nextcloud allows."""
    return TalkctlRunner(
        home, server=fake_talk.url, user="ADMIN", app_password=fake_talk.new_app_password("admin")
    )


def test_the_sandbox_names_the_user_id_in_x_user_id_and_takes_another_login(
    fake_talk: FakeTalkServer,
) -> None:
    secret = fake_talk.new_app_password("admin")
    url = f"{fake_talk.url}/ocs/v2.php/cloud/user"
    headers = {"OCS-APIRequest": "true", "Accept": "application/json"}
    answer = requests.get(url, auth=("ADMIN", secret), headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-User-Id"] == "admin"
    assert answer.json()["ocs"]["data"]["id"] == "admin"
    refused = requests.get(url, auth=("admin", "wrong"), headers=headers, timeout=10)
    assert refused.status_code == 401 and "X-User-Id" not in refused.headers
    other = requests.get(url, auth=("alice", secret), headers=headers, timeout=10)
    assert other.status_code == 401  # admin's app password is no one else's


def test_participant_remove_guards_you_when_the_login_is_not_your_id(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    token = fake_talk.add_room(owner="alice", name="Team", participants={"admin": 2, "bob": 3})
    run = shouting(fake_talk, talkctl_home)
    me = run("participant", "remove", "Team", "admin", "--yes")
    assert me.code == 2, me
    assert "room leave" in me.stderr
    assert "admin" in fake_talk.room(token)["participants"]
    assert fake_talk.changing_requests() == []


def test_apply_exclusive_never_removes_you_when_the_login_is_not_your_id(
    fake_talk: FakeTalkServer, talkctl_home: Path, tmp_path: Path
) -> None:
    token = fake_talk.add_room(owner="alice", name="Team", participants={"admin": 2, "bob": 3})
    path = tmp_path / "team.toml"
    path.write_text(
        '[[conversation]]\nname = "Team"\nparticipants = { users = ["alice"] }\nexclusive = true\n',
        "utf-8",
    )
    run = shouting(fake_talk, talkctl_home)
    plan = run("apply", str(path), "--dry-run")
    assert plan.code == 0, plan
    assert "- admin" not in plan.stdout and "- bob (not declared)" in plan.stdout
    assert "admin: you are never removed" in plan.stdout
    done = run("apply", str(path))
    assert done.code == 0, done
    assert set(fake_talk.room(token)["participants"]) == {"alice", "admin"}


def _client(cache: AccountCache) -> TalkClient:
    return TalkClient(Transport(SERVER, "ADMIN", "secret"), cache)


@responses.activate
def test_me_comes_from_x_user_id_then_the_cache_then_cloud_user(tmp_path: Path) -> None:
    cache = AccountCache(tmp_path, SERVER, "ADMIN")
    # no X-User-Id seen, nothing cached: one GET /cloud/user, remembered with the account
    cloud_user = responses.get(
        f"{SERVER}/ocs/v2.php/cloud/user", json=ocs_body({"id": "admin", "display-name": "A"})
    )
    assert user_id(_client(cache), cache) == "admin"
    assert cloud_user.call_count == 1
    assert cache.load_user_id() == "admin"
    assert user_id(_client(cache), cache) == "admin"  # from the cache: no request
    assert cloud_user.call_count == 1
    # an answer of this run names the user: it wins over the cache, and is remembered
    headers: dict[str, Any] = {"X-User-Id": "admin2"}
    responses.get(CAPABILITIES_URL, json=capabilities_body(["conversation-v4"]), headers=headers)
    client = _client(cache)
    client.refresh_capabilities()
    assert user_id(client, cache) == "admin2"
    assert cache.load_user_id() == "admin2"
    assert cloud_user.call_count == 1


def test_cached_user_id_file_holds_no_secret(tmp_path: Path) -> None:
    cache = AccountCache(tmp_path, SERVER, "ADMIN")
    cache.save_user_id("admin")
    saved = json.loads((cache.dir / "user.json").read_text("utf-8"))
    assert saved == {"server": SERVER, "login": "ADMIN", "id": "admin"}
    assert (cache.dir / "user.json").stat().st_mode & 0o077 == 0


def test_server_on_the_command_line_never_gets_the_environments_secret(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    with FakeTalkServer(talk="22") as other:
        run = TalkctlRunner(
            talkctl_home,
            server=fake_talk.url,
            user="admin",
            app_password=fake_talk.new_app_password("admin"),
        )
        elsewhere = run("--server", other.url, "room", "list")
        assert elsewhere.code == 4, elsewhere
        assert f"no credentials for {other.url}" in elsewhere.stderr
        assert f"talkctl auth login {other.url}" in elsewhere.stderr
        assert other.requests == [] and fake_talk.requests == []
        another_user = run("--user", "alice", "room", "list")
        assert another_user.code == 4, another_user
        assert f"no credentials for alice on {fake_talk.url}" in another_user.stderr
        assert fake_talk.requests == []
        same = run("--server", fake_talk.url + "/", "room", "list")  # the same server
        assert same.code == 0, same


def test_login_and_status_remember_the_user_id_with_the_account(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    from talkctl.accounts.cache import account_key

    run = TalkctlRunner(talkctl_home)
    secret = fake_talk.new_app_password("admin")
    login = run(
        "auth",
        "login",
        fake_talk.url,
        "--user",
        "ADMIN",
        "--app-password-stdin",
        "--store",
        "file",
        input=secret + "\n",
    )
    assert login.code == 0, login
    assert "(admin)" in login.stderr
    saved = run.cache_dir / account_key(fake_talk.url, "ADMIN") / "user.json"
    assert json.loads(saved.read_text("utf-8"))["id"] == "admin"
    saved.unlink()
    assert run("auth", "status").code == 0
    assert json.loads(saved.read_text("utf-8"))["id"] == "admin"


def test_server_on_the_command_line_uses_that_servers_stored_profile(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    with FakeTalkServer(talk="22") as other:
        stored = TalkctlRunner(talkctl_home)
        login = stored(
            "auth",
            "login",
            other.url,
            "--user",
            "alice",
            "--app-password-stdin",
            "--store",
            "file",
            input=other.new_app_password("alice") + "\n",
        )
        assert login.code == 0, login
        run = TalkctlRunner(
            talkctl_home,
            server=fake_talk.url,
            user="admin",
            app_password=fake_talk.new_app_password("admin"),
        )
        listed = run("--server", other.url, "room", "list")
        assert listed.code == 0, listed
        assert {r.user for r in other.requests} == {"alice"}
        assert fake_talk.requests == []
