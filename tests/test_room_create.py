"""Passwords on force-passwords servers, creation with and without
conversation-creation-password, feature gates and Talk not enabled, end to end."""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
from pathlib import Path

import pytest
from e2e_support import STRONG_PASSWORD, Factory, Session, session, signal_on_request, start

from talkctl.sandbox import FakeTalkServer

PW = STRONG_PASSWORD + "\n"


@pytest.fixture
def forced(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    admin = start(fake_talk_factory, talkctl_home, "22")
    admin.srv.force_passwords = True
    return admin


@pytest.mark.parametrize(
    "args", [("create", "Town", "--type", "public"), ("publish", "{t}")], ids=["create", "publish"]
)
def test_force_passwords_without_password_stdin_says_so(
    forced: Session, args: tuple[str, ...]
) -> None:
    token = forced.srv.add_room(owner="admin", name="Group")
    result = forced.run("room", *[a.format(t=token) for a in args])
    assert result.code == 2, result
    assert "requires a password" in result.stderr and "--password-stdin" in result.stderr
    assert forced.srv.changing_requests() == []


def test_force_passwords_create_sends_the_password_with_the_create(forced: Session) -> None:
    out = forced.json("room", "create", "Town", "--type", "public", "--password-stdin", input=PW)
    out = out["conversation"]
    assert (out["type"], out["hasPassword"]) == (3, True)
    assert forced.forms("POST", "/room") == [
        {"roomType": "3", "roomName": "Town", "password": STRONG_PASSWORD}
    ]
    # the listing (does that name exist already?), then the one create
    assert [m for m, _ in forced.spreed_requests()] == ["GET", "POST"]


def test_force_passwords_publish_sends_the_password_with_the_publish(forced: Session) -> None:
    token = forced.srv.add_room(owner="admin", name="Group")
    out = forced.json("room", "publish", token, "--password-stdin", input=PW)["conversation"]
    assert (out["type"], out["hasPassword"]) == (3, True)
    assert forced.forms("POST", "/public") == [{"password": STRONG_PASSWORD}]


def test_weak_password_on_create_shows_the_server_policy(forced: Session) -> None:
    result = forced.run(
        "room", "create", "Town", "--type", "public", "--password-stdin", input="abc\n"
    )
    assert result.code == 6, result
    assert "10 characters" in result.stderr
    assert forced.srv.rooms_of("admin") == []


@pytest.mark.parametrize("talk", ["11", "18"])
def test_without_creation_password_create_then_set(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    out = admin.json("room", "create", "Town", "--type", "public", "--password-stdin", input=PW)
    out = out["conversation"]
    assert (out["type"], out["hasPassword"]) == (3, True)
    assert admin.forms("POST", "/room") == [{"roomType": "3", "roomName": "Town"}]
    assert admin.forms("PUT", "/password") == [{"password": STRONG_PASSWORD}]


@pytest.mark.parametrize("talk", ["11", "18"])
def test_refused_password_rolls_the_create_back(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    admin.srv.inject(
        "PUT",
        "/password",
        status=400,
        body={"ocs": {"meta": {"status": "failure", "statuscode": 400, "message": ""}, "data": []}},
    )
    result = admin.run("room", "create", "Town", "--type", "public", "--password-stdin", input=PW)
    assert result.code == 6, result
    assert "nothing was created" in result.stderr
    # the listing (does that name exist already?), create, password, delete again
    assert [m for m, _ in admin.spreed_requests()] == ["GET", "POST", "PUT", "DELETE"]
    assert admin.srv.rooms_of("admin") == []


@pytest.mark.parametrize("talk", ["11", "18"])
def test_publish_with_password_on_old_servers_publishes_then_sets(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    token = admin.srv.add_room(owner="admin", name="Group")
    record = admin.json("room", "publish", token, "--password-stdin", input=PW)
    assert record["ok"] is True and record["conversation"] is None  # data []: no extra GET
    out = admin.server_get(f"/room/{token}")
    assert (out["type"], out["hasPassword"]) == (3, True)
    assert admin.forms("POST", "/public") == [{}]
    assert admin.forms("PUT", "/password") == [{"password": STRONG_PASSWORD}]


@pytest.mark.parametrize("talk", ["11", "18"])
def test_refused_password_on_publish_makes_it_private_again(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    token = admin.srv.add_room(owner="admin", name="Group")
    admin.srv.inject(
        "PUT",
        "/password",
        status=400,
        body={"ocs": {"meta": {"status": "failure", "statuscode": 400, "message": ""}, "data": []}},
    )
    result = admin.run("room", "publish", token, "--password-stdin", input=PW)
    assert result.code == 6, result
    assert f"the server refused the password, {token} stays a group conversation" in (result.stderr)
    assert result.stderr.count("\n") == 1  # one line
    # the listing resolves the (uncached) token; then publish, password, unpublish
    assert [m for m, _ in admin.spreed_requests()] == ["GET", "POST", "PUT", "DELETE"]
    assert admin.srv.room(token)["type"] == 2


@pytest.mark.parametrize(
    ("args", "feature"),
    [
        (("favorite", "{t}"), "favorites"),
        (("unfavorite", "{t}"), "favorites"),
        (("notify", "{t}", "never"), "notification levels"),
        (("read-only", "{t}", "on"), "read-only conversations"),
        (("create", "Circle", "--invite", "c1", "--source", "circles"), "adding a team"),
    ],
    ids=lambda v: v if isinstance(v, str) else v[0],
)
def test_missing_capability_is_refused_without_a_spreed_request(
    talkctl_home: Path, args: tuple[str, ...], feature: str
) -> None:
    srv = FakeTalkServer(talk="8")  # made Talk 3 (Nextcloud 13): older than those features
    srv.profile = dataclasses.replace(srv.profile, name="3", talk=(3, 2), nextcloud=(13, 0, 12))
    with srv:
        token = srv.add_room(owner="admin", name="Old")
        admin = session(srv, talkctl_home)
        result = admin.run("room", *[a.format(t=token) for a in args])
        assert result.code == 6, result
        assert f"{feature}: not supported by this server (Talk 3 " in result.stderr
        assert admin.spreed_requests() == []


def test_talk_not_enabled(fake_talk_factory: Factory, talkctl_home: Path) -> None:
    admin = start(fake_talk_factory, talkctl_home)
    admin.srv.disable_talk_for("admin")
    result = admin.run("room", "list")
    assert result.code == 6, result
    assert "Talk is not enabled for this account" in result.stderr
    assert admin.spreed_requests() == []


@pytest.mark.parametrize("talk", ["18", "22"])
def test_a_dry_run_of_an_existing_one_to_one_says_unchanged_as_the_real_run(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    o2o = ("room", "create", "--type", "one-to-one", "--invite")
    fresh = admin.run(*o2o, "alice", "--dry-run", "--json")
    assert fresh.code == 0, fresh
    assert json.loads(fresh.stdout)["action"] == "create"  # none with alice yet
    made = json.loads(admin.run(*o2o, "alice", "--json").stdout)["token"]
    changes = len(admin.srv.changing_requests())
    planned = admin.run(*o2o, "alice", "--dry-run", "--json")
    real = admin.run(*o2o, "alice", "--json")
    assert planned.code == real.code == 0, (planned, real)
    keys = ("token", "name", "ok", "action", "changes", "note")
    dry, done = json.loads(planned.stdout), json.loads(real.stdout)
    assert [dry.get(k) for k in keys] == [done.get(k) for k in keys]
    assert (dry["token"], dry["action"], dry["dry_run"]) == (made, "unchanged", True)
    assert "would create" not in planned.stderr
    text = admin.run(*o2o, "alice", "--dry-run")
    assert "unchanged (a one-to-one conversation with alice already exists)" in text.stdout
    assert len(admin.srv.changing_requests()) == changes + 1  # the real run's POST only


def test_one_to_one_with_an_unknown_user(fake_talk_factory: Factory, talkctl_home: Path) -> None:
    admin = start(fake_talk_factory, talkctl_home)
    result = admin.run("room", "create", "--type", "one-to-one", "--invite", "nobody")
    assert result.code == 3, result
    assert "cannot invite 'nobody'" in result.stderr


def test_create_warns_when_the_name_exists_and_points_to_ensure(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    admin = start(fake_talk_factory, talkctl_home, "22")
    first = admin.srv.add_room(owner="admin", name="Team chat")
    result = admin.run("room", "create", "Team chat", "--json")
    assert result.code == 0, result
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1, result.stderr
    assert f'"Team chat" exists already ({first})' in warning[0]
    assert "use: talkctl room ensure 'Team chat'" in warning[0]
    assert '"token"' in result.stdout  # stdout stays the one record
    assert [r["name"] for r in admin.srv.rooms_of("admin")] == ["Team chat", "Team chat"]


@pytest.mark.parametrize("talk", ["18", "22"])
def test_the_same_invitee_twice_is_invited_once(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, talk)
    args = ["--invite", "alice", "--invite", "nobody", "--invite", "alice", "--invite", "nobody"]
    result = admin.run("room", "create", "Twice", *args, "--json")
    assert result.code == 3, result
    record = json.loads(result.stdout)
    assert [c["to"] for c in record["changes"]] == ["group", "users alice", "users nobody"]
    assert record["error"].endswith("was created; could not add users nobody")
    assert result.stderr == f"talkctl: error: {record['error']}\n"


def test_the_ensure_hint_for_a_name_with_a_newline_stays_one_line_and_exact(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    admin = start(fake_talk_factory, talkctl_home, "22")
    name = "odd\nname \u202e it's \\ $x"
    admin.srv.add_room(owner="admin", name=name)
    result = admin.run("room", "create", name, "--dry-run")
    assert result.code == 0, result
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1 and warning[0].endswith("'"), result.stderr
    hint = warning[0].split("use: talkctl room ensure ", 1)[1]
    assert hint == "$'odd\\nname \\u202e it\\'s \\\\ $x'"
    shell = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", f"printf %s {hint}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout == name


@pytest.mark.parametrize("name", ["Fresh", "team chat"], ids=["new", "other-case"])
def test_create_says_nothing_when_no_conversation_has_that_name(
    fake_talk_factory: Factory, talkctl_home: Path, name: str
) -> None:
    admin = start(fake_talk_factory, talkctl_home, "22")
    admin.srv.add_room(owner="admin", name="Team chat")
    result = admin.run("room", "create", name)
    assert result.code == 0, result
    assert "warning" not in result.stderr and "exists already" not in result.stderr


def test_create_dry_run_warns_too_and_creates_nothing(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    admin = start(fake_talk_factory, talkctl_home, "22")
    admin.srv.add_room(owner="admin", name="caf\u00e9")
    result = admin.run("room", "create", "cafe\u0301", "--dry-run")  # decomposed: same name
    assert result.code == 0, result
    assert "exists already" in result.stderr and "this would make another" in result.stderr
    assert admin.srv.changing_requests() == []
    assert len(admin.srv.rooms_of("admin")) == 1


def test_an_unknown_group_alone_creates_nothing_and_is_named(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    """Talk 22 answers 404 ``invite`` and creates nothing (x-create-json-unknown-group-only);
    talkctl said "not found (invite)"."""
    admin = start(fake_talk_factory, talkctl_home, "22")
    result = admin.run("room", "create", "X", "--invite", "nosuchgroup", "--source", "groups")
    assert result.code == 3, result
    assert "group 'nosuchgroup' does not exist on the server: nothing was created" in result.stderr
    assert [r["name"] for r in admin.srv.rooms_of("admin")] == []
    both = admin.run(
        "room",
        "create",
        "Y",
        "--invite",
        "nosuchgroup",
        "--invite",
        "nogroup",
        "--source",
        "groups",
    )
    assert both.code == 3 and "none of the invitees exists" in both.stderr, both
    # one valid invitee among them: created, the unknown one listed (recorded: 202)
    mixed = admin.run(
        "room",
        "create",
        "Z",
        "--invite",
        "staff",
        "--invite",
        "nosuchgroup",
        "--source",
        "groups",
        "--json",
    )
    assert mixed.code == 3, mixed
    assert [r["name"] for r in admin.srv.rooms_of("admin")] == ["Z"]


@pytest.mark.parametrize("talk", ["18", "22"])
def test_a_refused_create_is_its_failed_record(
    fake_talk_factory: Factory, talkctl_home: Path, talk: str
) -> None:
    """The create is an Operation like every change verb: a refusal is one failed record
    (stdout with --json), its error line on stderr, its exit code; nothing is left behind."""
    admin = start(fake_talk_factory, talkctl_home, talk)
    admin.srv.inject(
        "PUT" if talk == "18" else "POST",
        "/password" if talk == "18" else "/room",
        status=400,
        body={
            "ocs": {"meta": {"status": "failure", "statuscode": 400}, "data": {"error": "password"}}
        },
    )
    result = admin.run(
        "room", "create", "Town", "--type", "public", "--password-stdin", "--json", input=PW
    )
    assert result.code == 6, result
    record = json.loads(result.stdout)
    assert (record["ok"], record["action"], record["exit_code"]) == (False, "create", 6)
    assert "nothing was created" in record["error"]
    assert record["error"] in result.stderr
    assert admin.srv.rooms_of("admin") == []


def test_an_unknown_one_to_one_user_is_its_failed_record(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    admin = start(fake_talk_factory, talkctl_home)
    result = admin.run("room", "create", "--type", "one-to-one", "--invite", "nobody", "--json")
    assert result.code == 3, result
    record = json.loads(result.stdout)
    assert (record["ok"], record["input"], record["token"]) == (False, "nobody", None)
    assert record["error"] == "cannot invite 'nobody': no such user"
    assert record["error"] in result.stderr


# --- a signal after the conversation exists -------------------------------------------------


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_inviting_step_by_step_deletes_the_half_made_conversation(
    fake_talk_factory: Factory,
    talkctl_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    signum: int,
    code: int,
) -> None:
    admin = start(fake_talk_factory, talkctl_home, "18")  # create, then each step
    argv = ["room", "create", "New", "--invite", "alice", "--invite", "bob", "--json"]
    result = signal_on_request(
        admin.srv,
        monkeypatch,
        argv,
        admin.run.env,
        signum=signum,
        method="POST",
        path_part="/participants",
        hold=1.0,
    )
    assert result.code == code, result.stderr
    record = json.loads(result.stdout)
    assert (record["ok"], record["token"], record["exit_code"]) == (False, None, code)
    assert record["error"] == "the invite step failed, nothing was created: interrupted"
    assert [r["name"] for r in admin.srv.rooms_of("admin")] == []
    assert "Traceback" not in result.stderr


def test_a_signal_while_setting_your_own_preferences_keeps_it_and_says_its_token(
    fake_talk_factory: Factory, talkctl_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = start(fake_talk_factory, talkctl_home, "22")
    argv = ["room", "create", "New", "--favorite", "--notify", "always", "--json"]
    result = signal_on_request(
        admin.srv,
        monkeypatch,
        argv,
        admin.run.env,
        signum=signal.SIGTERM,
        method="POST",
        path_part="/favorite",
        hold=1.0,
    )
    assert result.code == 143, result.stderr
    record = json.loads(result.stdout)
    made = [r["token"] for r in admin.srv.rooms_of("admin") if r["name"] == "New"]
    assert len(made) == 1 and record["token"] == made[0]
    assert (record["ok"], record["exit_code"]) == (False, 143)
    assert record["error"] == (
        f"{made[0]} was created; created, but setting favorite failed: interrupted"
    )
    with admin.srv.state.lock:  # the rest (notify always: level 1) was not sent
        levels = [a.notification_level for a in admin.srv.state.rooms[made[0]].attendees.values()]
    assert 1 not in levels
