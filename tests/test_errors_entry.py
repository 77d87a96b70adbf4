"""One error handler at the entry point: every error is one line and its exit code.

No command needs a decorator (a new command that forgets nothing cannot print a traceback);
usage mistakes are one ``talkctl: error:`` line with the hint to --help; context is added by
wrapping, never by changing the exception; resolution errors are generic.
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pytest
import typer
from clirunner import talkctl_executable
from e2e_support import Factory, Session, start

from talkctl.api.errors import ApiError
from talkctl.cli.app import RootGroup, run_main
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.errors import Ambiguous, Candidate, InContext, NotFound
from talkctl.exit_codes import ExitStatus
from talkctl.resolve import Index


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    admin = start(fake_talk_factory, talkctl_home)
    admin.srv.add_room(owner="admin", name="Team chat")
    return admin


def test_a_command_without_any_decorator_fails_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = typer.Typer(cls=RootGroup, add_completion=False)

    @app.callback()
    def root() -> None:
        pass

    @app.command()
    def boom() -> None:
        raise RuntimeError("boom")

    code = run_main(typer.main.get_command(app), ["boom"])
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err
    assert captured.err.splitlines() == [
        "talkctl: error: unexpected error: RuntimeError: boom (run with --debug for a traceback)"
    ]


def one_error(result_stderr: str) -> str:
    lines = result_stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("talkctl: error: ")
    return lines[0]


def test_unknown_option_is_one_line_with_the_help_hint(admin: Session) -> None:
    result = admin.run("room", "list", "--bogus")
    assert result.code == 2 and result.stdout == ""
    line = one_error(result.stderr)
    assert "no such option: --bogus" in line
    assert "(see 'talkctl room list --help')" in line
    assert "Usage:" not in result.stderr


def test_missing_argument_and_bad_value_are_one_line(admin: Session) -> None:
    missing = admin.run("room", "show")
    assert missing.code == 2
    assert "see 'talkctl room show --help'" in one_error(missing.stderr)
    bad = admin.run("--timeout", "soon", "room", "list")
    assert bad.code == 2
    assert "see 'talkctl --help'" in one_error(bad.stderr)


def test_a_global_option_after_the_command_says_where_it_goes(admin: Session) -> None:
    result = admin.run("room", "list", "--profile", "work")
    assert result.code == 2
    line = one_error(result.stderr)
    assert "--profile is a global option: put it before the command" in line
    assert admin.srv.requests == []


def test_a_command_with_its_own_profile_option_keeps_it(admin: Session) -> None:
    result = admin.run("auth", "logout", "--profile", "nosuch")
    assert result.code == 2
    assert "global option" not in result.stderr
    assert "no profile named 'nosuch'" in one_error(result.stderr)


def test_closed_stdout_is_exit_1_with_one_line(admin: Session) -> None:
    completed = subprocess.run(
        ["sh", "-c", f"'{talkctl_executable()}' room list >&-"],
        capture_output=True,
        text=True,
        env=admin.run.env,
        timeout=60,
    )
    assert completed.returncode == 1, completed
    assert "Traceback" not in completed.stderr
    assert "stdout is closed" in one_error(completed.stderr)


def test_context_is_added_by_wrapping_not_by_changing_the_error() -> None:
    cause = ApiError("HTTP 404", status=404, method="GET", path="/room/x", attempts=2)
    wrapped = InContext("conversation x not found", cause)
    assert str(cause) == "HTTP 404" and cause.message == "HTTP 404"
    assert error_line(cause) == "HTTP 404 (after 2 attempts)"
    assert error_line(wrapped) == "conversation x not found"
    assert exit_status_for(wrapped) == ExitStatus.NOT_FOUND


def test_server_text_in_an_error_line_cannot_reach_the_terminal_raw() -> None:
    cause = ApiError("refused: \x1b]0;pwned\x07\x1b[31mRED", status=400, method="PUT", path="/")
    line = error_line(cause)
    assert "\x1b" not in line and "\x07" not in line
    assert "\\x1b]0;pwned\\x07\\x1b[31mRED" in line


class Person:
    def __init__(self, attendee: int, user: str, name: str) -> None:
        self.attendee, self.user, self.name = attendee, user, name


def people_index(people: list[Person]) -> Index[Person]:
    return Index(
        "participant",
        people,
        ids=lambda p: (f"attendee:{p.attendee}", p.user),
        names=lambda p: (p.name,),
        candidate=lambda p: Candidate(f"attendee:{p.attendee}", p.name, "user"),
        advice="use attendee:ID",
    )


def test_the_index_is_generic_ids_first_then_names() -> None:
    alice, bob, other_bob = (
        Person(1, "alice", "Alice"),
        Person(2, "bob", "Bob"),
        Person(3, "b2", "Bob"),
    )
    index = people_index([alice, bob, other_bob])
    assert index.find("attendee:2") is bob and index.find("alice") is alice
    assert index.find("Alice") is alice
    with pytest.raises(Ambiguous) as ambiguous:
        index.find("Bob")
    assert [c.id for c in ambiguous.value.candidates] == ["attendee:2", "attendee:3"]
    assert exit_status_for(ambiguous.value) == ExitStatus.AMBIGUOUS
    assert "use attendee:ID" in str(ambiguous.value)
    with pytest.raises(NotFound) as missing:
        index.find("carol")
    assert (missing.value.kind, missing.value.ref) == ("participant", "carol")
    assert exit_status_for(missing.value) == ExitStatus.NOT_FOUND


def test_names_match_after_nfc_and_a_case_miss_suggests(admin: Session) -> None:
    composed = unicodedata.normalize("NFC", "Café")
    admin.srv.add_room(owner="admin", name=composed)
    decomposed = unicodedata.normalize("NFD", "Café")
    assert decomposed != composed
    found = admin.run("room", "show", decomposed, "--json")
    assert found.code == 0, found
    miss = admin.run("room", "show", "team chat")
    assert miss.code == 3
    assert "did you mean 'Team chat'?" in one_error(miss.stderr)


def test_the_error_boundary_lives_in_the_entry_module() -> None:
    """guard and run_main are the root command's (cli/app.py), beside the entry point; the
    lazy loader only loads, and cli/errors.py only words errors."""
    from talkctl.cli import app, errors, lazy

    assert not hasattr(errors, "guard") and not hasattr(errors, "run_main")
    assert "invoke" not in vars(lazy.LazyGroup)
    assert app.app.info.cls is RootGroup and "invoke" in vars(RootGroup)
    assert app.guard.__module__ == app.run_main.__module__ == "talkctl.cli.app"
