"""``room list`` filters, formats and --fields, end to end against the fake Talk 22 server."""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, field

import pytest
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer

DAY = 86400


@dataclass
class Seeded:
    """Names of the seeded conversations, by what a filter should find."""

    inactive_groups: list[str] = field(default_factory=list)
    active_groups: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    with_password: list[str] = field(default_factory=list)
    file_rooms: list[str] = field(default_factory=list)
    read_only: list[str] = field(default_factory=list)
    favorites: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    one_to_one: list[str] = field(default_factory=list)
    total: int = 0


def seed(talk: FakeTalkServer) -> Seeded:
    """About 50 conversations of admin's, of every kind."""
    now = int(time.time())
    s = Seeded()
    for i in range(12):
        name = f"Old project {i:02d}"
        talk.add_room(name=name, last_activity=now - (100 + i) * DAY)
        s.inactive_groups.append(name)
    for i in range(10):
        name = f"Project {i:02d}"
        favorite = ["admin"] if i < 3 else []
        archived = ["admin"] if i in (8, 9) else []
        unread = {"admin": 5} if i in (4, 5, 6) else {}
        token = talk.add_room(
            name=name,
            last_activity=now - i * 3600,
            favorite_for=favorite,
            archived_for=archived,
            unread_for=unread,
        )
        s.active_groups.append(name)
        s.favorites += [name] if favorite else []
        s.archived += [name] if archived else []
        s.unread += [name] if unread else []
        if i == 6:
            talk.set_unread(token, "admin", 2, mention=True)
            s.mentioned.append(name)
    for i in range(8):
        name = f"Town hall {i:02d}"
        talk.add_room(
            type=3,
            name=name,
            last_activity=now - 10 * DAY,
            password="secret-pass-123" if i < 3 else None,
        )
        s.public.append(name)
        s.with_password += [name] if i < 3 else []
    for i in range(5):
        name = f"report-{i}.odt"
        talk.add_room(
            name=name, object_type="file", object_id=str(100 + i), last_activity=now - 200 * DAY
        )
        s.file_rooms.append(name)
    for i in range(3):
        name = f"Announcements {i}"
        talk.add_room(name=name, read_only=1, last_activity=now - 2 * DAY)
        s.read_only.append(name)
    for other in ("alice", "bob"):
        talk.add_room(type=1, participants={other: 1}, last_activity=now - 5 * DAY)
        s.one_to_one.append(other)
    for i in range(6):  # alice's rooms where admin is a plain participant
        talk.add_room(owner="alice", name=f"Alice's {i}", participants={"admin": 3})
    talk.seed_realistic("admin")  # changelog, note to self, sample conversation
    s.total = 12 + 10 + 8 + 5 + 3 + 2 + 6 + 3
    return s


@pytest.fixture
def seeded(fake_talk: FakeTalkServer) -> Seeded:
    return seed(fake_talk)


def names(run: TalkctlRunner, *args: str) -> list[str]:
    result = run("room", "list", "--json", *args)
    assert result.code == 0, result
    return [c["displayName"] for c in json.loads(result.stdout)]


def test_seed_is_about_fifty(run: TalkctlRunner, seeded: Seeded) -> None:
    assert len(names(run)) == seeded.total >= 45


def test_filters_select_exactly(run: TalkctlRunner, seeded: Seeded) -> None:
    s = seeded
    assert sorted(names(run, "--inactive", "90d", "--type", "group")) == sorted(
        s.inactive_groups + s.file_rooms
    )
    assert sorted(names(run, "--inactive", "90d", "--type", "group", "--object-type", "")) == (
        sorted(s.inactive_groups)
    )
    assert sorted(names(run, "--object-type", "file")) == sorted(s.file_rooms)
    assert sorted(names(run, "--public")) == sorted(s.public)
    assert sorted(names(run, "--type", "public")) == sorted(s.public)
    assert sorted(names(run, "--has-password")) == sorted(s.with_password)
    assert set(names(run, "--favorite")) == set(s.favorites) | {"Note to self"}
    assert sorted(names(run, "--unread", "--type", "group", "--name", "Project*")) == sorted(
        s.unread
    )
    assert names(run, "--mentioned") == s.mentioned
    assert set(names(run, "--read-only")) == set(s.read_only) | {"Talk updates ✅"}  # changelog
    assert sorted(names(run, "--archived")) == sorted(s.archived)
    assert len(names(run, "--not-archived")) == s.total - len(s.archived)
    assert sorted(names(run, "--type", "one-to-one")) == sorted(s.one_to_one)
    assert names(run, "--type", "note-to-self") == ["Note to self"]
    assert names(run, "--type", "changelog", "--type", "note-to-self", "--sort", "name") == [
        "Note to self",
        "Talk updates ✅",
    ]
    active = names(run, "--active", "12h", "--type", "group", "--name", "Project *")
    assert sorted(active) == sorted(s.active_groups)
    assert sorted(names(run, "--name", "Town hall 0[12]")) == ["Town hall 01", "Town hall 02"]


def test_sort_and_limit(run: TalkctlRunner, seeded: Seeded) -> None:
    assert names(run, "--name", "Project *", "--sort", "activity", "--limit", "3") == [
        "Project 00",
        "Project 01",
        "Project 02",
    ]
    assert names(run, "--name", "Old project *", "--sort", "name", "--limit", "2") == [
        "Old project 00",
        "Old project 01",
    ]


def test_listing_never_marks_the_user_online(
    run: TalkctlRunner, seeded: Seeded, fake_talk: FakeTalkServer
) -> None:
    for args in ([], ["--json"], ["--inactive", "1d", "--format", "csv"]):
        fake_talk.clear_log()
        assert run("room", "list", *args).code == 0
        listings = [r for r in fake_talk.requests if r.path.endswith("/room")]
        assert len(listings) == 1
        assert listings[0].query.get("noStatusUpdate") == "1"
        assert fake_talk.changing_requests() == []


def test_list_json_contract_every_field_of_every_object(
    run: TalkctlRunner, seeded: Seeded, fake_talk: FakeTalkServer
) -> None:
    import requests

    listed = json.loads(run("room", "list", "--json").stdout)
    server = requests.get(
        fake_talk.url + "/ocs/v2.php/apps/spreed/api/v4/room",
        auth=("admin", fake_talk.password_of("admin")),
        headers={"OCS-APIRequest": "true", "Accept": "application/json"},
        timeout=10,
    ).json()["ocs"]["data"]
    assert isinstance(listed, list)
    # the server's objects, every field, the server's names; in Talk's order (favorites first,
    # then the latest activity first)
    talk_order = sorted(server, key=lambda r: (not r["isFavorite"], -r["lastActivity"], r["token"]))
    assert listed == talk_order
    assert len(listed) == seeded.total
    assert all("lastMessage" in c and "isArchived" in c for c in listed)


def test_formats_jsonl_csv_tsv_and_fields(run: TalkctlRunner, seeded: Seeded) -> None:
    args = ("--type", "public", "--sort", "name", "--fields", "token,displayName,hasPassword")
    as_json = json.loads(run("room", "list", *args, "--format", "json").stdout)
    assert [sorted(o) for o in as_json] == [["displayName", "hasPassword", "token"]] * 8
    assert as_json[0]["displayName"] == "Town hall 00" and as_json[0]["hasPassword"] is True

    jsonl = run("room", "list", *args, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in jsonl] == as_json

    rows = list(csv.reader(io.StringIO(run("room", "list", *args, "--format", "csv").stdout)))
    assert rows[0] == ["token", "displayName", "hasPassword"]
    assert rows[1] == [as_json[0]["token"], "Town hall 00", "true"]

    tsv = run("room", "list", *args, "--format", "tsv").stdout.splitlines()
    assert tsv[0] == f"{as_json[0]['token']}\tTown hall 00\ttrue"
    assert len(tsv) == 8


def test_json_shortcut_and_format_conflict(run: TalkctlRunner, seeded: Seeded) -> None:
    assert run("room", "list", "--json").stdout == run("room", "list", "--format", "json").stdout
    result = run("room", "list", "--json", "--format", "csv")
    assert result.code == 2 and "exclusive" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fields", "token,colour"], "unknown field(s) colour"),
        (["--inactive", "90days"], "--inactive: '90days' is not a duration"),
        (["--active", "x"], "--active: 'x' is not a duration"),
        (["--type", "private"], "unknown --type 'private'"),
        (["--sort", "size"], "unknown --sort 'size'"),
        (["--limit", "0"], "--limit must be at least 1"),
        (["--format", "xml"], "unknown --format 'xml'"),
    ],
)
def test_bad_selection_is_exit_2_before_any_request(
    run: TalkctlRunner, fake_talk: FakeTalkServer, args: list[str], message: str
) -> None:
    result = run("room", "list", *args)
    assert result.code == 2, result
    assert message in result.stderr
    assert result.stdout == ""
    assert fake_talk.count(path_contains="/room") == 0


def test_unknown_field_lists_valid_fields(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("room", "list", "--fields", "nope")
    assert result.code == 2
    assert result.stderr.count("\n") == 1  # one line
    assert "valid fields:" in result.stderr and "isArchived" in result.stderr


def test_archived_flags_are_exclusive_by_construction(run: TalkctlRunner, seeded: Seeded) -> None:
    # --archived / --not-archived is one flag: the last one given wins (click's rule)
    assert sorted(names(run, "--not-archived", "--archived")) == sorted(seeded.archived)
