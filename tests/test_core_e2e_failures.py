"""Failures end to end: server refusals, unknown and ambiguous CONVs, local rejections that
send nothing, and where the credentials come from."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirunner import TalkctlRunner
from e2e_support import USER, Factory, no_requests, session, start

from talkctl.sandbox import FakeTalkServer

OLD_AND_NEW = ["8", "18", "22"]


@pytest.mark.parametrize("talk", OLD_AND_NEW)
@pytest.mark.parametrize(
    "args",
    [
        ("rename", "{t}", "Mine now"),
        ("delete", "{t}", "--yes"),
        ("publish", "{t}"),
        ("read-only", "{t}", "on"),
        ("password", "{t}", "--clear"),
    ],
    ids=lambda a: a[0],
)
def test_non_moderator_is_forbidden(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str, args: tuple[str, ...]
) -> None:
    srv = fake_talk_factory(talk=talk)
    # a state the change would alter (an unchanged one is "unchanged", not refused)
    token = srv.add_room(
        owner="admin",
        type=2 if args[0] == "publish" else 3,
        name="Owned",
        participants={"alice": USER},
        password="Secret-pass-2027" if args[0] == "password" else None,
    )
    alice = session(srv, talkctl_home, "alice")
    before = srv.room(token)
    result = alice.run("room", *[a.format(t=token) for a in args])
    assert result.code == 5, result
    assert result.stdout == ""
    assert result.stderr.startswith("talkctl: error: ") and result.stderr.count("\n") == 1
    assert "moderator" in result.stderr
    assert srv.room(token) == before


@pytest.mark.parametrize("talk", OLD_AND_NEW)
@pytest.mark.parametrize(
    "verb",
    [("show",), ("rename", "New"), ("delete", "--yes"), ("favorite",), ("notify", "never")],
    ids=lambda v: v[0],
)
def test_unknown_conv_is_not_found_without_probing_tokens(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str, verb: tuple[str, ...]
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    admin.srv.add_room(owner="admin", name="Existing")
    result = admin.run("room", verb[0], "zzzzzzzz", *verb[1:])
    assert result.code == 3, result
    assert "no conversation matches 'zzzzzzzz'" in result.stderr
    assert admin.spreed_requests() == [("GET", "/room")]  # the listing, never GET /room/{token}


def test_ambiguous_name_lists_the_candidates(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    admin = start(fake_talk_factory, talkctl_home)
    first = admin.srv.add_room(owner="admin", type=2, name="Dup")
    second = admin.srv.add_room(owner="admin", type=3, name="Dup")
    result = admin.run("room", "rename", "Dup", "Unique")
    assert result.code == 8, result
    for token, kind in ((first, "group"), (second, "public")):
        assert f"{token} 'Dup' ({kind})" in result.stderr
    assert admin.srv.changing_requests() == []


@pytest.mark.parametrize("talk", OLD_AND_NEW)
def test_one_to_one_cannot_be_renamed_or_deleted(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    token = admin.srv.add_room(owner="admin", type=1, participants={"alice": USER})
    renamed = admin.run("room", "rename", token, "Chat")
    assert renamed.code == 6, renamed
    assert "one-to-one" in renamed.stderr
    deleted = admin.run("room", "delete", token, "--yes")
    assert deleted.code == 6, deleted
    assert "one-to-one" in deleted.stderr and "talkctl room leave" in deleted.stderr
    assert admin.srv.has_room(token)


LOCALLY_REJECTED = [
    ("create", ""),
    ("create", "   "),
    ("create", "X", "--type", "secret"),
    ("create", "X", "--type", "changelog"),
    ("create", "X", "--password-stdin"),
    ("create", "X", "--type", "group", "--password-stdin"),
    ("create", "--type", "one-to-one", "--invite", "alice", "--password-stdin"),
    ("rename", "abc123", " "),
    ("notify", "abc123", "0"),
    ("notify", "abc123", "4"),
    ("notify", "abc123", "loud"),
    ("notify", "abc123", "Always"),
    ("read-only", "abc123", "maybe"),
    ("read-only", "abc123", "ON"),
    ("delete", "abc123"),  # no --yes and stdin is not a terminal
    ("leave", "abc123"),
    ("password", "abc123"),  # would prompt: stdin is not a terminal, use --password-stdin
    ("password", "abc123", "--clear", "--password-stdin"),
]


@pytest.mark.parametrize("args", LOCALLY_REJECTED, ids=" ".join)
def test_bad_local_input_is_rejected_before_any_request(
    fake_talk_factory: Factory, talkctl_home: Path, args: tuple[str, ...]
) -> None:
    admin = start(fake_talk_factory, talkctl_home)
    result = admin.run("room", *args, input="Some-Long-Password-1\n")
    no_requests(result, admin.srv)
    assert result.stderr.strip() and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"server": True, "app_password": True}, "TALKCTL_USER"),
        ({"user": True, "app_password": True}, "TALKCTL_SERVER"),
        ({"app_password": True}, "TALKCTL_SERVER and TALKCTL_USER"),
    ],
)
def test_partial_environment_names_the_missing_variable(
    fake_talk: FakeTalkServer, talkctl_home: Path, given: dict[str, bool], missing: str
) -> None:
    srv = fake_talk
    run = TalkctlRunner(
        talkctl_home,
        server=srv.url if given.get("server") else None,
        user="admin" if given.get("user") else None,
        app_password=srv.new_app_password("admin") if given.get("app_password") else None,
    )
    result = run("room", "list")
    assert result.code == 2, result
    assert missing in result.stderr
    assert srv.requests == []


def test_no_credentials_names_the_options(talkctl_home: Path) -> None:
    result = TalkctlRunner(talkctl_home)("room", "list")
    assert result.code == 4, result
    for option in ("TALKCTL_SERVER", "TALKCTL_USER", "TALKCTL_APP_PASSWORD", "--server"):
        assert option in result.stderr


def test_plain_http_to_a_remote_host_warns(talkctl_home: Path) -> None:
    run = TalkctlRunner(talkctl_home, server="http://192.0.2.1", user="a", app_password="p")
    result = run("--timeout", "1", "--retries", "0", "room", "list")
    assert result.code == 7, result
    assert "plain http" in result.stderr


def test_plain_http_to_loopback_does_not_warn(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    admin = start(fake_talk_factory, talkctl_home)
    result = admin.run("room", "list")
    assert result.code == 0, result
    assert result.stderr == ""
