"""Odd input never crashes: names in any script, long or empty names, odd CONVs and tokens,
levels out of range; and local files: corrupt config reported, files written 0600 atomically."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from reliability_support import SPREED, Account, make_account, one_error

from talkctl.accounts.cache import AccountCache
from talkctl.api.models import Conversation
from talkctl.sandbox import FakeTalkServer

NAMES = {
    "unicode": "Ünïcödé Grüße ☕",
    "emoji": "🎉 Party 👩‍👩‍👧 🇩🇪",
    "rtl": "مرحبا بالعالم",
    "mixed-direction": "abc \u202eevil\u202c def",
    "cjk": "会议室",
    "quotes-and-slashes": "a/b\\c 'd' \"e\" ../x ?y=1 #z %2F",
    "255-chars": "é" * 255,
}


@pytest.fixture
def acct(fake_talk: FakeTalkServer, talkctl_home: Path) -> Account:
    return make_account(fake_talk, talkctl_home)


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_create_and_rename_keep_any_name_exactly(acct: Account, name: str) -> None:
    created = acct("room", "create", name, "--json")
    assert created.code == 0, created
    rooms = [r for r in acct.srv.rooms_of("alice") if r["name"] == name]
    assert len(rooms) == 1
    token = rooms[0]["token"]
    new_name = name[:254] + "!"
    renamed = acct("room", "rename", token, new_name)
    assert renamed.code == 0, renamed
    assert acct.srv.room(token)["name"] == new_name
    by_name = acct("room", "show", new_name, "--json")
    assert by_name.code == 0, by_name
    assert token in by_name.stdout


def test_name_over_255_characters_is_the_servers_call(acct: Account) -> None:
    result = acct("room", "create", "x" * 256)
    assert result.code == 6
    one_error(result)


@pytest.mark.parametrize("name", ["", " ", "\t", "  \n "], ids=["empty", "space", "tab", "mixed"])
def test_empty_or_blank_names_are_refused_without_a_request(acct: Account, name: str) -> None:
    token = acct.room("Team")
    for args in (("room", "create", name), ("room", "rename", token, name)):
        result = acct(*args)
        assert result.code == 2, result
        one_error(result)
    assert acct.srv.changing_requests() == []


@pytest.mark.parametrize(
    "conv", ["../../x", "a/b", "%2F", "?x=1", "#frag", "..", ".", "tok en", "ß", "\u202e"]
)
def test_odd_conv_is_resolved_by_listing_never_probed(acct: Account, conv: str) -> None:
    acct.room("Team")
    result = acct("room", "rename", conv, "New")
    assert result.code == 3, result
    assert "no conversation matches" in one_error(result)
    assert acct.srv.changing_requests() == []
    assert [r.path for r in acct.srv.requests if "/room/" in r.path] == []


@pytest.mark.parametrize(
    ("token", "encoded"),
    [("../../x", "..%2F..%2Fx"), ("a b?c#d", "a%20b%3Fc%23d"), ("é/", "%C3%A9%2F")],
)
def test_odd_cached_token_is_url_encoded_as_one_segment(
    acct: Account, token: str, encoded: str
) -> None:
    cache = AccountCache(acct.run.cache_dir, acct.srv.url, "alice")
    cache.save_rooms(
        [Conversation({"token": token, "name": "odd", "displayName": "odd", "type": 2})]
    )
    result = acct("room", "rename", token, "New")
    assert result.code == 3, result  # the server knows no such path: not found, one line
    one_error(result)
    puts = [r.path for r in acct.srv.requests if r.method == "PUT"]
    assert puts == [f"{SPREED}/room/{encoded}"]


@pytest.mark.parametrize("token", ["..", "."])
def test_dot_tokens_are_refused_without_a_request(acct: Account, token: str) -> None:
    cache = AccountCache(acct.run.cache_dir, acct.srv.url, "alice")
    cache.save_rooms(
        [Conversation({"token": token, "name": "odd", "displayName": "odd", "type": 2})]
    )
    result = acct("room", "rename", token, "New")
    assert result.code == 2, result
    assert "not a conversation token" in one_error(result)
    assert acct.srv.changing_requests() == []


@pytest.mark.parametrize("level", ["0", "4", "-1", "99", "loud", "", "1.5"])
def test_notification_level_out_of_range_is_refused(acct: Account, level: str) -> None:
    token = acct.room("Team")
    result = acct("room", "notify", token, level)
    assert result.code == 2, result
    assert "Traceback" not in result.stderr
    assert acct.srv.changing_requests() == []


@pytest.mark.parametrize("state", ["maybe", "yes", "", "2"])
def test_read_only_state_must_be_on_or_off(acct: Account, state: str) -> None:
    token = acct.room("Team")
    result = acct("room", "read-only", token, state)
    assert result.code == 2, result
    assert "Traceback" not in result.stderr
    assert acct.srv.changing_requests() == []


# -- local files -------------------------------------------------------------------------------
def test_corrupt_config_is_reported_with_path_and_line_and_kept(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    account = make_account(fake_talk, talkctl_home)
    config = account.run.config_dir / "config.toml"
    config.parent.mkdir(parents=True)
    broken = 'default = "work"\n\n[profiles.work]\nserver = "https://x\n'
    config.write_text(broken)
    result = account.run(
        "room",
        "list",
        env={"TALKCTL_APP_PASSWORD": None, "TALKCTL_SERVER": None, "TALKCTL_USER": None},
    )
    assert result.code == 2, result
    line = one_error(result)
    assert str(config) in line and "line 4" in line
    assert config.read_text() == broken


def test_cache_files_are_private(acct: Account) -> None:
    acct.room("Team")
    assert acct("room", "list").code == 0
    files = [p for p in acct.run.cache_dir.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_private_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from talkctl import files

    target = tmp_path / "config.toml"
    files.write_private(target, "old = 1\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        files.write_private(target, "new = 2\n")
    assert target.read_text() == "old = 1\n"  # the old file is whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no temp file left


def test_config_save_is_private_and_holds_no_secret(tmp_path: Path) -> None:
    from talkctl.accounts.config import Config, Profile, load_config

    config = Config(path=tmp_path / "cfg" / "config.toml")
    config.profiles["work"] = Profile(name="work", server="https://cloud.example.com", user="al")
    config.default = "work"
    config.save()
    assert stat.S_IMODE(config.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.path.parent.stat().st_mode) & 0o077 == 0
    text = config.path.read_text()
    assert "password" not in text.lower() and "insecure" not in text.lower()
    assert load_config(config.path.parent).profiles["work"].user == "al"
