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

# (argv after "room" with {a} and {b} as the conversations, the plan text of a change)
COMMANDS = [
    (["rename", "{convs}", "New name"], "would rename to 'New name'"),
    (["publish", "{convs}"], "would allow guests (make public)"),
    (["unpublish", "{convs}"], "unchanged"),
    (["read-only", "{convs}", "on"], "would set read-only on"),
    (["password", "{convs}", "--clear"], "unchanged"),
    (["password", "{convs}"], "would set a new password"),
    (["favorite", "{convs}"], "would add to favorites"),
    (["unfavorite", "{convs}"], "unchanged"),
    (["notify", "{convs}", "never"], "would notify never"),
    (["notify", "{convs}", "default"], "unchanged"),
    (["delete", "{convs}"], "would delete"),
    (["leave", "{convs}"], "would leave"),
]


def argv(template: list[str], convs: list[str]) -> list[str]:
    out: list[str] = []
    for part in template:
        out += convs if part == "{convs}" else [part]
    return out


@pytest.mark.parametrize(("template", "plan"), COMMANDS, ids=lambda v: str(v))
def test_dry_run_single_sends_no_change(
    run: TalkctlRunner, fake_talk: FakeTalkServer, template: list[str], plan: str
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
    assert obj["token"] == token and obj["action"] == plan
    assert obj["changed"] is (plan != "unchanged")
    assert fake_talk.changing_requests() == []


@pytest.mark.parametrize(("template", "plan"), COMMANDS, ids=lambda v: str(v))
def test_dry_run_bulk_sends_no_change(
    run: TalkctlRunner, fake_talk: FakeTalkServer, template: list[str], plan: str
) -> None:
    a = fake_talk.add_room(name="A")
    b = fake_talk.add_room(name="B")
    result = run("room", *argv(template, [a, "missing", b]), "--dry-run", "--json")
    assert result.code == 3, result  # "missing" is not found: reported, not sent
    data = json.loads(result.stdout)
    assert [d["token"] for d in data] == [a, "missing", b]
    assert [d["action"] for d in data] == [plan, None, plan]
    assert data[1]["ok"] is False and data[1]["exit_code"] == 3
    assert fake_talk.changing_requests() == []
    assert fake_talk.has_room(a) and fake_talk.has_room(b)


def test_dry_run_delete_needs_no_yes_and_shows_skipped_object_rooms(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    plain = fake_talk.add_room(name="plain")
    file_chat = fake_talk.add_room(name="x.pdf", object_type="file", object_id="9")
    result = run("room", "delete", "--stdin", "--dry-run", input=f"{plain}\n{file_chat}\n")
    assert result.code == 2, result
    assert result.stdout == f"{plain}\tplain\twould delete\n"
    assert f"skipped\tx.pdf ({file_chat})\tskipped: bound to file 9" in result.stderr
    assert "dry run: 1 would change, 0 unchanged, 1 failed; nothing was sent" in result.stderr
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
        (["Team chat"], "", "would create a group conversation"),
        (
            ["Team chat", "--invite", "staff"],
            "",
            "would create a group conversation and add groups staff",
        ),
        (
            ["Town hall", "--type", "public", "--password-stdin"],
            "Pw-secret-77\n",
            "would create a public conversation with a password",
        ),
        (
            ["--type", "one-to-one", "--invite", "alice"],
            "",
            "would create a one-to-one conversation with alice (or get the existing one)",
        ),
    ],
)
def test_create_dry_run_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, args: list[str], stdin: str, plan: str
) -> None:
    result = run("room", "create", *args, "--dry-run", input=stdin)
    assert result.code == 0, result
    assert result.stdout.endswith(f"\t{plan}\n")
    assert "Pw-secret" not in result.stdout + result.stderr
    assert fake_talk.changing_requests() == []
    assert fake_talk.rooms_of("admin") == []
    as_json = json.loads(run("room", "create", *args, "--dry-run", "--json", input=stdin).stdout)
    assert as_json["action"] == plan and as_json["token"] is None
    assert fake_talk.changing_requests() == []
