"""--dry-run on every mutating command: everything is resolved, the plan is printed, and the
fake server records no changing request. Plus the progress bar of bulk runs."""

from __future__ import annotations

import io
import json

import pytest
from clirunner import TalkctlRunner

from talkctl.cli.context import Environment
from talkctl.cli.progress import ProgressReporter
from talkctl.sandbox import FakeTalkServer

# (argv after "room" with {convs} as the conversations, the plan text, the record's action)
COMMANDS = [
    (["rename", "{convs}", "New name"], 'would set name "Target" → "New name"', "update"),
    (["publish", "{convs}"], "would set type group → public", "update"),
    (["unpublish", "{convs}"], "unchanged (already a group conversation)", "unchanged"),
    (["read-only", "{convs}", "on"], "would set read-only off → on", "update"),
    (["password", "{convs}", "--clear"], "unchanged (no password)", "unchanged"),
    (["password", "{convs}"], "would set password none → new", "update"),
    (["favorite", "{convs}"], "would set favorite off → on", "update"),
    (["unfavorite", "{convs}"], "unchanged (favorite off)", "unchanged"),
    (["notify", "{convs}", "never"], "would set notify mention → never", "update"),
    (["notify", "{convs}", "default"], "unchanged (notify mention)", "unchanged"),
    (["delete", "{convs}"], "would delete", "delete"),
    (["leave", "{convs}"], "would leave", "leave"),
    (["describe", "{convs}", "About"], 'would set description "" → "About"', "update"),
    (["listable", "{convs}", "users"], "would set listable none → users", "update"),
    (["lobby", "{convs}", "on"], "would set lobby off → on", "update"),
    (["message-expiration", "{convs}", "1d"], "would set message-expiration off → 1d", "update"),
    (["archive", "{convs}"], "would set archived off → on", "update"),
    (["unarchive", "{convs}"], "unchanged (archived off)", "unchanged"),
]


def argv(template: list[str], convs: list[str]) -> list[str]:
    out: list[str] = []
    for part in template:
        out += convs if part == "{convs}" else [part]
    return out


@pytest.mark.parametrize(("template", "plan", "action"), COMMANDS, ids=lambda v: str(v))
def test_dry_run_single_sends_no_change(
    run: TalkctlRunner, fake_talk: FakeTalkServer, template: list[str], plan: str, action: str
) -> None:
    token = fake_talk.add_room(name="Target")
    before = fake_talk.room(token)
    result = run("room", *argv(template, [token]), "--dry-run")
    assert result.code == 0, result
    assert result.stdout == f"{token}\tTarget\t{plan}\n"
    assert "nothing was sent" in result.stderr
    assert fake_talk.changing_requests() == []
    assert fake_talk.room(token) == before

    as_json = run("room", *argv(template, [token]), "--dry-run", "--json")
    obj = json.loads(as_json.stdout)
    assert isinstance(obj, dict)  # one CONV: one object
    assert obj["token"] == token and obj["action"] == action and obj["dry_run"] is True
    assert obj["input"] == token and obj["ok"] is True and obj["exit_code"] == 0
    assert bool(obj["changes"]) is (action == "update")
    assert fake_talk.changing_requests() == []


@pytest.mark.parametrize(("template", "plan", "action"), COMMANDS, ids=lambda v: str(v))
def test_dry_run_bulk_sends_no_change(
    run: TalkctlRunner, fake_talk: FakeTalkServer, template: list[str], plan: str, action: str
) -> None:
    a = fake_talk.add_room(name="A")
    b = fake_talk.add_room(name="B")
    if template[0] == "rename":
        template = ["rename", "{convs}", "{name} new"]  # several: one plain name is exit 2
    result = run("room", *argv(template, [a, "missing", b]), "--dry-run", "--json")
    assert result.code == 3, result  # "missing" is not found: reported, not sent
    data = json.loads(result.stdout)
    assert [d["input"] for d in data] == [a, "missing", b]
    assert [d["token"] for d in data] == [a, None, b]
    assert [d["action"] for d in data] == [action, None, action]
    assert data[1]["ok"] is False and data[1]["exit_code"] == 3
    assert fake_talk.changing_requests() == []
    assert fake_talk.has_room(a) and fake_talk.has_room(b)


def test_dry_run_delete_needs_no_yes_and_shows_skipped_object_rooms(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    plain = fake_talk.add_room(name="plain")
    file_chat = fake_talk.add_room(name="x.pdf", object_type="file", object_id="9")
    result = run("room", "delete", "--stdin", "--dry-run", input=f"{plain}\n{file_chat}\n")
    assert result.code == 0, result  # a skip is not a failure
    assert result.stdout == (
        f"{plain}\tplain\twould delete\n"
        f"{file_chat}\tx.pdf\tskipped: bound to a file (file 9): "
        "--include-object-rooms deletes it\n"
    )
    assert "dry run: 1 to delete, 1 skipped (bound to a file); nothing was sent" in result.stderr
    assert fake_talk.changing_requests() == []


def test_dry_run_reads_the_password_but_never_sends_it(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(type=3, name="Pub")
    result = run("room", "password", token, "--password-stdin", "--dry-run", input="s3cret!x\n")
    assert result.code == 0, result
    assert "s3cret" not in result.stdout + result.stderr
    assert fake_talk.changing_requests() == []


def _env(isatty: bool) -> tuple[Environment, io.StringIO]:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO(), {}, stderr_isatty=isatty)
    return env, err


def test_progress_bar_only_on_a_terminal() -> None:
    env, err = _env(isatty=True)
    with ProgressReporter(env, 3, "deleted") as progress:
        for _ in range(3):
            progress.advance()
    assert "deleted" in err.getvalue()

    env, err = _env(isatty=False)
    with ProgressReporter(env, 3, "deleted") as progress:
        progress.advance()
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "stdin", "plan"),
    [
        (["Team chat"], "", "would create: type group"),
        (
            ["Team chat", "--invite", "staff", "--source", "groups"],
            "",
            "would create: type group, invite groups staff",
        ),
        (
            ["Town hall", "--type", "public", "--password-stdin"],
            "Pw-secret-77\n",
            "would create: type public, password set",
        ),
        (
            ["--type", "one-to-one", "--invite", "alice"],
            "",
            "would create: type one-to-one, invite users alice",
        ),
    ],
)
def test_create_dry_run_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, args: list[str], stdin: str, plan: str
) -> None:
    result = run("room", "create", *args, "--dry-run", input=stdin)
    assert result.code == 0, result
    assert result.stdout.endswith(f"\t{plan}\n")
    assert "would create" in result.stderr  # the steps
    assert "Pw-secret" not in result.stdout + result.stderr
    assert fake_talk.changing_requests() == []
    assert fake_talk.rooms_of("admin") == []
    as_json = json.loads(run("room", "create", *args, "--dry-run", "--json", input=stdin).stdout)
    assert as_json["action"] == "create" and as_json["token"] is None
    assert as_json["dry_run"] is True
    assert fake_talk.changing_requests() == []
