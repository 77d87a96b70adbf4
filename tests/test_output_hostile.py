"""Text from others on a terminal, hostile values, and names that survive every format.

Names are written by other people: Rich markup in them is printed literally, control
characters are escaped on a terminal (exact in --json), a lone surrogate or an impossible
time never costs the listing, and a name printed as TSV or CSV finds its conversation again.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from clirunner import talkctl_executable
from e2e_support import Factory, Session, start

from talkctl.cli.apply.render import render as render_apply
from talkctl.cli.apply.run import planned as apply_planned
from talkctl.cli.auth.render import StatusReport, render_status
from talkctl.cli.context import Environment
from talkctl.cli.output import Renderer, tsv_unescape
from talkctl.cli.prompts import confirm
from talkctl.cli.prompts import conversations_asker as asker
from talkctl.cli.results import Record, Results
from talkctl.cli.room.ensure_run import planned
from talkctl.declarative.applyfile import Entry
from talkctl.declarative.applying import ConversationPlan
from talkctl.declarative.converge import Wanted, plan_for
from talkctl.errors import UsageError
from talkctl.resolve import Target

ESCAPE_NAME = "x\x1b]0;pwned\x07\x1b[31mRED"
LONG_NAME = "A very long conversation name that goes on and on " * 3


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    admin = start(fake_talk_factory, talkctl_home)
    for name in ("Budget [draft]", "rel-bob [/]", ESCAPE_NAME, LONG_NAME.strip()):
        admin.srv.add_room(owner="admin", name=name)
    return admin


def on_terminal(admin: Session, *args: str, columns: int = 200) -> tuple[int, str, str]:
    """Run talkctl with stdout and stderr on a pseudo-terminal (NO_COLOR: no styles)."""
    main, terminal = os.openpty()
    env = {**admin.run.env, "TERM": "xterm-256color", "COLUMNS": str(columns), "NO_COLOR": "1"}
    with subprocess.Popen(
        [talkctl_executable(), *args],
        stdout=terminal,
        stderr=terminal,
        stdin=subprocess.DEVNULL,
        env=env,
    ) as process:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = process.wait(timeout=60)
    os.close(main)
    text = b"".join(chunks).decode()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)  # bold headers: talkctl's own styling
    return code, plain, text


@pytest.mark.parametrize("args", [("room", "list"), ("room", "show", "rel-bob [/]")])
def test_markup_in_names_is_printed_literally(admin: Session, args: tuple[str, ...]) -> None:
    code, plain, _ = on_terminal(admin, *args)
    assert code == 0, plain
    assert "MarkupError" not in plain
    assert "rel-bob [/]" in plain
    if args[1] == "list":
        assert "Budget [draft]" in plain


def test_control_characters_are_escaped_on_a_terminal_and_exact_in_json(admin: Session) -> None:
    code, plain, raw = on_terminal(admin, "room", "list")
    assert code == 0
    assert "\x07" not in raw and "\x1b]" not in raw and "\x1b[31m" not in raw
    assert "x\\x1b]0;pwned\\x07\\x1b[31mRED" in plain
    listed = admin.json("room", "list")
    assert ESCAPE_NAME in [room["displayName"] for room in listed]


def test_messages_on_a_terminal_escape_controls() -> None:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO(), {}, stderr_isatty=True)
    env.message(f"Renamed {ESCAPE_NAME}\nsecond line")
    assert err.getvalue() == "Renamed x\\x1b]0;pwned\\x07\\x1b[31mRED\nsecond line\n"
    piped = io.StringIO()
    Environment(io.StringIO(), piped, io.StringIO(), {}).message(ESCAPE_NAME)
    assert piped.getvalue() == ESCAPE_NAME + "\n"  # a log file gets the exact name


def test_auth_status_prints_a_display_name_with_markup_literally() -> None:
    out = io.StringIO()
    env = Environment(out, io.StringIO(), io.StringIO(), {"NO_COLOR": "1"}, stdout_isatty=True)
    report = StatusReport("https://cloud.example.com", "alice", "keyring", user_id="alice")
    report.display_name = "Alice [/b]"
    render_status(env, report, as_json=False)
    assert "Alice [/b] (alice)" in out.getvalue()


def test_ensure_dry_run_table_prints_names_literally() -> None:
    out = io.StringIO()
    env = Environment(out, io.StringIO(), io.StringIO(), {"NO_COLOR": "1"}, stdout_isatty=True)
    record = planned(plan_for(Wanted("rel-bob [/] [b]"), []), dry_run=True)
    Renderer(env, "table").results(Results([record], dry_run=True))
    assert "rel-bob [/] [b]" in out.getvalue()


def test_a_lone_surrogate_never_breaks_any_format(admin: Session) -> None:
    token = admin.srv.add_room(owner="admin", name="bad \ud800 name")
    for args in [("--json",), ("--format", "jsonl"), ("--format", "tsv"), ("--format", "csv")]:
        result = admin.run("room", "list", *args)
        assert result.code == 0, result
        assert "Traceback" not in result.stderr and result.stderr == ""
        if args == ("--json",):
            names = [room["displayName"] for room in json.loads(result.stdout)]
            assert "bad \ud800 name" in names  # valid JSON, the exact string
        else:
            assert "bad \\ud800 name" in result.stdout
    shown = admin.run("room", "show", token, "--json")
    assert shown.code == 0, shown
    assert json.loads(shown.stdout)["name"] == "bad \ud800 name"
    for args in [(), ("--format", "tsv")]:
        plain = admin.run("room", "show", token, *args)
        assert plain.code == 0 and "bad \\ud800 name" in plain.stdout, plain


def test_an_impossible_time_spoils_that_field_not_the_listing(admin: Session) -> None:
    admin.srv.add_room(owner="admin", name="far future", last_activity=99999999999999)
    listed = admin.run("room", "list")
    assert listed.code == 0, listed
    assert len(listed.stdout.splitlines()) == 5
    shown = admin.run("room", "show", "far future")
    assert shown.code == 0, shown
    assert "last activity\t\n" in shown.stdout
    code, plain, _ = on_terminal(admin, "room", "list")
    assert code == 0 and "far future" in plain


def test_a_name_printed_as_tsv_or_csv_finds_its_conversation_again(admin: Session) -> None:
    tricky = 'tab\there\nnew line \\ backslash, comma "quote"'
    admin.srv.add_room(owner="admin", name=tricky)
    tsv = admin.run("room", "list", "--format", "tsv", "--fields", "token,displayName")
    rows = [line.split("\t") for line in tsv.stdout.splitlines()]
    assert all(len(row) == 2 for row in rows)
    names = [tsv_unescape(row[1]) for row in rows]
    assert tricky in names
    assert "tab\\there\\nnew line \\\\ backslash" in tsv.stdout
    found = admin.run("room", "show", names[names.index(tricky)], "--json")
    assert found.code == 0, found
    as_csv = admin.run("room", "list", "--format", "csv", "--fields", "token,displayName")
    parsed = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert parsed[0] == ["token", "displayName"]
    assert tricky in [row[1] for row in parsed[1:]]
    assert admin.run("room", "show", tricky).code == 0


def test_csv_headers_are_field_keys_and_times_are_iso_8601(admin: Session) -> None:
    admin.srv.add_room(owner="admin", name="dated", last_activity=1795667308)
    rows = list(csv.DictReader(io.StringIO(admin.run("room", "list", "--format", "csv").stdout)))
    assert list(rows[0]) == [
        "token",
        "type",
        "displayName",
        "unreadMessages",
        "lastActivity",
        "flags",
    ]
    dated = next(row for row in rows if row["displayName"] == "dated")
    assert re.fullmatch(r"2026-11-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", dated["lastActivity"])
    tsv = admin.run("room", "list", "--format", "tsv").stdout
    assert re.search(r"\tdated\t0\t2026-11-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\t", tsv)
    raw = admin.run("room", "list", "--format", "csv", "--fields", "displayName,lastActivity")
    assert "dated,1795667308" in raw.stdout  # --fields: as the server sends it


def test_narrow_terminal_cuts_cells_with_an_ellipsis_wide_keeps_them(admin: Session) -> None:
    code, narrow, _ = on_terminal(admin, "room", "list", columns=60)
    assert code == 0
    lines = [line for line in narrow.splitlines() if line.strip()]
    assert len(lines) == 5  # header + 4 rows: nothing wraps
    assert all(len(line.rstrip()) <= 60 for line in lines)
    assert "…" in narrow and "TOKEN" in narrow and "LAST ACTIVITY" in narrow
    code, wide, _ = on_terminal(admin, "room", "list", columns=250)
    assert LONG_NAME.strip() in wide and "…" not in wide


def test_room_show_has_every_setting_and_the_guest_link(admin: Session) -> None:
    token = admin.srv.add_room(
        owner="admin", type=3, name="Town hall", description="Open", listable=2
    )
    admin.run("room", "list")
    shown = dict(
        line.split("\t", 1) for line in admin.run("room", "show", "Town hall").stdout.splitlines()
    )
    assert shown["description"] == "Open" and shown["listable"] == "everyone"
    assert shown["lobby"] == "off" and shown["message expiration"] == "off"
    assert shown["archived"] == "no"
    assert shown["guest link"] == f"{admin.srv.url}/index.php/call/{token}"


def test_participant_names_from_others_are_literal_on_a_terminal(admin: Session) -> None:
    """Display names are typed by other people too: the participant listing and the lines
    of a participant change print markup literally and escape control characters."""
    hostile = "[bold]Mal[/bold] " + ESCAPE_NAME
    admin.srv.add_user("mallory", display_name=hostile)
    token = admin.srv.add_room(owner="admin", name="Team", participants={"mallory": 3})
    code, plain, raw = on_terminal(admin, "participant", "list", token)
    assert code == 0, plain
    assert "\x07" not in raw and "\x1b]" not in raw and "\x1b[31m" not in raw
    assert "[bold]Mal[/bold] x\\x1b]0;pwned\\x07\\x1b[31mRED" in plain
    code, plain, raw = on_terminal(admin, "participant", "promote", token, "mallory", "mallory")
    assert code == 0, plain
    assert "\x07" not in raw and "\x1b]" not in raw and "\x1b[31m" not in raw
    assert "[bold]Mal[/bold]" in plain and "1 promoted, 1 skipped (given twice)" in plain
    listed = json.loads(admin.run("participant", "list", token, "--json").stdout)
    assert hostile in [p["displayName"] for p in listed]  # exact in JSON


RTL_NAME = "adv-rtl-\u202egnp.exe"
HIDDEN_NAME = "zero\u200bwidth \u2066isolate\u2069 \ufeffbom \u200fmark"


def test_bidi_and_invisible_characters_are_escaped_in_tables(admin: Session) -> None:
    admin.srv.add_room(owner="admin", name=RTL_NAME)
    admin.srv.add_room(owner="admin", name=HIDDEN_NAME)
    code, plain, raw = on_terminal(admin, "room", "list")
    assert code == 0, plain
    for char in "\u202e\u200b\u2066\u2069\ufeff\u200f":
        assert char not in raw
    assert "adv-rtl-\\u202egnp.exe" in plain
    assert "zero\\u200bwidth \\u2066isolate\\u2069 \\ufeffbom \\u200fmark" in plain
    code, plain, raw = on_terminal(admin, "room", "show", RTL_NAME)
    assert code == 0 and "\u202e" not in raw and "adv-rtl-\\u202egnp.exe" in plain
    names = [room["displayName"] for room in admin.json("room", "list")]
    assert RTL_NAME in names and HIDDEN_NAME in names  # data keeps the exact string


@pytest.mark.parametrize("columns", [60, 40])
def test_tokens_are_never_cut_on_a_narrow_terminal_names_are(admin: Session, columns: int) -> None:
    admin.srv.add_room(
        owner="admin",
        name="Flags",
        password="Pw-123456789",
        favorite_for=["admin"],
        archived_for=["admin"],
        read_only=1,
    )
    code, plain, _ = on_terminal(admin, "room", "list", columns=columns)
    assert code == 0, plain
    for token in [room["token"] for room in admin.json("room", "list")]:
        assert token in plain
    assert LONG_NAME.strip() not in plain and "…" in plain


FORGED = "x\ntalkctl: error: fake"


def forged_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("talkctl: error: fake")]


def test_a_name_never_forges_a_line_in_result_messages(admin: Session) -> None:
    token = admin.srv.add_room(owner="admin", name="Plain")
    other = admin.srv.add_room(owner="admin", name="Other")
    code, plain, _ = on_terminal(admin, "room", "rename", token, FORGED)
    assert code == 0 and forged_lines(plain) == [] and "x\\ntalkctl: error: fake" in plain
    code, plain, _ = on_terminal(admin, "room", "delete", token, other, "--dry-run")
    assert code == 0 and forged_lines(plain) == [], plain
    piped = admin.run("room", "delete", token, other, "--yes")
    assert piped.code == 0, piped
    assert forged_lines(piped.stderr) == [] and forged_lines(piped.stdout) == []
    assert f"ok\tx\\ntalkctl: error: fake ({token})\tdeleted" in piped.stderr


def apply_record(name: str) -> Results:
    entry = Entry(line=1, name=name)
    plan = ConversationPlan(entry, plan_for(Wanted(name), []))
    return Results([apply_planned(entry, plan, dry_run=False)])


@pytest.mark.parametrize("tty", [True, False])
def test_apply_result_lines_never_forge_a_line(tty: bool) -> None:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(out, err, io.StringIO(), {"NO_COLOR": "1"}, tty, tty)
    render_apply(env, "table", apply_record(FORGED + "\u202e"))
    assert forged_lines(err.getvalue()) == [] and forged_lines(out.getvalue()) == []
    assert "x\\ntalkctl: error: fake\\u202e: created" in err.getvalue()
    if not tty:  # a real run prints the rows a dry run prints, escaped as TSV
        assert out.getvalue() == "x\\ntalkctl: error: fake\u202e\t\tcreate\ttype group\n"


@pytest.mark.parametrize("count", [1, 2])
def test_a_name_never_forges_a_line_in_a_confirmation(count: int) -> None:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO("n\n"), {}, False, True, True)
    targets = [Target(FORGED, f"tok{n}", FORGED + "\u202e", 2) for n in range(count)]
    with pytest.raises(UsageError, match="not confirmed"):
        asker(env, "delete")(targets)
    assert forged_lines(err.getvalue()) == [] and "\u202e" not in err.getvalue()
    assert "x\\ntalkctl: error: fake\\u202e (tok0)" in err.getvalue()


def test_a_refused_dry_run_of_one_item_stays_one_error_line() -> None:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO(), {})
    record = Record(FORGED, "tok", FORGED, "delete", ok=False, dry_run=True, exit_code=5)
    record.error = f"would be refused: only moderators can delete {FORGED} (tok)"
    Renderer(env, "table").results(Results([record], single=True, dry_run=True))
    assert forged_lines(err.getvalue()) == []
    assert len(err.getvalue().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_on_a_terminal_shows_format_characters_as_escapes(fmt: str) -> None:
    out = io.StringIO()
    env = Environment(out, io.StringIO(), io.StringIO(), {"NO_COLOR": "1"}, stdout_isatty=True)
    Renderer(env, fmt).json([{"displayName": RTL_NAME}])
    assert "\u202e" not in out.getvalue() and "adv-rtl-\\u202egnp.exe" in out.getvalue()
    assert json.loads(out.getvalue().strip().strip("[]"))["displayName"] == RTL_NAME
    piped = io.StringIO()
    Renderer(Environment(piped, io.StringIO(), io.StringIO(), {}), fmt).json([{"n": RTL_NAME}])
    assert RTL_NAME in piped.getvalue()  # a pipe gets the exact characters


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_tsv_and_csv_on_a_terminal_cannot_drive_it(admin: Session, fmt: str) -> None:
    admin.srv.add_room(owner="admin", name=RTL_NAME)
    code, plain, raw = on_terminal(admin, "room", "list", "--format", fmt)
    assert code == 0, plain
    assert "\x1b]" not in raw and "\x07" not in raw and "\u202e" not in raw
    assert "x\\x1b]0;pwned\\x07\\x1b[31mRED" in plain and "adv-rtl-\\u202egnp.exe" in plain


def test_a_confirmation_question_is_one_line_whatever_it_names() -> None:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO("y\n"), {}, False, True, True)
    assert confirm(env, f"Remove {FORGED}\u202e from Team?")
    assert err.getvalue() == "Remove x\\ntalkctl: error: fake\\u202e from Team? [y/N] "
